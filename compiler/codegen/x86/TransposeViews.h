// Which Transpose ops need no copy: those whose every user is a matrix
// product that takes the generated GEMM's path (rank 2, float, one dtype),
// or a kernel that starts with one (FuseMatmulEpilogue.h), and reads the
// transpose as one of its two operands. The GEMM reads A and B through
// strides and packs both (Gemm.h), so for these the emitter defines the
// transpose as a view of its operand's elements (the backward pass's X^T @
// dY and dY @ W^T copy nothing), and the product computes exactly what it
// would from the copy.
#pragma once

#include <unordered_set>

#include "ir/IR.h"

namespace dlc::codegen::x86 {

std::unordered_set<const ir::Op *> findTransposeViews(const ir::Module &module);

}  // namespace dlc::codegen::x86
