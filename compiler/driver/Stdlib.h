// The standard library's sources, embedded at build time (EmbedStdlib.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace dlc {

struct EmbeddedFile {
  const char *name;       // "nn.dl"
  std::string_view text;
};

const std::vector<EmbeddedFile> &embeddedStdlib();

}  // namespace dlc
