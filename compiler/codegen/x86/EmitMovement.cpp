// Movement ops: the same elements rearranged (transpose, reshape, broadcast,
// index and its gradient, concat, stack, one_hot). Reshape and a transpose of
// rank < 2 share the operand's elements; the rest copy.
#include "codegen/x86/Emitter.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

namespace {
bool normalizeAxis(int64_t axis, size_t rank, size_t *out) {
  if (axis < 0) axis += static_cast<int64_t>(rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) return false;
  *out = static_cast<size_t>(axis);
  return true;
}
}  // namespace

void Emitter::emitTranspose(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const size_t rank = in.rank();
  if (rank < 2) return define(op, in);
  std::vector<Value *> dims = in.dims;
  std::swap(dims[rank - 1], dims[rank - 2]);
  if (transposeViews_.count(&op)) {
    // Read only by GEMMs, through strides (TransposeViews.h): no copy.
    transposedValues_.insert(op.result);
    return define(op, RtTensor{in.dtype, in.data, resultDims(op.result->type, dims)});
  }
  RtTensor out = allocate(op.result->type.dtype, resultDims(op.result->type, dims));
  std::vector<Value *> inStrides = contiguousStrides(in.dims), outStrides = contiguousStrides(out.dims);
  std::swap(inStrides[rank - 1], inStrides[rank - 2]);
  loopNest(out.dims, [&](const Indices &idx) {
    Value *x = convert(loadElement(in, dot(idx, inStrides)), in.dtype, out.dtype);
    storeElement(out, dot(idx, outStrides), x);
  });
  define(op, out);
}

// The operands after the tensor give the symbolic target sizes in order; a
// symbolic size without an operand is inferred from the element count.
void Emitter::emitReshape(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const TensorType &type = op.result->type;
  std::vector<Value *> dims(type.rank(), nullptr);
  size_t next = 1;
  int inferred = -1;
  for (size_t d = 0; d < type.rank(); ++d) {
    if (type.dims[d].isStatic()) {
      dims[d] = i64(type.dims[d].size);
    } else if (next < op.operands.size()) {
      dims[d] = b_.CreateSExt(scalar(op.operands[next++], DType::I32), b_.getInt64Ty());
    } else if (inferred < 0) {
      inferred = static_cast<int>(d);
    } else {
      return internalError(op.loc, "reshape to " + type.str() + " lacks sizes for its symbolic dims");
    }
  }
  Value *count = product(in.dims);
  if (inferred >= 0) {
    Value *known = i64(1);
    for (size_t d = 0; d < dims.size(); ++d)
      if (dims[d]) known = b_.CreateMul(known, dims[d]);
    Value *empty = b_.CreateICmpEQ(known, i64(0));
    Value *divisor = b_.CreateSelect(empty, i64(1), known);
    failIf(b_.CreateOr(empty, b_.CreateICmpNE(b_.CreateSRem(count, divisor), i64(0))),
           "cannot reshape {} elements into a shape with a multiple of {} elements", op.loc, count, known);
    dims[static_cast<size_t>(inferred)] = b_.CreateSDiv(count, divisor);
  }
  for (Value *d : dims)
    if (!llvm::isa<llvm::ConstantInt>(d)) failIf(b_.CreateICmpSLT(d, i64(0)), "negative size {} in reshape", op.loc, d);
  Value *target = product(dims);
  failIf(b_.CreateICmpNE(count, target), "cannot reshape {} elements into a shape of {} elements", op.loc, count,
         target);
  if (in.dtype != type.dtype) return internalError(op.loc, "reshape cannot change the dtype");
  define(op, RtTensor{in.dtype, in.data, dims});
}

void Emitter::emitBroadcastTo(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const DType from = in.dtype, to = op.result->type.dtype;
  define(op, mapElements(op.result->type, {&in},
                         [&](const std::vector<Value *> &x) { return convert(x[0], from, to); }, op.loc));
}

