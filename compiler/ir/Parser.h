// Reads the textual IR that ir::print writes, so a pass can be tested on
// its own (`dlc --emit=ir-grad file.ir`). Locations are not kept.
#pragma once

#include <memory>
#include <string>

#include "ir/IR.h"

namespace dlc::ir {

// Returns null and sets `error` ("line N: ...") when the text is malformed.
std::unique_ptr<Module> parse(const std::string &text, std::string *error);

}  // namespace dlc::ir
