// Vector-Jacobian rules, one per op: given the adjoint `g` of an op's result,
// the adjoints of its operands. The formulas are PyTorch 1.13's
// (tools/autograd/derivatives.yaml), written with the same operations in the
// same order so that gradients agree with PyTorch's to the last bit where the
// forward computation is the same. Adjoints may come back in the op's
// broadcast shape; the driver reduces them to each operand's shape.
//
// Adding a differentiable op: write its rule here and add it to vjpRule().
#include "autodiff/VjpRules.h"

#include "types/ShapeRules.h"

namespace dlc::autodiff {

using ir::Op;
using ir::OpKind;
using ir::Value;
using Adjoints = std::vector<Value *>;

namespace {

// ---- helpers shared by rules ---------------------------------------------

Value *constant(VjpContext &ctx, double v, const Value *like) { return ctx.build.scalar(v, like->type.dtype); }

// A scalar literal of the program: PyTorch sees it as a Python number.
bool isScalarLiteral(const Value *v) { return v->def && v->def->kind == OpKind::Constant && v->type.isScalar(); }

// A constant none of whose elements is zero.
bool isNonzeroConstant(const Value *v) {
  if (!v->def) return false;
  if (v->def->kind == OpKind::Fill) return v->def->attrs.value != 0;
  if (v->def->kind != OpKind::Constant || v->def->attrs.data.empty()) return false;
  for (double d : v->def->attrs.data)
    if (d == 0) return false;
  return true;
}

size_t reducedAxis(const Op &reduction) {
  size_t axis = 0;
  shapes::normalizeAxis(reduction.attrs.axis, reduction.operands[0]->type.rank(), &axis);
  return axis;
}

// `v`, shaped like the result of `reduction`, in a shape that broadcasts
// against the reduction's operand (the reduced axis kept as 1), as PyTorch's
// unsqueeze before expand.
Value *restoreReduced(VjpContext &ctx, const Op &reduction, Value *v) {
  const ir::Attrs &a = reduction.attrs;
  if (a.allAxes || a.keepdim) return v;  // a scalar or keepdim shape broadcasts as is
  size_t axis = reducedAxis(reduction);
  if (axis == 0) return v;  // broadcasting aligns at the right: a leading axis comes back
  Value *x = reduction.operands[0];
  Shape dims = x->type.dims;
  dims[axis] = Dim::fixed(1);
  return ctx.build.reshape(v, dims, x);
}

// How many elements `reduction` folds into each result element, as a scalar of `dtype`.
Value *reducedCount(VjpContext &ctx, const Op &reduction, DType dtype) {
  Value *x = reduction.operands[0];
  std::vector<size_t> axes;
  if (reduction.attrs.allAxes)
    for (size_t i = 0; i < x->type.rank(); ++i) axes.push_back(i);
  else
    axes.push_back(reducedAxis(reduction));
  int64_t known = 1;
  Value *runtime = nullptr;
  for (size_t axis : axes) {
    const Dim &d = x->type.dims[axis];
    if (d.isStatic()) {
      known *= d.size;
      continue;
    }
    Value *size = ctx.build.sizeOf(x, axis);
    runtime = runtime ? ctx.build.mul(runtime, size) : size;
  }
  if (!runtime) return ctx.build.scalar(static_cast<double>(known), dtype);
  if (known != 1) runtime = ctx.build.mul(runtime, ctx.build.scalar(static_cast<double>(known), DType::I32));
  return ctx.build.cast(runtime, dtype);
}

// ---- elementwise, one operand ----------------------------------------------

Adjoints vjpNeg(VjpContext &ctx, const Op &op, Value *g) { return {ctx.build.neg(g)}; }

// exp: g * result
Adjoints vjpExp(VjpContext &ctx, const Op &op, Value *g) { return {ctx.build.mul(g, op.result)}; }

// log: g / x
Adjoints vjpLog(VjpContext &ctx, const Op &op, Value *g) { return {ctx.build.div(g, op.operands[0])}; }

// sqrt: g / (2 * result)
Adjoints vjpSqrt(VjpContext &ctx, const Op &op, Value *g) {
  return {ctx.build.div(g, ctx.build.mul(constant(ctx, 2, g), op.result))};
}

// abs: g * sgn(x), with sgn(0) = 0
Adjoints vjpAbs(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  Value *x = op.operands[0];
  Value *zero = constant(ctx, 0, x);
  Value *negative = b.select(b.binary(OpKind::Lt, x, zero), constant(ctx, -1, g), constant(ctx, 0, g));
  Value *sign = b.select(b.binary(OpKind::Gt, x, zero), constant(ctx, 1, g), negative);
  return {b.mul(g, sign)};
}

// tanh: g * (1 - result * result)
Adjoints vjpTanh(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  return {b.mul(g, b.sub(constant(ctx, 1, op.result), b.mul(op.result, op.result)))};
}

// sin: g * cos(x)
Adjoints vjpSin(VjpContext &ctx, const Op &op, Value *g) {
  return {ctx.build.mul(g, ctx.build.unary(OpKind::Cos, op.operands[0]))};
}

// cos: g * -sin(x)
Adjoints vjpCos(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  return {b.mul(g, b.neg(b.unary(OpKind::Sin, op.operands[0])))};
}

// cast between floats: the adjoint cast back; to or from integers: none
Adjoints vjpCast(VjpContext &ctx, const Op &op, Value *g) {
  Value *x = op.operands[0];
  if (!isFloat(x->type.dtype) || !isFloat(op.result->type.dtype)) return {nullptr};
  return {ctx.build.cast(g, x->type.dtype)};
}

// ---- elementwise, two or three operands ----------------------------------

Adjoints vjpAdd(VjpContext &ctx, const Op &op, Value *g) { return {g, g}; }

Adjoints vjpSub(VjpContext &ctx, const Op &op, Value *g) {
  return {g, ctx.needs(1) ? ctx.build.neg(g) : nullptr};
}

// a * b: g * b, g * a
Adjoints vjpMul(VjpContext &ctx, const Op &op, Value *g) {
  Value *a = op.operands[0], *b = op.operands[1];
  return {ctx.needs(0) ? ctx.build.mul(g, b) : nullptr, ctx.needs(1) ? ctx.build.mul(g, a) : nullptr};
}

// a / b: g / b, -g * ((a / b) / b). A literal numerator c is PyTorch's
// `c / t` = reciprocal(t) * c, whose gradient is -(g * c) * (r * r), r = 1 / t.
Adjoints vjpDiv(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  Value *num = op.operands[0], *den = op.operands[1];
  Value *dNum = ctx.needs(0) ? b.div(g, den) : nullptr;
  Value *dDen = nullptr;
  if (ctx.needs(1)) {
    if (isScalarLiteral(num)) {
      Value *r = b.div(constant(ctx, 1, den), den);
      dDen = b.mul(b.neg(b.mul(g, num)), b.mul(r, r));
    } else {
      dDen = b.mul(b.neg(g), b.div(op.result, den));
    }
  }
  return {dNum, dDen};
}

// Python's a mod b = a - b * floor(a / b): g, -g * floor(a / b). The floor
// quotient is (a - (a mod b)) / b, exact in real arithmetic.
Adjoints vjpMod(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  Value *x = op.operands[0], *y = op.operands[1];
  Value *dy = nullptr;
  if (ctx.needs(1)) dy = b.mul(b.neg(g), b.div(b.sub(x, op.result), y));
  return {g, dy};
}

// a ^ b: where(b == 0, 0, g * (b * a ^ (b - 1))), and
//        g * where(a == 0 and b >= 0, 0, result * log(a)).
Adjoints vjpPow(VjpContext &ctx, const Op &op, Value *g) {
  Builder &bl = ctx.build;
  Value *a = op.operands[0], *b = op.operands[1];
  Value *da = nullptr, *db = nullptr;
  if (ctx.needs(0)) {
    Value *lowered = bl.binary(OpKind::Pow, a, bl.sub(b, constant(ctx, 1, b)));
    da = bl.mul(g, bl.mul(b, lowered));
    if (!isNonzeroConstant(b))
      da = bl.select(bl.binary(OpKind::Eq, b, constant(ctx, 0, b)), constant(ctx, 0, g), da);
  }
  if (ctx.needs(1)) {
    Value *atZero = bl.binary(OpKind::And, bl.binary(OpKind::Eq, a, constant(ctx, 0, a)),
                              bl.binary(OpKind::Ge, b, constant(ctx, 0, b)));
    Value *slope = bl.mul(op.result, bl.unary(OpKind::Log, a));
    db = bl.mul(g, bl.select(atZero, constant(ctx, 0, slope), slope));
  }
  return {da, db};
}

// maximum/minimum: g to the larger (smaller) operand, split half and half on
// ties: where(a == b, g / 2, g), masked to 0 where the other operand wins.
Adjoints extremum(VjpContext &ctx, const Op &op, Value *g, OpKind aLoses, OpKind bLoses) {
  Builder &bl = ctx.build;
  Value *a = op.operands[0], *b = op.operands[1];
  Value *zero = constant(ctx, 0, g);
  Value *shared = bl.select(bl.binary(OpKind::Eq, a, b), bl.div(g, constant(ctx, 2, g)), g);
  Value *da = ctx.needs(0) ? bl.select(bl.binary(aLoses, a, b), zero, shared) : nullptr;
  Value *db = ctx.needs(1) ? bl.select(bl.binary(bLoses, a, b), zero, shared) : nullptr;
  return {da, db};
}
Adjoints vjpMaximum(VjpContext &ctx, const Op &op, Value *g) { return extremum(ctx, op, g, OpKind::Lt, OpKind::Gt); }
Adjoints vjpMinimum(VjpContext &ctx, const Op &op, Value *g) { return extremum(ctx, op, g, OpKind::Gt, OpKind::Lt); }

// where(c, a, b): where(c, g, 0), where(c, 0, g); the condition gets none
Adjoints vjpSelect(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  Value *c = op.operands[0];
  Value *zero = constant(ctx, 0, g);
  return {nullptr, ctx.needs(1) ? b.select(c, g, zero) : nullptr, ctx.needs(2) ? b.select(c, zero, g) : nullptr};
}

// ---- reductions --------------------------------------------------------------

// sum: g broadcast back over the reduced axes
Adjoints vjpSum(VjpContext &ctx, const Op &op, Value *g) {
  return {ctx.build.broadcastTo(restoreReduced(ctx, op, g), op.operands[0]->type.dims)};
}

// mean: g / count, broadcast back
Adjoints vjpMean(VjpContext &ctx, const Op &op, Value *g) {
  Value *scaled = ctx.build.div(restoreReduced(ctx, op, g), reducedCount(ctx, op, g->type.dtype));
  return {ctx.build.broadcastTo(scaled, op.operands[0]->type.dims)};
}

// max/min (PyTorch's amax/amin): g shared evenly among the elements equal to
// the result: where(x == result, g / count(x == result), 0).
Adjoints vjpReduceExtremum(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  Value *x = op.operands[0];
  Value *mask = b.binary(OpKind::Eq, x, restoreReduced(ctx, op, op.result));
  std::optional<int64_t> axis;
  if (!op.attrs.allAxes) axis = op.attrs.axis;
  Value *count = b.reduce(OpKind::Sum, b.cast(mask, g->type.dtype), axis, /*keepdim=*/!op.attrs.allAxes);
  Value *share = b.div(restoreReduced(ctx, op, g), count);
  return {b.select(mask, share, constant(ctx, 0, g))};
}

// ---- contraction and movement ------------------------------------------------

// a @ b: g @ bᵀ, aᵀ @ g (batch dimensions are reduced by the driver)
Adjoints vjpMatMul(VjpContext &ctx, const Op &op, Value *g) {
  Builder &bl = ctx.build;
  Value *a = op.operands[0], *b = op.operands[1];
  return {ctx.needs(0) ? bl.matmul(g, bl.transpose(b)) : nullptr,
          ctx.needs(1) ? bl.matmul(bl.transpose(a), g) : nullptr};
}

Adjoints vjpTranspose(VjpContext &ctx, const Op &op, Value *g) { return {ctx.build.transpose(g)}; }

// reshape: reshaped back (the run-time size operands get none)
Adjoints vjpReshape(VjpContext &ctx, const Op &op, Value *g) {
  Value *x = op.operands[0];
  return {ctx.build.reshape(g, x->type.dims, x)};
}

Adjoints vjpBroadcastTo(VjpContext &ctx, const Op &op, Value *g) {
  return {ctx.build.reduceTo(g, op.operands[0]->type.dims)};
}

Adjoints vjpReduceTo(VjpContext &ctx, const Op &op, Value *g) {
  return {ctx.build.broadcastTo(g, op.operands[0]->type.dims)};
}

// x[i...]: scattered back into zeros at the same indices (IndexGrad)
Adjoints vjpIndex(VjpContext &ctx, const Op &op, Value *g) {
  std::vector<Value *> operands = op.operands;
  operands[0] = g;
  Value *x = op.operands[0];
  return {ctx.build.op(OpKind::IndexGrad, std::move(operands), TensorType{g->type.dtype, x->type.dims}, op.attrs)};
}

// IndexGrad is linear in its first operand: its adjoint is read back with Index.
Adjoints vjpIndexGrad(VjpContext &ctx, const Op &op, Value *g) {
  std::vector<Value *> operands = op.operands;
  operands[0] = g;
  Value *x = op.operands[0];
  return {ctx.build.op(OpKind::Index, std::move(operands), TensorType{g->type.dtype, x->type.dims}, op.attrs)};
}

// concat: each part's slice of g along the axis
Adjoints vjpConcat(VjpContext &ctx, const Op &op, Value *g) {
  Builder &b = ctx.build;
  size_t axis = 0;
  shapes::normalizeAxis(op.attrs.axis, g->type.rank(), &axis);
  Adjoints out(op.operands.size(), nullptr);
  int64_t staticStart = 0;
  Value *runtimeStart = nullptr;  // once a part has a symbolic length
  for (size_t i = 0; i < op.operands.size(); ++i) {
    Value *part = op.operands[i];
    const Dim &length = part->type.dims[axis];
    auto startValue = [&] { return runtimeStart ? runtimeStart : b.scalar(double(staticStart), DType::I32); };
    auto advance = [&] {
      if (length.isStatic() && !runtimeStart) {
        staticStart += length.size;
        return;
      }
      Value *start = startValue();
      Value *len = length.isStatic() ? b.scalar(double(length.size), DType::I32) : b.sizeOf(part, axis);
      runtimeStart = b.add(start, len);
    };
    if (ctx.needs(i)) {
      Value *lo = startValue();
      advance();
      Value *hi = startValue();
      ir::Attrs attrs;
      attrs.items.assign(axis, ir::IndexItem{true, -1, -1});
      attrs.items.push_back(ir::IndexItem{true, 1, 2});
      out[i] = b.op(OpKind::Index, {g, lo, hi}, TensorType{g->type.dtype, part->type.dims}, std::move(attrs));
    } else {
      advance();
    }
  }
  return out;
}

// stack (a list literal of tensors): element i is g[i]
Adjoints vjpStack(VjpContext &ctx, const Op &op, Value *g) {
  Adjoints out(op.operands.size(), nullptr);
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (!ctx.needs(i)) continue;
    ir::Attrs attrs;
    attrs.items.push_back(ir::IndexItem{false, 1, -1});
    Value *at = ctx.build.scalar(double(i), DType::I32);
    out[i] = ctx.build.op(OpKind::Index, {g, at}, TensorType{g->type.dtype, op.operands[i]->type.dims},
                          std::move(attrs));
  }
  return out;
}

}  // namespace

