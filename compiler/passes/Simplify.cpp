// See Simplify.h. One walk in program order: each op's operands are first
// redirected past the ops already simplified away, then the op is folded to a
// constant, replaced by one of its operands (and removed), or left as it is.
#include "passes/Simplify.h"

#include <cmath>
#include <climits>
#include <cstdint>
#include <optional>

#include "passes/ReplacedValues.h"

namespace dlc::passes {

namespace {

using ir::Category;
using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

constexpr int64_t kMaxFolded = 64;

// The elements of a constant operand (a single datum stands for all of them).
const std::vector<double> *constantData(const Value *v) {
  if (!v->def || v->def->kind != OpKind::Constant || v->def->attrs.data.empty()) return nullptr;
  return &v->def->attrs.data;
}

// Whether every element of constant `v` equals `x`, sign of zero included.
bool allEqual(const Value *v, double x) {
  const std::vector<double> *data = constantData(v);
  if (!data) return false;
  DType t = v->type.dtype;
  for (double d : *data) {
    if (t == DType::I32 && !(d >= INT32_MIN && d <= INT32_MAX)) return false;
    double e = t == DType::F32 ? static_cast<double>(static_cast<float>(d)) : d;
    if (t == DType::I32) e = static_cast<double>(static_cast<int32_t>(d));
    if (e != x || std::signbit(e) != std::signbit(x)) return false;
  }
  return t != DType::Bool;
}

// The operand that `op` merely passes on, if it is an identity.
Value *identityOperand(const Op &op) {
  if (!op.result || op.operands.empty()) return nullptr;
  const TensorType &type = op.result->type;
  auto same = [&](Value *v) { return v->type == type ? v : nullptr; };
  Value *a = op.operands[0];
  Value *b = op.operands.size() > 1 ? op.operands[1] : nullptr;
  switch (op.kind) {
  case OpKind::Mul:
    if (allEqual(b, 1)) return same(a);
    if (allEqual(a, 1)) return same(b);
    return nullptr;
  case OpKind::Div:
    return allEqual(b, 1) ? same(a) : nullptr;
  case OpKind::Sub:
    return allEqual(b, 0.0) ? same(a) : nullptr;  // +0 only: -0 - (-0) is +0
  case OpKind::Add:
    if (allEqual(b, -0.0)) return same(a);
    if (allEqual(a, -0.0)) return same(b);
    return nullptr;
  case OpKind::Neg:
    if (a->def && a->def->kind == OpKind::Neg) return same(a->def->operands[0]);
    return nullptr;
  case OpKind::Transpose:
    if (a->def && a->def->kind == OpKind::Transpose) return same(a->def->operands[0]);
    return nullptr;
  case OpKind::Select:
    return op.operands.size() == 3 && op.operands[1] == op.operands[2] ? same(op.operands[1]) : nullptr;
  case OpKind::Cast:
  case OpKind::Reshape:
  case OpKind::BroadcastTo:
  case OpKind::ReduceTo:
    return same(a);
  default:
    return nullptr;
  }
}

// One element of a constant, as the op's arithmetic sees it.
double element(const std::vector<double> &data, size_t i, DType type) {
  double d = data.size() == 1 ? data[0] : data[i];
  if (type == DType::F32) return static_cast<double>(static_cast<float>(d));
  return d;
}

template <typename T>
T apply(OpKind kind, T a, T b) {
  switch (kind) {
  case OpKind::Add: return a + b;
  case OpKind::Sub: return a - b;
  case OpKind::Mul: return a * b;
  case OpKind::Div: return a / b;
  case OpKind::Neg: return -a;
  case OpKind::Sqrt: return std::sqrt(a);
  default: return a;
  }
}

// The folded elements of `op`, when all its operands are small constants.
std::optional<std::vector<double>> fold(const Op &op) {
  if (!op.result) return std::nullopt;
  const TensorType &type = op.result->type;
  std::optional<int64_t> count = type.staticElementCount();
  if (!count || *count > kMaxFolded || *count == 0) return std::nullopt;
  bool binary = op.kind == OpKind::Add || op.kind == OpKind::Sub || op.kind == OpKind::Mul || op.kind == OpKind::Div;
  bool unary = op.kind == OpKind::Neg || op.kind == OpKind::Sqrt || op.kind == OpKind::Cast;
  if (!binary && !unary) return std::nullopt;
  if (!isFloat(type.dtype)) return std::nullopt;
  std::vector<const std::vector<double> *> data;
  for (const Value *v : op.operands) {
    const std::vector<double> *d = constantData(v);
    // Each operand one element or the result's own shape: no broadcasting to work out.
    if (!d || (d->size() != 1 && v->type != type && v->type.staticElementCount() != 1)) return std::nullopt;
    if (d->size() != 1 && v->type != type) return std::nullopt;
    data.push_back(d);
  }
  const DType from = op.operands[0]->type.dtype;
  if (op.kind == OpKind::Cast && !isFloat(from) && from != DType::I32) return std::nullopt;
  if (op.kind != OpKind::Cast && from != type.dtype) return std::nullopt;
  std::vector<double> out;
  for (size_t i = 0; i < static_cast<size_t>(*count); ++i) {
    double a = element(*data[0], i, from);
    if (op.kind == OpKind::Cast && from == DType::I32) {
      if (!(a >= INT32_MIN && a <= INT32_MAX)) return std::nullopt;
      a = static_cast<double>(static_cast<int32_t>(a));
    }
    double b = binary ? element(*data[1], i, from) : 0;
    double r;
    if (op.kind == OpKind::Cast) r = a;  // element() rounds to the result type below
    else if (type.dtype == DType::F32) r = apply<float>(op.kind, static_cast<float>(a), static_cast<float>(b));
    else r = apply<double>(op.kind, a, b);
    if (type.dtype == DType::F32) r = static_cast<double>(static_cast<float>(r));
    if (std::isnan(r)) return std::nullopt;  // keep the run time's NaN (and its sign)
    out.push_back(r);
  }
  return out;
}

class Simplifier {
public:
  void region(Region &region) {
    for (size_t i = 0; i < region.ops.size();) {
      Op &op = *region.ops[i];
      replaced_.rewriteOperands(op);
      if (ir::category(op.kind) == Category::Kernel) {
        ++i;
        continue;
      }
      for (auto &inner : op.regions) this->region(*inner);
      if (std::optional<std::vector<double>> folded = fold(op)) {
        op.kind = OpKind::Constant;
        op.operands.clear();
        op.attrs = ir::Attrs{};
        op.attrs.data = std::move(*folded);
        ++i;
        continue;
      }
      if (Value *same = identityOperand(op)) {
        replaced_.eraseOp(region, i, same);
        continue;
      }
      ++i;
    }
  }

private:
  ReplacedValues replaced_;
};

void run(ir::Module &module) { Simplifier().region(module.main()); }

}  // namespace

Pass createSimplifyPass() {
  return {"simplify", "bit-exact algebraic identities (x * 1, -(-x), double transposes) and constant folding", run};
}

}  // namespace dlc::passes