// Index items over the leading source dims: a point drops its dim (Python's
// negative indices, checked against the size), a slice keeps it (Python's
// clamping), and the dims after the items are kept whole.
Emitter::IndexPlan Emitter::planIndex(const ir::Op &op, const std::vector<Value *> &sourceDims) {
  IndexPlan plan;
  plan.base = i64(0);
  std::vector<Value *> strides = contiguousStrides(sourceDims);
  const auto &items = op.attrs.items;
  if (items.size() > sourceDims.size()) {
    internalError(op.loc, "more index items than dimensions");
    return plan;
  }
  auto bound = [&](int operandNumber) -> Value * {
    if (operandNumber < 0 || static_cast<size_t>(operandNumber) >= op.operands.size()) {
      internalError(op.loc, "index item names a missing operand");
      return i64(0);
    }
    return b_.CreateSExt(scalar(op.operands[static_cast<size_t>(operandNumber)], DType::I32), b_.getInt64Ty());
  };
  for (size_t d = 0; d < sourceDims.size(); ++d) {
    Value *n = sourceDims[d];
    if (d >= items.size()) {
      plan.viewDims.push_back(n);
      plan.viewStrides.push_back(strides[d]);
      continue;
    }
    const ir::IndexItem &item = items[d];
    if (!item.isSlice) {
      Value *p = bound(item.lo);
      Value *q = b_.CreateSelect(b_.CreateICmpSLT(p, i64(0)), b_.CreateAdd(p, n), p);
      failIf(b_.CreateOr(b_.CreateICmpSLT(q, i64(0)), b_.CreateICmpSGE(q, n)),
             "index {} is out of bounds for dimension " + std::to_string(d) + " with size {}", op.loc, p, n);
      plan.base = b_.CreateAdd(plan.base, b_.CreateMul(q, strides[d]));
      continue;
    }
    auto clamp = [&](Value *v) {  // Python: negative counts from the end; then into [0, n]
      Value *shifted = b_.CreateAdd(v, n);
      Value *low = b_.CreateSelect(b_.CreateICmpSLT(shifted, i64(0)), i64(0), shifted);
      Value *high = b_.CreateSelect(b_.CreateICmpSGT(v, n), n, v);
      return b_.CreateSelect(b_.CreateICmpSLT(v, i64(0)), low, high);
    };
    Value *start = item.lo >= 0 ? clamp(bound(item.lo)) : i64(0);
    Value *stop = item.hi >= 0 ? clamp(bound(item.hi)) : n;
    Value *length = b_.CreateSub(stop, start);
    length = b_.CreateSelect(b_.CreateICmpSLT(length, i64(0)), i64(0), length);
    plan.viewDims.push_back(length);
    plan.viewStrides.push_back(strides[d]);
    plan.base = b_.CreateAdd(plan.base, b_.CreateMul(start, strides[d]));
  }
  return plan;
}

void Emitter::emitIndex(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  IndexPlan plan = planIndex(op, in.dims);
  const TensorType &type = op.result->type;
  if (plan.viewDims.size() != type.rank()) return internalError(op.loc, "index result rank does not match " + type.str());
  for (size_t d = 0; d < type.rank(); ++d)
    if (type.dims[d].isStatic() && !isConst(plan.viewDims[d], type.dims[d].size))
      failIf(b_.CreateICmpNE(plan.viewDims[d], i64(type.dims[d].size)),
             "slice has {} elements where the program expects {}", op.loc, plan.viewDims[d], i64(type.dims[d].size));
  RtTensor out = allocate(type.dtype, resultDims(type, plan.viewDims));
  std::vector<Value *> outStrides = contiguousStrides(out.dims);
  loopNest(out.dims, [&](const Indices &idx) {
    Value *x = loadElement(in, b_.CreateAdd(plan.base, dot(idx, plan.viewStrides)));
    storeElement(out, dot(idx, outStrides), convert(x, in.dtype, out.dtype));
  });
  define(op, out);
}

// Zeros shaped like Index's source, with the gradient written at the indexed
// positions. Source sizes that the gradient does not carry (indexed dims)
// come from the values in scope that have the same symbolic dims.
void Emitter::emitIndexGrad(const ir::Op &op) {
  const RtTensor &grad = operand(op, 0);
  const TensorType &type = op.result->type;
  const auto &items = op.attrs.items;
  size_t kept = 0;  // the gradient's dims before the untouched trailing ones
  for (auto &item : items) kept += item.isSlice ? 1 : 0;
  std::vector<Value *> known(type.rank(), nullptr);
  for (size_t d = items.size(); d < type.rank(); ++d)
    if (kept + d - items.size() < grad.rank()) known[d] = grad.dims[kept + d - items.size()];
  RtTensor out = allocate(type.dtype, resultDims(type, known));
  IndexPlan plan = planIndex(op, out.dims);
  if (plan.viewDims.size() != grad.rank()) return internalError(op.loc, "index_grad's gradient has the wrong rank");
  for (size_t d = 0; d < grad.rank(); ++d)
    if (plan.viewDims[d] != grad.dims[d])
      failIf(b_.CreateICmpNE(plan.viewDims[d], grad.dims[d]),
             "index gradient has size {} where the indexed view has size {}", op.loc, grad.dims[d], plan.viewDims[d]);
  llvm::Type *ty = elementType(type.dtype);
  loop(i64(0), product(out.dims), [&](Value *i) { storeElement(out, i, llvm::Constant::getNullValue(ty)); });
  std::vector<Value *> gradStrides = contiguousStrides(grad.dims);
  loopNest(grad.dims, [&](const Indices &idx) {
    Value *g = convert(loadElement(grad, dot(idx, gradStrides)), grad.dtype, type.dtype);
    storeElement(out, b_.CreateAdd(plan.base, dot(idx, plan.viewStrides)), g);
  });
  define(op, out);
}

