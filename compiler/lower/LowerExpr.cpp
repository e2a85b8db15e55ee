// Lowering of expressions: literals, names, operators, indexing, members.
#include <cmath>

#include "lower/Lowerer.h"

namespace dlc::lower {

using namespace ast;
using ir::OpKind;

TensorType Lowerer::substitute(TensorType t) const {
  if (substitutions_.empty()) return t;
  for (auto &d : t.dims)
    if (d.symbol) {
      auto it = substitutions_.back().find(d.symbol);
      if (it != substitutions_.back().end()) d = it->second;
    }
  return t;
}

TensorType Lowerer::typeOf(const Expr &e) const { return substitute(e.type.tensor); }

ir::Value *Lowerer::emit(OpKind kind, std::vector<ir::Value *> operands, const TensorType &type, SourceLoc loc,
                         ir::Attrs attrs) {
  ir::Op *op = module_->append(region(), kind, std::move(operands), type, loc);
  op->attrs = std::move(attrs);
  return op->result;
}

ir::Value *Lowerer::constant(const TensorType &type, std::vector<double> data, SourceLoc loc) {
  ir::Attrs attrs;
  attrs.data = std::move(data);
  return emit(OpKind::Constant, {}, type, loc, attrs);
}

ir::Value *Lowerer::cast(ir::Value *v, DType to, SourceLoc loc) {
  if (v->type.dtype == to) return v;
  if (v->def && v->def->kind == OpKind::Constant) {
    std::vector<double> data = v->def->attrs.data;
    // The value the source dtype holds: an f32 constant widened to f64 is
    // 0.10000000149011612, not 0.1, as in PyTorch.
    if (v->type.dtype == DType::F32 && !weakConstants_.count(v))
      for (auto &d : data) d = static_cast<double>(static_cast<float>(d));
    if (to == DType::I32)
      for (auto &d : data) d = std::trunc(d);
    return constant(TensorType{to, v->type.dims}, data, loc);
  }
  return emit(OpKind::Cast, {v}, TensorType{to, v->type.dims}, loc);
}

bool Lowerer::constantData(const Expr &e, std::vector<double> &out) {
  if (e.kind == ExprKind::List) {
    for (auto &el : static_cast<const ListExpr &>(e).elements)
      if (!constantData(*el, out)) return false;
    return true;
  }
  if (e.kind == ExprKind::BoolLiteral) {
    out.push_back(static_cast<const BoolLiteral &>(e).value ? 1 : 0);
    return true;
  }
  if (e.type.isScalar() && e.constFloat) {
    out.push_back(*e.constFloat);
    return true;
  }
  return false;
}

ir::Value *Lowerer::value(const Expr &e) {
  Binding b = lower(e);
  if (b.kind == Binding::Value && b.value) return b.value;
  if (b.kind == Binding::Storage) return load(b.storage, e.range.begin);
  if (!failed_) unsupported(e.range, "using this value here");
  // Keep going with a placeholder so one problem gives one message.
  return constant(TensorType{DType::F32, {}}, {0}, e.range.begin);
}

Binding Lowerer::lowerName(const sema::Symbol *symbol, SourceLoc loc, SourceRange range) {
  auto it = env_.find(symbol);
  if (it != env_.end()) {
    if (it->second.kind == Binding::Storage) return Binding{Binding::Value, load(it->second.storage, loc), "", nullptr, nullptr};
    return it->second;
  }
  // Members of the model whose method is being inlined.
  if (!self_.empty() && (symbol->kind == sema::Symbol::ModelParam || symbol->kind == sema::Symbol::Layer)) {
    ModelObject *self = self_.back();
    if (symbol->kind == sema::Symbol::Layer) {
      auto layer = self->layers.find(symbol->name);
      if (layer != self->layers.end()) return Binding{Binding::Model, nullptr, "", layer->second, nullptr};
    } else {
      return Binding{Binding::Value, load(self->prefix + "." + symbol->name, loc), "", nullptr, nullptr};
    }
  }
  if (symbol->type.isTensor() && (symbol->constInt || symbol->constFloat)) {
    double v = symbol->constFloat ? *symbol->constFloat : static_cast<double>(*symbol->constInt);
    TensorType t = symbol->type.tensor;
    return Binding{Binding::Value, constant(t, {v}, loc), "", nullptr, nullptr};
  }
  unsupported(range, "the name '" + symbol->name + "' in this position");
  return Binding{};
}

Binding Lowerer::lower(const Expr &e) {
  SourceLoc loc = e.caret();
  auto valueOf = [](ir::Value *v) { return Binding{Binding::Value, v, "", nullptr, nullptr}; };
  switch (e.kind) {
  case ExprKind::IntLiteral:
  case ExprKind::FloatLiteral:
  case ExprKind::BoolLiteral: {
    std::vector<double> data;
    constantData(e, data);
    ir::Value *c = constant(typeOf(e), data, loc);
    if (e.type.weak) weakConstants_.insert(c);
    return valueOf(c);
  }
  case ExprKind::StringLiteral:
    return Binding{Binding::Text, nullptr, static_cast<const StringLiteral &>(e).value, nullptr, nullptr};
  case ExprKind::Name: {
    auto &name = static_cast<const NameExpr &>(e);
    if (!name.symbol) return Binding{};
    return lowerName(name.symbol, loc, e.range);
  }
  case ExprKind::Unary: {
    auto &u = static_cast<const UnaryExpr &>(e);
    if (u.op == UnaryOp::Neg && u.operand->kind == ExprKind::IntLiteral && e.type.isScalar() && e.constFloat) {
      ir::Value *c = constant(typeOf(e), {*e.constFloat}, loc);  // -2147483648 included
      if (e.type.weak) weakConstants_.insert(c);
      return valueOf(c);
    }
    ir::Value *operand = value(*u.operand);
    if (u.op == UnaryOp::Plus) return valueOf(operand);
    TensorType t = typeOf(e);
    operand = cast(operand, t.dtype, loc);
    return valueOf(emit(u.op == UnaryOp::Neg ? OpKind::Neg : OpKind::Not, {operand}, t, loc));
  }
  case ExprKind::Binary: {
    auto &b = static_cast<const BinaryExpr &>(e);
    if (e.type.isScalar() && e.constFloat && !isComparison(b.op) && b.op != BinaryOp::And && b.op != BinaryOp::Or)
    {
      ir::Value *c = constant(typeOf(e), {*e.constFloat}, loc);
      if (e.type.weak) weakConstants_.insert(c);
      return valueOf(c);
    }
    ir::Value *lhs = value(*b.lhs);
    ir::Value *rhs = value(*b.rhs);
    TensorType t = typeOf(e);
    static const std::pair<BinaryOp, OpKind> table[] = {
        {BinaryOp::Add, OpKind::Add}, {BinaryOp::Sub, OpKind::Sub}, {BinaryOp::Mul, OpKind::Mul},
        {BinaryOp::Div, OpKind::Div}, {BinaryOp::Mod, OpKind::Mod}, {BinaryOp::MatMul, OpKind::MatMul},
        {BinaryOp::Pow, OpKind::Pow}, {BinaryOp::Lt, OpKind::Lt}, {BinaryOp::Le, OpKind::Le},
        {BinaryOp::Gt, OpKind::Gt}, {BinaryOp::Ge, OpKind::Ge}, {BinaryOp::Eq, OpKind::Eq},
        {BinaryOp::Ne, OpKind::Ne}, {BinaryOp::And, OpKind::And}, {BinaryOp::Or, OpKind::Or}};
    OpKind kind = OpKind::Add;
    for (auto &[op, k] : table)
      if (op == b.op) kind = k;
    // Operands are computed in one dtype: the result's, or for a
    // comparison the promotion of the two.
    DType common = t.dtype;
    if (isComparison(b.op)) {
      DType l = lhs->type.dtype, r = rhs->type.dtype;
      common = b.lhs->type.weak && !b.rhs->type.weak ? r : b.rhs->type.weak && !b.lhs->type.weak ? l
             : static_cast<int>(l) >= static_cast<int>(r) ? l : r;
    }
    return valueOf(emit(kind, {cast(lhs, common, loc), cast(rhs, common, loc)}, t, loc));
  }
  case ExprKind::Call:
    return lowerCall(static_cast<const CallExpr &>(e));
  case ExprKind::Index: {
    auto &ix = static_cast<const IndexExpr &>(e);
    ir::Value *base = value(*ix.base);
    std::vector<ir::Value *> operands = {base};
    ir::Attrs attrs;
    for (auto &item : ix.items) {
      ir::IndexItem it;
      it.isSlice = item.isSlice;
      if (item.lo) {
        operands.push_back(cast(value(*item.lo), DType::I32, loc));
        it.lo = static_cast<int>(operands.size() - 1);
      }
      if (item.hi) {
        operands.push_back(cast(value(*item.hi), DType::I32, loc));
        it.hi = static_cast<int>(operands.size() - 1);
      }
      attrs.items.push_back(it);
    }
    return valueOf(emit(OpKind::Index, operands, typeOf(e), loc, attrs));
  }
  case ExprKind::Member: {
    auto &m = static_cast<const MemberExpr &>(e);
    Binding base = lower(*m.base);
    if (base.kind == Binding::Dataset && (m.member == "x" || m.member == "y"))
      return valueOf(m.member == "x" ? base.value : base.label);
    if (base.kind == Binding::Model) {
      if (m.symbol && m.symbol->kind == sema::Symbol::Layer) {
        auto layer = base.model->layers.find(m.member);
        if (layer != base.model->layers.end()) return Binding{Binding::Model, nullptr, "", layer->second, nullptr};
      }
      if (m.symbol && m.symbol->kind == sema::Symbol::ModelParam)
        return valueOf(load(base.model->prefix + "." + m.member, loc));
    }
    unsupported(e.range, "this member access");
    return Binding{};
  }
  case ExprKind::List: {
    auto &list = static_cast<const ListExpr &>(e);
    TensorType t = typeOf(e);
    std::vector<double> data;
    if (constantData(e, data)) return valueOf(constant(t, data, loc));
    std::vector<ir::Value *> parts;
    for (auto &el : list.elements) parts.push_back(cast(value(*el), t.dtype, el->range.begin));
    return valueOf(emit(OpKind::Stack, parts, t, loc));
  }
  }
  return Binding{};
}

}  // namespace dlc::lower
