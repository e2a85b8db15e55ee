// Expression typing: literals, names, operators, indexing, members, lists.
// Shapes come from types/ShapeRules; this file turns their failures into
// diagnostics at the user's expression.
#include <climits>
#include <cmath>

#include "sema/Analyzer.h"
#include "support/Spelling.h"

namespace dlc::sema {

using namespace ast;

namespace {

DType maxDType(DType a, DType b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

std::string describeValue(const Type &t) {
  switch (t.kind) {
  case Type::Callable: return "the function '" + t.name + "'";
  case Type::Model: return "a model (" + t.str() + ")";
  case Type::Optimizer: return "an optimizer (" + t.str() + ")";
  case Type::Void: return "a call that gives no value";
  default: return t.str();
  }
}

}  // namespace

DType Analyzer::promote(const Type &a, const Type &b) {
  const DType da = a.tensor.dtype, db = b.tensor.dtype;
  if (da == db) return da;
  int ca = dtypeCategory(da), cb = dtypeCategory(db);
  // A literal, or a 0-d value beside a dimensioned tensor, adapts to its
  // partner unless it is of a higher category (PyTorch's rule).
  bool aLesser = (a.weak && !b.weak) || (a.isScalar() && !b.isScalar() && !b.weak);
  bool bLesser = (b.weak && !a.weak) || (b.isScalar() && !a.isScalar() && !a.weak);
  if (aLesser && !bLesser) return ca <= cb ? db : (a.weak && ca == 2 ? (cb == 2 ? db : DType::F32) : da);
  if (bLesser && !aLesser) return cb <= ca ? da : (b.weak && cb == 2 ? (ca == 2 ? da : DType::F32) : db);
  return maxDType(da, db);
}

bool Analyzer::requireTensor(const Type &t, const Expr &e, const char *what) {
  if (t.isError()) return false;
  if (t.isTensor()) return true;
  error(e.range, std::string(what) + " needs a tensor, but got " + describeValue(t));
  return false;
}

bool Analyzer::requireIntScalar(const Type &t, const Expr &e, const char *what) {
  if (t.isError()) return false;
  if (t.isTensor() && t.isScalar() && t.tensor.dtype == DType::I32) return true;
  error(e.range, std::string(what) + " must be an integer, but got " + describeValue(t));
  return false;
}

bool Analyzer::assignable(const Type &from, const Type &to) {
  if (from.isError() || to.isError()) return true;
  if (from.kind != to.kind) return false;
  if (!from.isTensor()) return sameType(from, to);
  if (from.tensor.dims != to.tensor.dims) {
    // A literal scalar fills a tensor of any shape.
    if (!(from.weak && from.isScalar())) return false;
  }
  if (from.tensor.dtype == to.tensor.dtype) return true;
  return from.weak && dtypeCategory(from.tensor.dtype) <= dtypeCategory(to.tensor.dtype) &&
         dtypeCategory(to.tensor.dtype) > 0;
}

Type Analyzer::check(Expr &e, Scope &scope, Expectation expect) {
  Type result;
  switch (e.kind) {
  case ExprKind::IntLiteral: {
    auto &lit = static_cast<IntLiteral &>(e);
    if (lit.tooLarge || lit.value > static_cast<uint64_t>(INT32_MAX)) {
      error(e.range, "integer literal is too large (the largest i32 is 2147483647)");
      break;
    }
    e.constInt = static_cast<int64_t>(lit.value);
    e.constFloat = static_cast<double>(lit.value);
    result = Type::scalar(DType::I32, /*weak=*/true);
    break;
  }
  case ExprKind::FloatLiteral: {
    auto &lit = static_cast<FloatLiteral &>(e);
    if (lit.tooLarge) {
      error(e.range, "floating-point literal '" + lit.text + "' is out of range");
      break;
    }
    e.constFloat = lit.value;
    DType d = expect.type && expect.type->isTensor() && expect.type->tensor.dtype == DType::F64
                  ? DType::F64 : DType::F32;
    result = Type::scalar(d, /*weak=*/true);
    break;
  }
  case ExprKind::BoolLiteral:
    result = Type::scalar(DType::Bool);
    break;
  case ExprKind::StringLiteral:
    result = Type::string();
    break;
  case ExprKind::Name: {
    auto &name = static_cast<NameExpr &>(e);
    if (name.name.empty()) break;  // left by syntax error recovery
    Symbol *symbol = scope.lookup(name.name);
    if (!symbol) {
      undefinedName(name.name, e.range, scope);
      break;
    }
    name.symbol = symbol;
    e.constInt = symbol->constInt;
    e.constFloat = symbol->constFloat;
    result = symbol->type;
    break;
  }
  case ExprKind::Unary: {
    auto &u = static_cast<UnaryExpr &>(e);
    // -2147483648, the smallest i32: its digits alone do not fit.
    if (u.op == UnaryOp::Neg && u.operand->kind == ExprKind::IntLiteral) {
      auto &lit = static_cast<IntLiteral &>(*u.operand);
      if (!lit.tooLarge && lit.value == static_cast<uint64_t>(INT32_MAX) + 1) {
        u.operand->type = Type::scalar(DType::I32, true);
        e.constInt = INT32_MIN;
        e.constFloat = static_cast<double>(INT32_MIN);
        result = Type::scalar(DType::I32, /*weak=*/true);
        break;
      }
    }
    Type operand = check(*u.operand, scope, expect);
    if (!requireTensor(operand, *u.operand, u.op == UnaryOp::Not ? "'not'" : "unary minus")) break;
    if (u.op == UnaryOp::Not) {
      if (operand.tensor.dtype != DType::Bool) {
        error(e.range, "'not' needs a bool operand, but got " + operand.str());
        break;
      }
      result = operand;
      break;
    }
    if (operand.tensor.dtype == DType::Bool) {
      error(e.range, "unary '" + std::string(spelling(u.op)) + "' is not defined for bool");
      break;
    }
    result = operand;
    if (u.op == UnaryOp::Neg) {
      if (u.operand->constInt) e.constInt = -*u.operand->constInt;
      if (u.operand->constFloat) e.constFloat = -*u.operand->constFloat;
    } else {
      e.constInt = u.operand->constInt;
      e.constFloat = u.operand->constFloat;
    }
    break;
  }
  case ExprKind::Binary:
    result = checkBinary(static_cast<BinaryExpr &>(e), scope, expect);
    break;
  case ExprKind::Call:
    result = checkCall(static_cast<CallExpr &>(e), scope, expect);
    break;
  case ExprKind::Index:
    result = checkIndex(static_cast<IndexExpr &>(e), scope);
    break;
  case ExprKind::Member:
    result = checkMember(static_cast<MemberExpr &>(e), scope);
    break;
  case ExprKind::List:
    result = checkList(static_cast<ListExpr &>(e), scope, expect);
    break;
  }
  e.type = result;
  return result;
}

Type Analyzer::checkBinary(BinaryExpr &e, Scope &scope, Expectation expect) {
  Type lhs = check(*e.lhs, scope, expect);
  Type rhs = check(*e.rhs, scope, expect);
  if (lhs.isError() || rhs.isError()) return Type::error();
  std::string op = spelling(e.op);
  for (auto [t, side] : {std::pair{&lhs, "left"}, std::pair{&rhs, "right"}})
    if (!t->isTensor()) {
      error(e.caret(), e.range, "operator '" + op + "' needs tensors, but the " + side +
                                    " operand is " + describeValue(*t));
      return Type::error();
    }

  const std::string pair = lhs.str() + " " + op + " " + rhs.str();
  Shape shape;
  std::string why;
  if (e.op == BinaryOp::MatMul) {
    if (lhs.tensor.rank() < 2 || rhs.tensor.rank() < 2) {
      error(e.caret(), e.range, "matrix product needs operands with at least 2 dimensions: " + pair);
      return Type::error();
    }
    if (!shapes::matmul(lhs.tensor.dims, rhs.tensor.dims, &shape, &why)) {
      bool inner = lhs.tensor.dims.back() != rhs.tensor.dims[rhs.tensor.rank() - 2];
      error(e.caret(), e.range, (inner ? "matrix product needs matching inner dimensions: "
                                       : "matrix product's batch dimensions do not broadcast: ") + pair);
      return Type::error();
    }
  } else if (!shapes::broadcast(lhs.tensor.dims, rhs.tensor.dims, &shape, &why)) {
    error(e.caret(), e.range, "shapes do not broadcast in '" + op + "': " + pair + " (" + why + ")");
    return Type::error();
  }

  DType l = lhs.tensor.dtype, r = rhs.tensor.dtype;
  bool weak = lhs.weak && rhs.weak;
  if (e.op == BinaryOp::And || e.op == BinaryOp::Or) {
    if (l != DType::Bool || r != DType::Bool) {
      error(e.caret(), e.range, "'" + op + "' needs bool operands: " + pair);
      return Type::error();
    }
    return Type::tensorOf(TensorType{DType::Bool, shape});
  }
  bool equality = e.op == BinaryOp::Eq || e.op == BinaryOp::Ne;
  if ((l == DType::Bool || r == DType::Bool) && !(equality && l == r)) {
    error(e.caret(), e.range, "operator '" + op + "' is not defined for bool: " + pair +
                                  "; convert with f32(x) or i32(x)");
    return Type::error();
  }
  if (isComparison(e.op)) {
    if (e.lhs->constFloat && e.rhs->constFloat) {
      double a = *e.lhs->constFloat, b = *e.rhs->constFloat;
      bool v = e.op == BinaryOp::Lt ? a < b : e.op == BinaryOp::Le ? a <= b : e.op == BinaryOp::Gt ? a > b
             : e.op == BinaryOp::Ge ? a >= b : e.op == BinaryOp::Eq ? a == b : a != b;
      e.constInt = v;
    }
    return Type::tensorOf(TensorType{DType::Bool, shape}, weak);
  }

  DType result = promote(lhs, rhs);
  if (e.op == BinaryOp::MatMul && !isFloat(result)) {
    error(e.caret(), e.range, "matrix product needs float operands: " + pair);
    return Type::error();
  }
  if (e.op == BinaryOp::Div && !isFloat(result)) result = DType::F32;  // true division

  // Fold constants, so they can size tensors and index statically.
  if (e.lhs->constInt && e.rhs->constInt && !isFloat(result)) {
    int64_t a = *e.lhs->constInt, b = *e.rhs->constInt;
    std::optional<int64_t> v;
    switch (e.op) {
    case BinaryOp::Add: v = a + b; break;
    case BinaryOp::Sub: v = a - b; break;
    case BinaryOp::Mul: v = a * b; break;
    case BinaryOp::Mod: if (b != 0) v = ((a % b) + b) % b; break;
    case BinaryOp::Pow: if (b >= 0 && b < 63) { int64_t p = 1; for (int64_t i = 0; i < b && std::llabs(p) < (1ll << 40); ++i) p *= a; v = p; } break;
    default: break;
    }
    if (v && *v >= INT32_MIN && *v <= INT32_MAX) {
      e.constInt = v;
      e.constFloat = static_cast<double>(*v);
    }
  } else if (e.lhs->constFloat && e.rhs->constFloat) {
    double a = *e.lhs->constFloat, b = *e.rhs->constFloat;
    switch (e.op) {
    case BinaryOp::Add: e.constFloat = a + b; break;
    case BinaryOp::Sub: e.constFloat = a - b; break;
    case BinaryOp::Mul: e.constFloat = a * b; break;
    case BinaryOp::Div: if (b != 0) e.constFloat = a / b; break;
    case BinaryOp::Pow: e.constFloat = std::pow(a, b); break;
    default: break;
    }
  }
  // A number literal takes the element type of the operation it meets, so
  // later stages see `0.5 * x` computed in x's dtype.
  for (Expr *operand : {e.lhs.get(), e.rhs.get()})
    if ((operand->kind == ExprKind::IntLiteral || operand->kind == ExprKind::FloatLiteral) && !weak &&
        dtypeCategory(operand->type.tensor.dtype) <= dtypeCategory(result))
      operand->type.tensor.dtype = result;
  return Type::tensorOf(TensorType{result, shape}, weak);
}

Type Analyzer::checkIndex(IndexExpr &e, Scope &scope) {
  Type base = check(*e.base, scope);
  for (auto &item : e.items) {
    if (item.lo) check(*item.lo, scope);
    if (item.hi) check(*item.hi, scope);
  }
  if (base.isError()) return base;
  if (!base.isTensor()) {
    error(e.caret(), e.range, "only tensors can be indexed, but this is " + describeValue(base));
    return Type::error();
  }
  const TensorType &t = base.tensor;
  if (e.items.size() > t.rank()) {
    error(e.caret(), e.range, "too many indices for " + t.str() + ": " + std::to_string(e.items.size()) +
                                  " given, but it has " + std::to_string(t.rank()) +
                                  (t.rank() == 1 ? " dimension" : " dimensions"));
    return Type::error();
  }
  Shape out;
  bool ok = true;
  for (size_t i = 0; i < e.items.size(); ++i) {
    auto &item = e.items[i];
    const Dim &dim = t.dims[i];
    auto checkBound = [&](Expr &index, bool isSliceBound) {
      if (!requireIntScalar(index.type, index, "an index")) return false;
      if (!index.constInt || !dim.isStatic() || isSliceBound) return true;
      int64_t v = *index.constInt;
      if (v < -dim.size || v >= dim.size) {
        error(index.range, "index " + std::to_string(v) + " is out of bounds for dimension " +
                               std::to_string(i) + " of " + t.str() + " (size " + std::to_string(dim.size) + ")");
        return false;
      }
      return true;
    };
    if (!item.isSlice) {
      ok = checkBound(*item.lo, false) && ok;
      continue;
    }
    bool boundsOk = (!item.lo || checkBound(*item.lo, true)) && (!item.hi || checkBound(*item.hi, true));
    ok = ok && boundsOk;
    if (!item.lo && !item.hi) {
      out.push_back(dim);
    } else if (dim.isStatic() && (!item.lo || item.lo->constInt) && (!item.hi || item.hi->constInt)) {
      auto clamp = [&](int64_t v) { if (v < 0) v += dim.size; return std::max<int64_t>(0, std::min(v, dim.size)); };
      int64_t lo = item.lo ? clamp(*item.lo->constInt) : 0;
      int64_t hi = item.hi ? clamp(*item.hi->constInt) : dim.size;
      out.push_back(Dim::fixed(std::max<int64_t>(0, hi - lo)));
    } else {
      out.push_back(freshRuntimeDim("slice"));
    }
  }
  if (!ok) return Type::error();
  for (size_t i = e.items.size(); i < t.rank(); ++i) out.push_back(t.dims[i]);
  return Type::tensorOf(TensorType{t.dtype, out});
}

Type Analyzer::checkMember(MemberExpr &e, Scope &scope) {
  Type base = check(*e.base, scope);
  if (base.isError()) return base;
  if (base.kind == Type::Model) {
    auto &members = base.model->memberSymbols;
    auto it = members.find(e.member);
    if (it == members.end()) {
      std::vector<std::string> names;
      for (auto &[n, s] : members) names.push_back(n);
      std::string hint = closestName(e.member, names);
      error(e.memberRange, "model " + base.str() + " has no member '" + e.member + "'" +
                               (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      return Type::error();
    }
    e.symbol = it->second;
    if (it->second->kind == Symbol::Method) {
      error(e.memberRange, "method '" + e.member + "' must be called");
      return Type::error();
    }
    return it->second->type;
  }
  if (base.kind == Type::Dataset) {
    if (e.member == "x") return Type::tensorOf(base.tensor);
    if (e.member == "y") return Type::tensorOf(base.label);
    error(e.memberRange, "a dataset has members 'x' and 'y', not '" + e.member + "'");
    return Type::error();
  }
  if (base.kind == Type::Optimizer && e.member == "minimize") {
    error(e.memberRange, "'minimize' must be called: opt.minimize(loss)");
    return Type::error();
  }
  std::string hint = base.isTensor() && e.member == "T" ? "; use transpose(x)" :
                     base.isTensor() && e.member == "shape" ? "; use shape(x)" : "";
  error(e.memberRange, describeValue(base) + " has no member '" + e.member + "'" + hint);
  return Type::error();
}

Type Analyzer::checkList(ListExpr &e, Scope &scope, Expectation expect) {
  if (e.elements.empty()) {
    error(e.range, "an empty list has no type");
    return Type::error();
  }
  std::vector<Type> types;
  for (auto &el : e.elements) types.push_back(check(*el, scope, expect));
  for (auto &t : types)
    if (t.isError()) return t;
  Type first = types[0];
  for (size_t i = 0; i < types.size(); ++i) {
    if (!requireTensor(types[i], *e.elements[i], "a list element")) return Type::error();
    if (types[i].tensor.dims != first.tensor.dims) {
      error(e.elements[i]->range, "list elements must have the same shape: element 0 is " + first.str() +
                                      ", element " + std::to_string(i) + " is " + types[i].str());
      return Type::error();
    }
  }
  Type combined = first;
  for (size_t i = 1; i < types.size(); ++i) {
    combined.tensor.dtype = promote(combined, types[i]);
    combined.weak = combined.weak && types[i].weak;
  }
  TensorType out{combined.tensor.dtype, {Dim::fixed(static_cast<int64_t>(types.size()))}};
  for (auto &d : first.tensor.dims) out.dims.push_back(d);
  // A literal's numbers take the element type the context asks for.
  if (expect.type && expect.type->isTensor() && combined.weak &&
      dtypeCategory(combined.tensor.dtype) <= dtypeCategory(expect.type->tensor.dtype))
    out.dtype = expect.type->tensor.dtype;
  else if (combined.weak && out.dtype == DType::I32 && expect.type && expect.type->isTensor() &&
           isFloat(expect.type->tensor.dtype))
    out.dtype = expect.type->tensor.dtype;
  return Type::tensorOf(out);
}

}  // namespace dlc::sema
