// --emit=ir: the IR as text. Values are numbered in print order, so the
// output is deterministic; every op shows its result type and source line.
#pragma once

#include <ostream>

#include "ir/IR.h"

namespace dlc::ir {

void print(const Module &module, std::ostream &out);

}  // namespace dlc::ir
