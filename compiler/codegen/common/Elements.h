// The element-level rules both back ends follow (codegen/x86 for the CPU,
// codegen/nvptx for the GPU), so that a kernel computes each element the
// same way on either: the dtype a binary op computes in, dtype conversions,
// and torch's special cases of pow by a constant exponent.
#pragma once

#include <optional>

#include <llvm/IR/IRBuilder.h>

#include "ir/IR.h"

namespace dlc::codegen {

bool isComparison(ir::OpKind kind);

// The dtype two operands are compared in: PyTorch's promotion.
DType promote(DType a, DType b);

// The dtype a binary op computes in: comparisons in the promoted operand
// dtype, `and`/`or` in bool, everything else in the result's dtype.
DType binaryComputeType(const ir::Op &op);

// A scalar constant exponent (every element of a constant equal), for pow.
std::optional<double> constantExponent(const ir::Value *v);

// torch's pow(base, exponent) for the exponents it special-cases (0, 1, 2,
// 3, 0.5, -0.5, -1, -2), on a float `base`; null for any other exponent.
llvm::Value *powSpecialCase(llvm::IRBuilder<> &b, llvm::Value *base, double exponent);

// `v` of dtype `from` as dtype `to` (element type `ty`): bool is 0/1 in an
// i8; float to i32 truncates toward zero and saturates out of range.
llvm::Value *convertElement(llvm::IRBuilder<> &b, llvm::Value *v, DType from, DType to, llvm::Type *ty);

}  // namespace dlc::codegen
