// The gradient-check cases shared by AutodiffNumericTest (the reference
// evaluator) and GradCheckTest (compiled code): one list per op family.
// Each case is f(x) = op(x, ...), with its inputs; the harness multiplies by
// fixed weights, sums, and compares d f / d x with central differences.
//
// Inputs avoid the kinks of non-smooth ops, except two-way ties, where a
// central difference gives exactly the half-and-half split PyTorch uses.
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "AutodiffTestSupport.h"

namespace dlc::autodiff::testing {

using ir::OpKind;
using Value = ir::Value;

struct Input {
  std::string name;
  TensorType type;
  std::vector<double> data;
  std::vector<int64_t> shape;  // the run-time shape; the type's when empty
  bool differentiate = true;
};

using Build = std::function<Value *(Program &, const std::vector<Value *> &)>;

struct GradCase {
  std::string name;
  std::vector<Input> inputs;
  Build build;
  double step = 1e-6;
  double tolerance = 1e-6;  // relative, and absolute below 1
};

inline std::vector<int64_t> staticShape(const TensorType &t) {
  std::vector<int64_t> s;
  for (auto &d : t.dims) s.push_back(d.size);
  return s;
}

// Fixed weights of mixed sign and size, so that every output element matters differently.
inline std::vector<double> weights(size_t n) {
  std::vector<double> w;
  for (size_t k = 0; k < n; ++k) w.push_back(0.25 + 0.5 * std::sin(double(k) * 1.7 + 0.3));
  return w;
}

// The run-time shape of `type`: symbolic sizes as the inputs that share them have.
inline std::vector<int64_t> runtimeShape(const TensorType &type, const std::vector<Input> &inputs) {
  std::vector<int64_t> shape;
  for (const Dim &d : type.dims) {
    int64_t size = d.size;
    for (const Input &in : inputs)
      for (size_t a = 0; a < in.type.rank(); ++a)
        if (!d.isStatic() && in.type.dims[a] == d) size = in.shape[a];
    shape.push_back(size);
  }
  return shape;
}

inline TensorType F(Shape dims = {}) { return f64(std::move(dims)); }

inline Input in(std::string name, Shape dims, std::vector<double> data) {
  return Input{std::move(name), F(std::move(dims)), std::move(data), {}, true};
}
inline Input constIn(std::string name, Shape dims, std::vector<double> data) {
  Input i = in(std::move(name), std::move(dims), std::move(data));
  i.differentiate = false;
  return i;
}

inline const std::vector<double> kMixed = {0.7, -1.3, 0.4, 2.1, -0.6, 1.1};
inline const std::vector<double> kPositive = {0.7, 1.3, 0.4, 2.1, 0.6, 1.1};

// ---- elementwise -----------------------------------------------------------------

inline Build unary(OpKind kind) {
  return [kind](Program &p, const std::vector<Value *> &x) { return p.op(kind, {x[0]}, x[0]->type); };
}

// The result type of a broadcasting binary op on f64 operands.
inline TensorType broadcastType(Value *a, Value *b) {
  Shape dims;
  shapes::broadcast(a->type.dims, b->type.dims, &dims, nullptr);
  return F(dims);
}

inline Build binary(OpKind kind) {
  return [kind](Program &p, const std::vector<Value *> &x) {
    return p.op(kind, {x[0], x[1]}, broadcastType(x[0], x[1]));
  };
}

inline std::vector<GradCase> unaryOpsCases() {
  std::vector<GradCase> cases;
  for (OpKind kind : {OpKind::Neg, OpKind::Exp, OpKind::Tanh, OpKind::Sin, OpKind::Cos})
    cases.push_back({ir::spelling(kind), {in("x", {S(2), S(3)}, kMixed)}, unary(kind)});
  for (OpKind kind : {OpKind::Log, OpKind::Sqrt})
    cases.push_back({ir::spelling(kind), {in("x", {S(2), S(3)}, kPositive)}, unary(kind)});
  // abs: sign(x), and 0 at 0 (a central difference gives 0 there too).
  cases.push_back({"abs", {in("x", {S(2), S(3)}, {0.7, -1.3, 0.0, 2.1, -0.6, 0.0})}, unary(OpKind::Abs)});
  return cases;
}

inline std::vector<GradCase> castBetweenFloatsCases() {
  std::vector<GradCase> cases;
  // f64 -> f32 -> f64: the gradient passes through; f32 rounding limits the difference.
  GradCase c{"cast", {in("x", {S(3)}, {0.7, -1.3, 0.4})}, [](Program &p, const std::vector<Value *> &x) {
               Value *narrow = p.op(OpKind::Cast, {x[0]}, f32({S(3)}));
               return p.op(OpKind::Cast, {narrow}, F({S(3)}));
             }};
  c.step = 1e-2;
  c.tolerance = 1e-4;
  cases.push_back(c);
  return cases;
}

inline std::vector<GradCase> arithmeticWithBroadcastingCases() {
  std::vector<GradCase> cases;
  for (OpKind kind : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div}) {
    cases.push_back({std::string(ir::spelling(kind)) + " same shape",
                    {in("a", {S(2), S(3)}, kMixed), in("b", {S(2), S(3)}, kPositive)}, binary(kind)});
    cases.push_back({std::string(ir::spelling(kind)) + " row",
                    {in("a", {S(2), S(3)}, kMixed), in("b", {S(3)}, {0.5, -1.5, 2.5})}, binary(kind)});
    cases.push_back({std::string(ir::spelling(kind)) + " outer",
                    {in("a", {S(2), S(1)}, {0.9, -1.1}), in("b", {S(1), S(3)}, {0.5, -1.5, 2.5})}, binary(kind)});
    cases.push_back({std::string(ir::spelling(kind)) + " scalar",
                    {in("a", {}, {1.7}), in("b", {S(2), S(3)}, kPositive)}, binary(kind)});
  }
  return cases;
}

