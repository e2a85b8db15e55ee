// An open document and its analyses. Every open or change re-runs the whole
// front end (the same one as `dlc --check`) on the full text; the last
// analysis that got past the parser is kept too, so completion still knows
// the program's names while the user is in the middle of typing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/Frontend.h"
#include "lsp/SourceIndex.h"

namespace dlc::lsp {

struct Analysis {
  std::string text;
  std::unique_ptr<Compilation> compilation;
  std::vector<Occurrence> occurrences;  // of the main file
  std::string internalError;            // set when the front end threw

  const SourceFile &mainFile() const;
  int32_t mainFileId() const;
  bool hasProgram() const { return compilation->program != nullptr; }
};

// Runs the front end on `text` as the contents of `path`.
std::shared_ptr<const Analysis> analyze(const std::string &path, const std::string &text,
                                        const FrontendOptions &options);

struct Document {
  std::string uri;
  std::string path;  // the file path the front end sees (`use` resolves from it)
  int64_t version = 0;
  std::string text;
  std::shared_ptr<const Analysis> current;   // of `text`
  std::shared_ptr<const Analysis> lastGood;  // the latest with a checked program
};

// Where `offset` of `now` was in `before`: text the edit did not touch keeps
// its place; an offset inside the edit maps to the edit's start.
uint32_t mapOffset(const std::string &now, const std::string &before, uint32_t offset);

}  // namespace dlc::lsp
