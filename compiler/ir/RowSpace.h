// The row space of a fused_rows kernel (ir/Ops.def), shared by the pass that
// makes them (passes/FuseRows) and the code generator (codegen/x86/EmitRows):
// a full shape F = [R..., C] with a static last size C > 1; a kernel runs
// over the rows (the elements of R...) and, in each, over the C columns.
// How an op inside the kernel reads an operand follows from the operand's
// shape and whether the op's result is a full row or one value per row.
#pragma once

#include "types/Type.h"

namespace dlc::ir {

enum class RowAccess { None, Full, RowScalar, RowVector, Scalar };

// A shape that can be a kernel's full shape.
inline bool isRowSpace(const Shape &full) {
  return full.size() >= 2 && full.back().isStatic() && full.back().size > 1;
}

// One value per row: [R..., 1] (keepdim) or [R...].
inline bool isRowScalar(const Shape &dims, const Shape &full) {
  const size_t rows = full.size() - 1;
  if (dims.size() != rows && dims.size() != full.size()) return false;
  for (size_t i = 0; i < rows; ++i)
    if (dims[i] != full[i]) return false;
  return dims.size() == rows || dims.back().isOne();
}

// Broadcast to every element: rank 0, or every size a static 1.
inline bool isScalarLike(const Shape &dims, const Shape &full) {
  if (dims.size() > full.size()) return false;
  for (const Dim &d : dims)
    if (!d.isOne()) return false;
  return true;
}

// How an op whose result is a full row (`fullResult`) or one value per row,
// of shape `result`, reads an operand of shape `dims`.
inline RowAccess rowAccess(const Shape &dims, const Shape &result, const Shape &full, bool fullResult) {
  if (fullResult) {
    if (dims == full) return RowAccess::Full;
    if (isScalarLike(dims, full)) return RowAccess::Scalar;
    if (dims.size() == full.size() && isRowScalar(dims, full)) return RowAccess::RowScalar;
    bool vector = !dims.empty() && dims.size() <= full.size() && dims.back() == full.back();
    for (size_t i = 0; vector && i + 1 < dims.size(); ++i) vector = dims[i].isOne();
    return vector ? RowAccess::RowVector : RowAccess::None;
  }
  if (dims == result) return RowAccess::RowScalar;
  if (isScalarLike(dims, full)) return RowAccess::Scalar;
  return RowAccess::None;
}

}  // namespace dlc::ir