inline std::vector<GradCase> divisionOfALiteralCases() {
  std::vector<GradCase> cases;
  // 1 / x, as sigmoid writes it: PyTorch's reciprocal form.
  cases.push_back({"1 / x", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Div, {p.scalar(1, DType::F64), x[0]}, x[0]->type);
                  }});
  cases.push_back({"3 / x", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Div, {p.scalar(3, DType::F64), x[0]}, x[0]->type);
                  }});
  return cases;
}

inline std::vector<GradCase> powerCases() {
  std::vector<GradCase> cases;
  // Positive bases, tensor exponents: both operands.
  cases.push_back({"pow", {in("a", {S(2), S(3)}, kPositive), in("b", {S(3)}, {2.0, -0.5, 1.3})}, binary(OpKind::Pow)});
  // A zero base with a positive exponent: both gradients 0, as PyTorch.
  cases.push_back({"pow at 0", {in("a", {S(2)}, {0.0, 1.5}), in("b", {S(2)}, {2.0, 2.5})}, binary(OpKind::Pow)});
  // Literal exponents, any base sign.
  for (double e : {2.0, 3.0, -1.0, 0.0}) {
    cases.push_back({"x ^ " + std::to_string(e), {in("x", {S(2), S(3)}, kMixed)},
                    [e](Program &p, const std::vector<Value *> &x) {
                      return p.op(OpKind::Pow, {x[0], p.scalar(e, DType::F64)}, x[0]->type);
                    }});
  }
  cases.push_back({"x ^ 0.5", {in("x", {S(2), S(3)}, kPositive)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Pow, {x[0], p.scalar(0.5, DType::F64)}, x[0]->type);
                  }});
  // A literal base: 2 ^ x.
  cases.push_back({"2 ^ x", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Pow, {p.scalar(2, DType::F64), x[0]}, x[0]->type);
                  }});
  return cases;
}

inline std::vector<GradCase> maximumAndMinimumSplitTiesCases() {
  std::vector<GradCase> cases;
  for (OpKind kind : {OpKind::Maximum, OpKind::Minimum}) {
    cases.push_back({ir::spelling(kind),
                    {in("a", {S(2), S(3)}, {0.7, -1.3, 0.4, 2.1, -0.6, 1.1}), in("b", {S(3)}, {0.7, 0.2, -0.9})},
                    binary(kind)});
  }
  return cases;
}

