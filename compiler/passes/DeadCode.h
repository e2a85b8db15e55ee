// dce: removes ops whose result nothing uses and that have no other effect,
// until none is left. Kept: anything that prints, stores, draws from the
// generator, reads files or controls flow, indexing (it checks its indices),
// and any op whose operands have
// sizes known only at run time and that checks them (a broadcast or product
// of mismatched sizes must still stop the program, as PyTorch would).
// Stores to a `var` storage that no op loads (a function's return slot whose
// value lowering forwarded) are removed as well.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createDeadCodePass();

// Whether `op` may be removed when its result is unused.
bool isRemovableWhenUnused(const ir::Op &op);

}  // namespace dlc::passes
