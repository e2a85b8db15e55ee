// Result types come from types/ShapeRules, the same rules sema checks
// programs with, so an op made here has the type the verifier expects.
#include "autodiff/Builder.h"

#include "types/ShapeRules.h"

namespace dlc::autodiff {

using ir::OpKind;
using ir::Value;

namespace {

bool isLogical(OpKind kind) {
  switch (kind) {
  case OpKind::Lt: case OpKind::Le: case OpKind::Gt: case OpKind::Ge:
  case OpKind::Eq: case OpKind::Ne: case OpKind::And: case OpKind::Or:
    return true;
  default:
    return false;
  }
}

// PyTorch's promotion between two operands: the higher category, and f64 over f32.
DType promote(DType a, DType b) {
  if (a == b) return a;
  if (dtypeCategory(a) != dtypeCategory(b)) return dtypeCategory(a) > dtypeCategory(b) ? a : b;
  return (a == DType::F64 || b == DType::F64) ? DType::F64 : a;
}

Shape broadcastShape(const Shape &a, const Shape &b) {
  Shape out;
  // Operands built by autodiff broadcast by construction; on a mismatch keep
  // the left shape and let the verifier report the bug.
  if (!shapes::broadcast(a, b, &out, nullptr)) return a;
  return out;
}

}  // namespace

Value *Builder::op(OpKind kind, std::vector<Value *> operands, TensorType result, ir::Attrs attrs) {
  auto made = module_.makeOp(region_, kind, std::move(operands), std::move(result), loc_);
  made->attrs = std::move(attrs);
  Value *value = made->result;
  ops_.push_back(std::move(made));
  return value;
}

Value *Builder::scalar(double value, DType dtype) {
  ir::Attrs attrs;
  attrs.data = {value};
  return op(OpKind::Constant, {}, TensorType{dtype, {}}, std::move(attrs));
}

Value *Builder::fill(double value, const TensorType &type, Value *like) {
  ir::Attrs attrs;
  attrs.value = value;
  return op(OpKind::Fill, runtimeSizes(type.dims, like), type, std::move(attrs));
}

Value *Builder::unary(OpKind kind, Value *a) { return op(kind, {a}, a->type); }

Value *Builder::binary(OpKind kind, Value *a, Value *b) {
  DType dtype = isLogical(kind) ? DType::Bool : promote(a->type.dtype, b->type.dtype);
  return op(kind, {a, b}, TensorType{dtype, broadcastShape(a->type.dims, b->type.dims)});
}

Value *Builder::select(Value *cond, Value *a, Value *b) {
  Shape dims = broadcastShape(broadcastShape(cond->type.dims, a->type.dims), b->type.dims);
  return op(OpKind::Select, {cond, a, b}, TensorType{promote(a->type.dtype, b->type.dtype), dims});
}

Value *Builder::cast(Value *a, DType dtype) {
  if (a->type.dtype == dtype) return a;
  return op(OpKind::Cast, {a}, TensorType{dtype, a->type.dims});
}

Value *Builder::reduce(OpKind kind, Value *a, std::optional<int64_t> axis, bool keepdim) {
  Shape dims;
  if (!shapes::reduce(a->type.dims, axis, keepdim, &dims, nullptr)) dims = a->type.dims;
  ir::Attrs attrs;
  attrs.allAxes = !axis;
  attrs.axis = axis.value_or(-1);
  attrs.keepdim = keepdim;
  DType dtype = kind == OpKind::Argmax ? DType::I32 : a->type.dtype;
  return op(kind, {a}, TensorType{dtype, dims}, std::move(attrs));
}

Value *Builder::matmul(Value *a, Value *b) {
  Shape dims;
  if (!shapes::matmul(a->type.dims, b->type.dims, &dims, nullptr)) dims = a->type.dims;
  return op(OpKind::MatMul, {a, b}, TensorType{promote(a->type.dtype, b->type.dtype), dims});
}

Value *Builder::transpose(Value *a) {
  return op(OpKind::Transpose, {a}, TensorType{a->type.dtype, shapes::transpose(a->type.dims)});
}

Value *Builder::reshape(Value *a, const Shape &dims, Value *like) {
  std::vector<Value *> operands{a};
  for (Value *size : runtimeSizes(dims, like)) operands.push_back(size);
  return op(OpKind::Reshape, std::move(operands), TensorType{a->type.dtype, dims});
}

Value *Builder::broadcastTo(Value *a, const Shape &dims) {
  if (a->type.dims == dims) return a;
  return op(OpKind::BroadcastTo, {a}, TensorType{a->type.dtype, dims});
}

Value *Builder::reduceTo(Value *a, const Shape &dims) {
  if (a->type.dims == dims) return a;
  return op(OpKind::ReduceTo, {a}, TensorType{a->type.dtype, dims});
}

Value *Builder::sizeOf(Value *a, size_t axis) {
  ir::Attrs attrs;
  attrs.axis = static_cast<int64_t>(axis);
  return op(OpKind::SizeOf, {a}, TensorType{DType::I32, {}}, std::move(attrs));
}

std::vector<Value *> Builder::runtimeSizes(const Shape &dims, Value *like) {
  std::vector<Value *> sizes;
  for (const Dim &d : dims) {
    if (d.isStatic()) continue;
    const Shape &from = like->type.dims;
    for (size_t axis = 0; axis < from.size(); ++axis) {
      if (from[axis] == d) {
        sizes.push_back(sizeOf(like, axis));
        break;
      }
    }
  }
  return sizes;
}

Value *Builder::fitTo(Value *a, const TensorType &type) {
  return cast(reduceTo(a, type.dims), type.dtype);
}

}  // namespace dlc::autodiff