inline std::vector<GradCase> pythonModCases() {
  std::vector<GradCase> cases;
  cases.push_back({"mod",
                  {in("a", {S(2), S(3)}, {5.3, -7.1, 2.2, 9.9, -3.4, 1.05}), in("b", {S(3)}, {2.0, 3.0, -1.5})},
                  binary(OpKind::Mod)});
  return cases;
}

inline std::vector<GradCase> selectCases() {
  std::vector<GradCase> cases;
  cases.push_back({"where", {constIn("c", {S(2), S(3)}, kMixed), in("a", {S(2), S(3)}, kPositive), in("b", {S(3)}, {0.5, -1.5, 2.5})},
                  [](Program &p, const std::vector<Value *> &x) {
                    Value *cond = p.op(OpKind::Gt, {x[0], p.scalar(0, DType::F64)}, TensorType{DType::Bool, x[0]->type.dims});
                    return p.op(OpKind::Select, {cond, x[1], x[2]}, x[1]->type);
                  }});
  return cases;
}

// ---- reductions -------------------------------------------------------------------

inline Build reduction(OpKind kind, std::optional<int64_t> axis, bool keepdim) {
  return [=](Program &p, const std::vector<Value *> &x) {
    Shape dims;
    shapes::reduce(x[0]->type.dims, axis, keepdim, &dims, nullptr);
    ir::Op *op = p.append(kind, {x[0]}, F(dims));
    op->attrs.allAxes = !axis;
    op->attrs.axis = axis.value_or(-1);
    op->attrs.keepdim = keepdim;
    return op->result;
  };
}

inline const std::vector<double> kCube = {0.3, -1.2, 2.5, 0.8, -0.4, 1.9, 0.1, -2.2, 1.4, 0.6, -0.9, 2.8,
                                   1.1, -0.3, 0.9, -1.7, 2.2, 0.5, -0.8, 1.3, -2.6, 0.2, 1.6, -1.1};

inline std::vector<GradCase> reductionsCases() {
  std::vector<GradCase> cases;
  for (OpKind kind : {OpKind::Sum, OpKind::Mean, OpKind::ReduceMax, OpKind::ReduceMin}) {
    for (std::optional<int64_t> axis : {std::optional<int64_t>{}, std::optional<int64_t>{0},
                                        std::optional<int64_t>{1}, std::optional<int64_t>{-1}}) {
      for (bool keepdim : {false, true}) {
        std::string name = std::string(ir::spelling(kind)) + (axis ? " axis " + std::to_string(*axis) : " all") +
                           (keepdim ? " keepdim" : "");
        cases.push_back({name, {in("x", {S(2), S(3), S(4)}, kCube)}, reduction(kind, axis, keepdim)});
      }
    }
  }
  return cases;
}

inline std::vector<GradCase> reduceMaxSharesTiesEvenlyCases() {
  std::vector<GradCase> cases;
  // Two-way ties: each tied element gets half, which a central difference sees too.
  for (OpKind kind : {OpKind::ReduceMax, OpKind::ReduceMin}) {
    cases.push_back({std::string(ir::spelling(kind)) + " ties",
                    {in("x", {S(2), S(3)}, {2.0, -1.0, 2.0, -3.0, 0.5, -3.0})}, reduction(kind, 1, false)});
    cases.push_back({std::string(ir::spelling(kind)) + " ties all",
                    {in("x", {S(2), S(3)}, {2.0, -3.0, 1.0, -3.0, 0.5, 2.0})}, reduction(kind, std::nullopt, false)});
  }
  return cases;
}


// ---- contraction and movement ------------------------------------------------------

inline Build matmul() {
  return [](Program &p, const std::vector<Value *> &x) {
    Shape dims;
    shapes::matmul(x[0]->type.dims, x[1]->type.dims, &dims, nullptr);
    return p.op(OpKind::MatMul, {x[0], x[1]}, F(dims));
  };
}

inline std::vector<double> ramp(size_t n, double scale) {
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(scale * (double(i % 7) - 2.5) + 0.1 * double(i));
  return v;
}

