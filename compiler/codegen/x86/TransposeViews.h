// Which Transpose ops need no copy: those whose every user is a matrix
// product that takes the generated GEMM's path (rank 2, float, one dtype)
// and reads the transpose as its left operand. The GEMM reads A through
// strides (Gemm.h), so for these the emitter defines the transpose as a view
// of its operand's elements (the backward pass's X^T @ dY copies nothing),
// and the product computes exactly what it would from the copy. A transposed
// right operand (dY @ W^T) is still copied: the GEMM could read it through
// strides too, but gathering it into each thread's panels is slower.
#pragma once

#include <unordered_set>

#include "ir/IR.h"

namespace dlc::codegen::x86 {

std::unordered_set<const ir::Op *> findTransposeViews(const ir::Module &module);

}  // namespace dlc::codegen::x86