VjpRule vjpRule(OpKind kind) {
  switch (kind) {
  case OpKind::Neg: return vjpNeg;
  case OpKind::Exp: return vjpExp;
  case OpKind::Log: return vjpLog;
  case OpKind::Sqrt: return vjpSqrt;
  case OpKind::Abs: return vjpAbs;
  case OpKind::Tanh: return vjpTanh;
  case OpKind::Sin: return vjpSin;
  case OpKind::Cos: return vjpCos;
  case OpKind::Cast: return vjpCast;
  case OpKind::Add: return vjpAdd;
  case OpKind::Sub: return vjpSub;
  case OpKind::Mul: return vjpMul;
  case OpKind::Div: return vjpDiv;
  case OpKind::Mod: return vjpMod;
  case OpKind::Pow: return vjpPow;
  case OpKind::Maximum: return vjpMaximum;
  case OpKind::Minimum: return vjpMinimum;
  case OpKind::Select: return vjpSelect;
  case OpKind::Sum: return vjpSum;
  case OpKind::Mean: return vjpMean;
  case OpKind::ReduceMax: return vjpReduceExtremum;
  case OpKind::ReduceMin: return vjpReduceExtremum;
  case OpKind::MatMul: return vjpMatMul;
  case OpKind::Transpose: return vjpTranspose;
  case OpKind::Reshape: return vjpReshape;
  case OpKind::BroadcastTo: return vjpBroadcastTo;
  case OpKind::ReduceTo: return vjpReduceTo;
  case OpKind::Index: return vjpIndex;
  case OpKind::IndexGrad: return vjpIndexGrad;
  case OpKind::Concat: return vjpConcat;
  case OpKind::Stack: return vjpStack;
  default: return nullptr;  // no gradient: the result is a leaf
  }
}

}  // namespace dlc::autodiff