inline std::vector<GradCase> matMulCases() {
  std::vector<GradCase> cases;
  cases.push_back({"2-D", {in("a", {S(2), S(3)}, ramp(6, 0.4)), in("b", {S(3), S(4)}, ramp(12, -0.3))}, matmul()});
  cases.push_back({"batched, b broadcast", {in("a", {S(2), S(2), S(3)}, ramp(12, 0.4)), in("b", {S(3), S(4)}, ramp(12, -0.3))},
                  matmul()});
  cases.push_back({"batched, a broadcast", {in("a", {S(1), S(2), S(3)}, ramp(6, 0.4)), in("b", {S(2), S(3), S(2)}, ramp(12, -0.3))},
                  matmul()});
  return cases;
}

inline std::vector<GradCase> movementCases() {
  std::vector<GradCase> cases;
  cases.push_back({"transpose", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Transpose, {x[0]}, F({S(3), S(2)}));
                  }});
  cases.push_back({"transpose 3-D", {in("x", {S(2), S(3), S(4)}, kCube)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Transpose, {x[0]}, F({S(2), S(4), S(3)}));
                  }});
  cases.push_back({"reshape", {in("x", {S(2), S(3), S(4)}, kCube)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::Reshape, {x[0]}, F({S(6), S(4)}));
                  }});
  cases.push_back({"broadcast row", {in("x", {S(3)}, {0.5, -1.5, 2.5})}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::BroadcastTo, {x[0]}, F({S(2), S(3)}));
                  }});
  cases.push_back({"broadcast column", {in("x", {S(2), S(1)}, {0.5, -1.5})}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::BroadcastTo, {x[0]}, F({S(2), S(3)}));
                  }});
  cases.push_back({"reduce_to row", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::ReduceTo, {x[0]}, F({S(3)}));
                  }});
  cases.push_back({"reduce_to column", {in("x", {S(2), S(3)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    return p.op(OpKind::ReduceTo, {x[0]}, F({S(2), S(1)}));
                  }});
  return cases;
}

// x[items...] with i32 constants for the index operands.
inline Value *index(Program &p, Value *x, std::vector<ir::IndexItem> items, std::vector<double> indices, TensorType type) {
  std::vector<Value *> operands{x};
  for (double i : indices) operands.push_back(p.scalar(i, DType::I32));
  ir::Op *op = p.append(OpKind::Index, std::move(operands), std::move(type));
  op->attrs.items = std::move(items);
  return op->result;
}

inline std::vector<GradCase> indexingCases() {
  std::vector<GradCase> cases;
  std::vector<double> data = ramp(12, 0.35);
  cases.push_back({"x[1]", {in("x", {S(3), S(4)}, data)}, [](Program &p, const std::vector<Value *> &x) {
                    return index(p, x[0], {{false, 1, -1}}, {1}, F({S(4)}));
                  }});
  cases.push_back({"x[-1, 2]", {in("x", {S(3), S(4)}, data)}, [](Program &p, const std::vector<Value *> &x) {
                    return index(p, x[0], {{false, 1, -1}, {false, 2, -1}}, {-1, 2}, F());
                  }});
  cases.push_back({"x[:, 1:3]", {in("x", {S(3), S(4)}, data)}, [](Program &p, const std::vector<Value *> &x) {
                    return index(p, x[0], {{true, -1, -1}, {true, 1, 2}}, {1, 3}, F({S(3), S(2)}));
                  }});
  cases.push_back({"x[1:, 0]", {in("x", {S(3), S(4)}, data)}, [](Program &p, const std::vector<Value *> &x) {
                    return index(p, x[0], {{true, 1, -1}, {false, 2, -1}}, {1, 0}, F({S(2)}));
                  }});
  return cases;
}

inline std::vector<GradCase> concatAndStackCases() {
  std::vector<GradCase> cases;
  cases.push_back({"concat axis 0", {in("a", {S(2), S(3)}, kMixed), in("b", {S(1), S(3)}, {0.5, -1.5, 2.5})},
                  [](Program &p, const std::vector<Value *> &x) {
                    ir::Op *op = p.append(OpKind::Concat, {x[0], x[1]}, F({S(3), S(3)}));
                    op->attrs.axis = 0;
                    return op->result;
                  }});
  cases.push_back({"concat axis -1", {in("a", {S(2), S(1)}, {0.9, -1.1}), in("b", {S(2), S(3)}, kMixed), in("c", {S(2), S(2)}, {1, 2, 3, 4})},
                  [](Program &p, const std::vector<Value *> &x) {
                    ir::Op *op = p.append(OpKind::Concat, {x[0], x[1], x[2]}, F({S(2), S(6)}));
                    op->attrs.axis = -1;
                    return op->result;
                  }});
  cases.push_back({"stack", {in("a", {S(2)}, {0.9, -1.1}), in("b", {S(2)}, {0.3, 2.0}), in("c", {S(2)}, {-0.7, 1.2})},
                  [](Program &p, const std::vector<Value *> &x) {
                    Value *stacked = p.op(OpKind::Stack, {x[0], x[1], x[2]}, F({S(3), S(2)}));
                    return p.op(OpKind::Transpose, {stacked}, F({S(2), S(3)}));
                  }});
  return cases;
}

// ---- compositions -------------------------------------------------------------------

// stdlib's sigmoid: where(x >= 0, 1 / (1 + e), e / (1 + e)), e = exp(-|x|).
inline Value *sigmoid(Program &p, Value *x) {
  Value *e = p.op(OpKind::Exp, {p.op(OpKind::Neg, {p.op(OpKind::Abs, {x}, x->type)}, x->type)}, x->type);
  Value *onePlus = p.op(OpKind::Add, {p.scalar(1, x->type.dtype), e}, x->type);
  Value *pos = p.op(OpKind::Div, {p.scalar(1, x->type.dtype), onePlus}, x->type);
  Value *neg = p.op(OpKind::Div, {e, onePlus}, x->type);
  Value *cond = p.op(OpKind::Ge, {x, p.scalar(0, x->type.dtype)}, TensorType{DType::Bool, x->type.dims});
  return p.op(OpKind::Select, {cond, pos, neg}, x->type);
}

// stdlib's log_softmax over the last axis of a [rows, cols] tensor.
inline Value *logSoftmax(Program &p, Value *x) {
  Shape kept = x->type.dims;
  kept.back() = S(1);
  ir::Op *max = p.append(OpKind::ReduceMax, {x}, F(kept));
  max->attrs.axis = -1;
  max->attrs.keepdim = true;
  Value *z = p.op(OpKind::Sub, {x, max->result}, x->type);
  ir::Op *sum = p.append(OpKind::Sum, {p.op(OpKind::Exp, {z}, x->type)}, F(kept));
  sum->attrs.axis = -1;
  sum->attrs.keepdim = true;
  return p.op(OpKind::Sub, {z, p.op(OpKind::Log, {sum->result}, F(kept))}, x->type);
}

inline std::vector<GradCase> compositionsCases() {
  std::vector<GradCase> cases;
  cases.push_back({"sigmoid", {in("x", {S(2), S(3)}, kMixed)},
                  [](Program &p, const std::vector<Value *> &x) { return sigmoid(p, x[0]); }});
  cases.push_back({"log_softmax", {in("x", {S(2), S(3)}, kMixed)},
                  [](Program &p, const std::vector<Value *> &x) { return logSoftmax(p, x[0]); }});
  cases.push_back({"linear + mse", {in("x", {S(4), S(2)}, ramp(8, 0.5)), in("W", {S(2), S(3)}, ramp(6, -0.4)), in("b", {S(3)}, {0.1, -0.2, 0.3})},
                  [](Program &p, const std::vector<Value *> &x) {
                    Value *h = p.op(OpKind::MatMul, {x[0], x[1]}, F({S(4), S(3)}));
                    Value *out = p.op(OpKind::Add, {h, x[2]}, F({S(4), S(3)}));
                    Value *sq = p.op(OpKind::Pow, {out, p.scalar(2, DType::F64)}, out->type);
                    ir::Op *mean = p.append(OpKind::Mean, {sq}, F());
                    mean->attrs.allAxes = true;
                    return mean->result;
                  }});
  return cases;
}

inline std::vector<GradCase> secondOrderCases() {
  std::vector<GradCase> cases;
  // d/dx sum(w * d/dx sum(c * x^3)) = 6 c w x: the gradient ops are differentiated in turn.
  cases.push_back({"grad of grad", {in("x", {S(2), S(3)}, kMixed), in("c", {S(3)}, {0.5, -1.5, 2.5})},
                  [](Program &p, const std::vector<Value *> &x) {
                    Value *cube = p.op(OpKind::Pow, {x[0], p.scalar(3, DType::F64)}, x[0]->type);
                    Value *inner = p.sumAll(p.op(OpKind::Mul, {x[1], cube}, x[0]->type));
                    return p.grad(inner, x[0]);
                  }});
  // Through IndexGrad: the gradient of x[1]^2 scattered into zeros.
  cases.push_back({"grad of index", {in("x", {S(3), S(2)}, kMixed)}, [](Program &p, const std::vector<Value *> &x) {
                    Value *row = index(p, x[0], {{false, 1, -1}}, {1}, F({S(2)}));
                    Value *sq = p.op(OpKind::Mul, {row, row}, row->type);
                    Value *g = p.grad(p.sumAll(sq), x[0]);
                    return p.op(OpKind::Mul, {g, x[0]}, x[0]->type);
                  }});
  return cases;
}


// Symbolic dimensions (N = 2 when the program runs): run-time sizes flow into
// Fill, Reshape, counts, and the slices that take a concatenation apart.
inline std::vector<GradCase> runtimeDimensionCases() {
  std::vector<GradCase> cases;
  static const DimSymbol n{"N", DimSymbol::Runtime, 1}, joined{"M", DimSymbol::Runtime, 2};
  Input x{"x", F({Dim::of(&n), S(3)}), kMixed, {2, 3}, true};
  cases.push_back({"mean over N", {x}, reduction(OpKind::Mean, 0, false)});
  cases.push_back({"mean all over N", {x}, reduction(OpKind::Mean, std::nullopt, false)});
  cases.push_back({"sum over N keepdim", {x}, reduction(OpKind::Sum, 0, true)});
  cases.push_back({"max axis 1 over N", {x}, reduction(OpKind::ReduceMax, 1, false)});
  cases.push_back({"reshape [N, 3] to [3, N]", {x}, [](Program &p, const std::vector<Value *> &v) {
                     ir::Op *size = p.append(OpKind::SizeOf, {v[0]}, TensorType{DType::I32, {}});
                     size->attrs.axis = 0;
                     return p.op(OpKind::Reshape, {v[0], size->result}, F({S(3), v[0]->type.dims[0]}));
                   }});
  cases.push_back({"x[1] of [N, 3]", {x}, [](Program &p, const std::vector<Value *> &v) {
                     return index(p, v[0], {{false, 1, -1}}, {1}, F({S(3)}));
                   }});
  // concat([b, x, b]): the third part starts at a run-time offset.
  cases.push_back({"concat with a run-time part", {x, in("b", {S(1), S(3)}, {0.5, -1.5, 2.5})},
                   [](Program &p, const std::vector<Value *> &v) {
                     ir::Op *cat = p.append(OpKind::Concat, {v[1], v[0], v[1]}, F({Dim::of(&joined), S(3)}));
                     cat->attrs.axis = 0;
                     Value *e = p.op(OpKind::Exp, {cat->result}, cat->result->type);
                     return reduction(OpKind::Sum, 0, false)(p, {e});
                   }});
  return cases;
}

// Every list, named for test output.
inline std::vector<std::pair<std::string, std::vector<GradCase>>> allGradCases() {
  return {
      {"UnaryOps", unaryOpsCases()},
      {"CastBetweenFloats", castBetweenFloatsCases()},
      {"ArithmeticWithBroadcasting", arithmeticWithBroadcastingCases()},
      {"DivisionOfALiteral", divisionOfALiteralCases()},
      {"Power", powerCases()},
      {"MaximumAndMinimumSplitTies", maximumAndMinimumSplitTiesCases()},
      {"PythonMod", pythonModCases()},
      {"Select", selectCases()},
      {"Reductions", reductionsCases()},
      {"ReduceMaxSharesTiesEvenly", reduceMaxSharesTiesEvenlyCases()},
      {"MatMul", matMulCases()},
      {"Movement", movementCases()},
      {"Indexing", indexingCases()},
      {"ConcatAndStack", concatAndStackCases()},
      {"Compositions", compositionsCases()},
      {"SecondOrder", secondOrderCases()},
      {"RuntimeDimensions", runtimeDimensionCases()},
  };
}

}  // namespace dlc::autodiff::testing
