#include "ast/AST.h"

namespace dlc::ast {

const char *spelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Mod: return "%";
  case BinaryOp::MatMul: return "@";
  case BinaryOp::Pow: return "^";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

const char *spelling(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg: return "-";
  case UnaryOp::Plus: return "+";
  case UnaryOp::Not: return "not";
  }
  return "?";
}

const char *spelling(AssignOp op) {
  switch (op) {
  case AssignOp::Set: return "=";
  case AssignOp::Add: return "+=";
  case AssignOp::Sub: return "-=";
  case AssignOp::Mul: return "*=";
  case AssignOp::Div: return "/=";
  }
  return "?";
}

bool isComparison(BinaryOp op) {
  return op == BinaryOp::Lt || op == BinaryOp::Le || op == BinaryOp::Gt ||
         op == BinaryOp::Ge || op == BinaryOp::Eq || op == BinaryOp::Ne;
}

std::string CallExpr::calleeName() const {
  if (callee->kind == ExprKind::Name) return static_cast<const NameExpr &>(*callee).name;
  if (callee->kind == ExprKind::Member) return static_cast<const MemberExpr &>(*callee).member;
  return "";
}

namespace {
ExprPtr cloneOrNull(const ExprPtr &e) { return e ? clone(*e) : nullptr; }

template <typename T> std::unique_ptr<T> withBase(const Expr &from, std::unique_ptr<T> to) {
  to->opLoc = from.opLoc;
  return to;
}
}  // namespace

ExprPtr clone(const Expr &e) {
  switch (e.kind) {
  case ExprKind::IntLiteral: {
    auto &s = static_cast<const IntLiteral &>(e);
    auto c = withBase(e, std::make_unique<IntLiteral>(e.range));
    c->value = s.value;
    c->tooLarge = s.tooLarge;
    return c;
  }
  case ExprKind::FloatLiteral: {
    auto &s = static_cast<const FloatLiteral &>(e);
    auto c = withBase(e, std::make_unique<FloatLiteral>(e.range));
    c->value = s.value;
    c->tooLarge = s.tooLarge;
    c->text = s.text;
    return c;
  }
  case ExprKind::BoolLiteral: {
    auto c = withBase(e, std::make_unique<BoolLiteral>(e.range));
    c->value = static_cast<const BoolLiteral &>(e).value;
    return c;
  }
  case ExprKind::StringLiteral: {
    auto c = withBase(e, std::make_unique<StringLiteral>(e.range));
    c->value = static_cast<const StringLiteral &>(e).value;
    return c;
  }
  case ExprKind::Name: {
    auto c = withBase(e, std::make_unique<NameExpr>(e.range));
    c->name = static_cast<const NameExpr &>(e).name;
    return c;
  }
  case ExprKind::Unary: {
    auto &s = static_cast<const UnaryExpr &>(e);
    auto c = withBase(e, std::make_unique<UnaryExpr>(e.range, s.op));
    c->operand = clone(*s.operand);
    return c;
  }
  case ExprKind::Binary: {
    auto &s = static_cast<const BinaryExpr &>(e);
    auto c = withBase(e, std::make_unique<BinaryExpr>(e.range, s.op));
    c->lhs = clone(*s.lhs);
    c->rhs = clone(*s.rhs);
    return c;
  }
  case ExprKind::Call: {
    auto &s = static_cast<const CallExpr &>(e);
    auto c = withBase(e, std::make_unique<CallExpr>(e.range));
    c->callee = clone(*s.callee);
    for (auto &a : s.args) c->args.push_back(Argument{a.name, a.nameRange, clone(*a.value)});
    c->closeParen = s.closeParen;
    return c;
  }
  case ExprKind::Index: {
    auto &s = static_cast<const IndexExpr &>(e);
    auto c = withBase(e, std::make_unique<IndexExpr>(e.range));
    c->base = clone(*s.base);
    for (auto &i : s.items)
      c->items.push_back(IndexItem{i.isSlice, cloneOrNull(i.lo), cloneOrNull(i.hi), i.range});
    return c;
  }
  case ExprKind::Member: {
    auto &s = static_cast<const MemberExpr &>(e);
    auto c = withBase(e, std::make_unique<MemberExpr>(e.range));
    c->base = clone(*s.base);
    c->member = s.member;
    c->memberRange = s.memberRange;
    return c;
  }
  case ExprKind::List: {
    auto &s = static_cast<const ListExpr &>(e);
    auto c = withBase(e, std::make_unique<ListExpr>(e.range));
    for (auto &el : s.elements) c->elements.push_back(clone(*el));
    return c;
  }
  }
  return nullptr;
}

static std::vector<Binding> cloneBindings(const std::vector<Binding> &bs) {
  std::vector<Binding> out;
  for (auto &b : bs) out.push_back(Binding{b.name, b.range, nullptr});
  return out;
}

Block clone(const Block &b) {
  Block c;
  c.range = b.range;
  for (auto &s : b.stmts) c.stmts.push_back(clone(*s));
  return c;
}

StmtPtr clone(const Stmt &s) {
  switch (s.kind) {
  case StmtKind::Let: {
    auto &l = static_cast<const LetStmt &>(s);
    auto c = std::make_unique<LetStmt>(s.range);
    c->isVar = l.isVar;
    c->names = cloneBindings(l.names);
    c->declared = l.declared;
    c->init = clone(*l.init);
    return c;
  }
  case StmtKind::Assign: {
    auto &a = static_cast<const AssignStmt &>(s);
    auto c = std::make_unique<AssignStmt>(s.range);
    c->op = a.op;
    c->opLoc = a.opLoc;
    c->target = clone(*a.target);
    c->value = clone(*a.value);
    return c;
  }
  case StmtKind::Expr: {
    auto c = std::make_unique<ExprStmt>(s.range);
    c->expr = clone(*static_cast<const ExprStmt &>(s).expr);
    return c;
  }
  case StmtKind::For: {
    auto &f = static_cast<const ForStmt &>(s);
    auto c = std::make_unique<ForStmt>(s.range);
    c->vars = cloneBindings(f.vars);
    c->iterable = clone(*f.iterable);
    c->rangeEnd = cloneOrNull(f.rangeEnd);
    c->body = clone(f.body);
    return c;
  }
  case StmtKind::If: {
    auto &i = static_cast<const IfStmt &>(s);
    auto c = std::make_unique<IfStmt>(s.range);
    c->cond = clone(*i.cond);
    c->then = clone(i.then);
    if (i.otherwise) c->otherwise = clone(*i.otherwise);
    return c;
  }
  case StmtKind::Return: {
    auto c = std::make_unique<ReturnStmt>(s.range);
    c->value = cloneOrNull(static_cast<const ReturnStmt &>(s).value);
    return c;
  }
  case StmtKind::Block: {
    auto c = std::make_unique<BlockStmt>(s.range);
    c->block = clone(static_cast<const BlockStmt &>(s).block);
    return c;
  }
  }
  return nullptr;
}

std::unique_ptr<FnDecl> clone(const FnDecl &f) {
  auto c = std::make_unique<FnDecl>();
  c->name = f.name;
  c->nameRange = f.nameRange;
  c->range = f.range;
  for (auto &p : f.params)
    c->params.push_back(Param{p.name, p.range, p.declared, cloneOrNull(p.defaultValue)});
  c->result = f.result;
  c->exprBody = cloneOrNull(f.exprBody);
  if (f.body) c->body = clone(*f.body);
  c->doc = f.doc;
  return c;
}

}  // namespace dlc::ast