void Emitter::emitConcat(const ir::Op &op) {
  const TensorType &type = op.result->type;
  size_t axis;
  if (op.operands.empty() || !normalizeAxis(op.attrs.axis, type.rank(), &axis))
    return internalError(op.loc, "concat needs operands and an axis within " + type.str());
  std::vector<const RtTensor *> parts;
  for (size_t i = 0; i < op.operands.size(); ++i) parts.push_back(&operand(op, i));
  std::vector<Value *> dims = parts[0]->dims;
  if (dims.size() != type.rank()) return internalError(op.loc, "concat operand rank does not match " + type.str());
  Value *total = i64(0);
  for (const RtTensor *p : parts) {
    total = b_.CreateAdd(total, p->dims[axis]);
    for (size_t d = 0; d < dims.size(); ++d)
      if (d != axis && p->dims[d] != dims[d])
        failIf(b_.CreateICmpNE(p->dims[d], dims[d]),
               "concat operands differ in dimension " + std::to_string(d) + ": {} and {}", op.loc, p->dims[d], dims[d]);
  }
  dims[axis] = total;
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  if (out.dims[axis] != total)
    failIf(b_.CreateICmpNE(out.dims[axis], total), "concat gives {} elements along the axis, not {}", op.loc, total,
           out.dims[axis]);
  Value *outer = product(out.dims, 0, axis), *inner = product(out.dims, axis + 1);
  Value *offset = i64(0);
  for (const RtTensor *p : parts) {
    Value *chunk = b_.CreateMul(p->dims[axis], inner);
    Value *start = b_.CreateMul(offset, inner);
    loopNest({outer, chunk}, [&](const Indices &idx) {
      Value *x = convert(loadElement(*p, b_.CreateAdd(b_.CreateMul(idx[0], chunk), idx[1])), p->dtype, out.dtype);
      Value *o = b_.CreateAdd(b_.CreateMul(idx[0], b_.CreateMul(total, inner)), b_.CreateAdd(start, idx[1]));
      storeElement(out, o, x);
    });
    offset = b_.CreateAdd(offset, p->dims[axis]);
  }
  define(op, out);
}

void Emitter::emitStack(const ir::Op &op) {
  const TensorType &type = op.result->type;
  if (op.operands.empty() || type.rank() != op.operands[0]->type.rank() + 1)
    return internalError(op.loc, "stack's result must add one leading dim to its operands");
  std::vector<const RtTensor *> parts;
  for (size_t i = 0; i < op.operands.size(); ++i) parts.push_back(&operand(op, i));
  std::vector<Value *> dims = {i64(static_cast<int64_t>(parts.size()))};
  dims.insert(dims.end(), parts[0]->dims.begin(), parts[0]->dims.end());
  for (const RtTensor *p : parts)
    for (size_t d = 0; d < p->rank(); ++d)
      if (p->dims[d] != parts[0]->dims[d])
        failIf(b_.CreateICmpNE(p->dims[d], parts[0]->dims[d]),
               "stacked tensors differ in dimension " + std::to_string(d) + ": {} and {}", op.loc, p->dims[d],
               parts[0]->dims[d]);
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  Value *each = product(parts[0]->dims);
  for (size_t k = 0; k < parts.size(); ++k) {
    const RtTensor *p = parts[k];
    Value *start = b_.CreateMul(i64(static_cast<int64_t>(k)), each);
    loop(i64(0), each, [&](Value *i) {
      storeElement(out, b_.CreateAdd(start, i), convert(loadElement(*p, i), p->dtype, out.dtype));
    });
  }
  define(op, out);
}

void Emitter::emitOneHot(const ir::Op &op) {
  const RtTensor &labels = operand(op, 0);
  const TensorType &type = op.result->type;
  if (type.rank() != labels.rank() + 1) return internalError(op.loc, "one_hot adds one trailing dim");
  Value *classes = symbolSize(type.dims.back(), op.loc);
  std::vector<Value *> dims = labels.dims;
  dims.push_back(classes);
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  llvm::Type *ty = elementType(type.dtype);
  Value *count = product(labels.dims);
  loop(i64(0), b_.CreateMul(count, classes), [&](Value *i) { storeElement(out, i, llvm::Constant::getNullValue(ty)); });
  Value *one = convert(i32(1), DType::I32, type.dtype);
  loop(i64(0), count, [&](Value *i) {
    Value *label = b_.CreateSExt(convert(loadElement(labels, i), labels.dtype, DType::I32), b_.getInt64Ty());
    failIf(b_.CreateOr(b_.CreateICmpSLT(label, i64(0)), b_.CreateICmpSGE(label, classes)),
           "class index {} is out of range for {} classes", op.loc, label, classes);
    storeElement(out, b_.CreateAdd(b_.CreateMul(i, classes), label), one);
  });
  define(op, out);
}

}  // namespace dlc::codegen::x86
