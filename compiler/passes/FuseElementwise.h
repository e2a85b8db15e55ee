// fuse-elementwise: chains of elementwise ops become one Fused op (one loop
// over the elements, no intermediate tensors), and a kernel may give several
// values (multi-output), so that an optimizer's update of a parameter and of
// its state (Adam: m, v and p) is one loop over the parameter's elements.
//
// Within each region, scanning from the end: an elementwise op roots a
// kernel; a producer joins it when it is an elementwise op of the same
// region whose result has the root's shape and either is used by members of
// the kernel only, or is also used outside the kernel, then only after the
// root or by Stores that can move down to just after the kernel (no op in
// between reads or writes that storage). Such a value is an extra output of
// the kernel: each is read by a kernel_output op placed right after the
// kernel, and the moved Stores follow. Producers shaped otherwise (a bias to
// broadcast, a scalar) stay outside and are read as the kernel's operands,
// broadcast as the unfused op would have. Members keep their order, their
// types and their operands, so each element is computed by exactly the
// arithmetic of the unfused program: fusion never changes a number.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createFuseElementwisePass();
// The same without extra outputs (no kernel_output ops): a value also read
// outside a chain ends the chain. For back ends without multi-output kernels
// (codegen/nvptx).
Pass createFuseElementwiseSingleOutputPass();

}  // namespace dlc::passes
