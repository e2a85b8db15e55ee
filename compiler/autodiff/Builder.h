// Builds the ops that autodiff emits: each helper infers its result type with
// the shared shape rules (types/ShapeRules.h) and collects the new ops in
// order, for the caller to insert where it needs them (before a Grad or
// Minimize op). Run-time sizes that Fill and Reshape take as operands are read
// with SizeOf from a value that has the same symbolic dimension.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "ir/IR.h"

namespace dlc::autodiff {

class Builder {
public:
  Builder(ir::Module &module, ir::Region &region, SourceLoc loc) : module_(module), region_(region), loc_(loc) {}

  // New ops take this location: the user's line the derivative belongs to.
  void setLoc(SourceLoc loc) { loc_ = loc; }
  // The ops made so far, in order; the builder starts empty again.
  std::vector<std::unique_ptr<ir::Op>> take() { return std::move(ops_); }

  // Any op, with its result type given.
  ir::Value *op(ir::OpKind kind, std::vector<ir::Value *> operands, TensorType result, ir::Attrs attrs = {});

  // A scalar constant.
  ir::Value *scalar(double value, DType dtype);
  // A tensor of `type` filled with `value`; symbolic sizes are read from `like`.
  ir::Value *fill(double value, const TensorType &type, ir::Value *like);
  ir::Value *unary(ir::OpKind kind, ir::Value *a);
  // NumPy broadcasting; comparisons and And/Or give bool, arithmetic the wider dtype.
  ir::Value *binary(ir::OpKind kind, ir::Value *a, ir::Value *b);
  ir::Value *select(ir::Value *cond, ir::Value *a, ir::Value *b);
  ir::Value *cast(ir::Value *a, DType dtype);
  // A reduction over `axis`, or every element when `axis` is empty.
  ir::Value *reduce(ir::OpKind kind, ir::Value *a, std::optional<int64_t> axis, bool keepdim);
  ir::Value *matmul(ir::Value *a, ir::Value *b);
  ir::Value *transpose(ir::Value *a);
  // Reshape `a` to `dims`; symbolic sizes are read from `like`.
  ir::Value *reshape(ir::Value *a, const Shape &dims, ir::Value *like);
  ir::Value *broadcastTo(ir::Value *a, const Shape &dims);
  ir::Value *reduceTo(ir::Value *a, const Shape &dims);
  ir::Value *sizeOf(ir::Value *a, size_t axis);

  ir::Value *neg(ir::Value *a) { return unary(ir::OpKind::Neg, a); }
  ir::Value *add(ir::Value *a, ir::Value *b) { return binary(ir::OpKind::Add, a, b); }
  ir::Value *sub(ir::Value *a, ir::Value *b) { return binary(ir::OpKind::Sub, a, b); }
  ir::Value *mul(ir::Value *a, ir::Value *b) { return binary(ir::OpKind::Mul, a, b); }
  ir::Value *div(ir::Value *a, ir::Value *b) { return binary(ir::OpKind::Div, a, b); }

  // The run-time sizes of `dims`' symbolic dimensions, in order, each read
  // from the axis of `like` that has the same symbol.
  std::vector<ir::Value *> runtimeSizes(const Shape &dims, ir::Value *like);
  // `a` made to fit `type`: broadcast dimensions summed away (ReduceTo) and
  // the dtype cast. Returns `a` when it already fits.
  ir::Value *fitTo(ir::Value *a, const TensorType &type);

private:
  ir::Module &module_;
  ir::Region &region_;
  SourceLoc loc_;
  std::vector<std::unique_ptr<ir::Op>> ops_;
};

}  // namespace dlc::autodiff
