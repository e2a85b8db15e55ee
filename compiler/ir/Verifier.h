// Checks the IR's invariants; run after lowering and after every pass. A
// failure is a compiler bug, reported as an internal error naming the op.
#pragma once

#include <string>
#include <vector>

#include "ir/IR.h"

namespace dlc::ir {

// Returns the problems found (empty when the module is well formed):
// operand counts as in Ops.def; every operand defined earlier in its region
// or in an enclosing one; results typed; Load/Store naming declared
// storage; shapes of elementwise ops and matmuls agreeing by the shared
// shape rules where the sizes are static.
std::vector<std::string> verify(const Module &module);

}  // namespace dlc::ir
