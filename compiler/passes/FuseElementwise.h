// fuse-elementwise: chains of elementwise ops become one Fused op (one loop
// over the elements, no intermediate tensors).
//
// Within each region, scanning from the end: an elementwise op roots a
// kernel; a producer joins it when it is an elementwise op of the same
// region whose result has the root's shape and is used by members of the
// kernel only. Producers shaped otherwise (a bias to broadcast, a scalar)
// stay outside and are read as the kernel's operands, broadcast as the
// unfused op would have. Members keep their order, their types and their
// operands, so each element is computed by exactly the arithmetic of the
// unfused program: fusion never changes a number.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createFuseElementwisePass();

}  // namespace dlc::passes
