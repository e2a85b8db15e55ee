#include "ast/ASTPrinter.h"

#include <sstream>

#include "sema/Builtins.h"

namespace dlc::ast {

namespace {

class Printer {
public:
  Printer(const SourceManager &sources, std::ostream &out) : sources_(sources), out_(out) {}

  void line(int indent, const std::string &text, SourceRange at) {
    out_ << std::string(static_cast<size_t>(indent) * 2, ' ') << text;
    if (at.isValid()) {
      LineColumn lc = sources_.lineColumn(at.begin);
      out_ << "  @" << lc.line << ":" << lc.column;
    }
    out_ << "\n";
  }

  static std::string typed(const Type &t) { return t.isError() ? "" : " : " + t.str(); }

  static std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  void expr(const Expr &e, int indent, const std::string &label = "") {
    std::string head = label.empty() ? "" : label + ": ";
    switch (e.kind) {
    case ExprKind::IntLiteral:
      line(indent, head + "int " + std::to_string(static_cast<const IntLiteral &>(e).value) + typed(e.type), e.range);
      return;
    case ExprKind::FloatLiteral:
      line(indent, head + "float " + static_cast<const FloatLiteral &>(e).text + typed(e.type), e.range);
      return;
    case ExprKind::BoolLiteral:
      line(indent, head + (static_cast<const BoolLiteral &>(e).value ? "bool true" : "bool false") + typed(e.type), e.range);
      return;
    case ExprKind::StringLiteral:
      line(indent, head + "string \"" + static_cast<const StringLiteral &>(e).value + "\"" + typed(e.type), e.range);
      return;
    case ExprKind::Name:
      line(indent, head + "name " + static_cast<const NameExpr &>(e).name + typed(e.type), e.range);
      return;
    case ExprKind::Unary: {
      auto &u = static_cast<const UnaryExpr &>(e);
      line(indent, head + "unary " + spelling(u.op) + typed(e.type), e.range);
      expr(*u.operand, indent + 1);
      return;
    }
    case ExprKind::Binary: {
      auto &b = static_cast<const BinaryExpr &>(e);
      line(indent, head + "binary " + spelling(b.op) + typed(e.type), e.range);
      expr(*b.lhs, indent + 1);
      expr(*b.rhs, indent + 1);
      return;
    }
    case ExprKind::Call: {
      auto &c = static_cast<const CallExpr &>(e);
      std::string what;
      switch (c.callKind) {
      case CallKind::Builtin: what = " [builtin]"; break;
      case CallKind::Function: what = " [fn]"; break;
      case CallKind::ModelConstruct: what = " [model]"; break;
      case CallKind::ModelCall: what = " [forward]"; break;
      case CallKind::OptimizerConstruct: what = " [optimizer]"; break;
      case CallKind::Minimize: what = " [minimize]"; break;
      case CallKind::SeriesAdd: what = " [series add]"; break;
      case CallKind::Unresolved: break;
      }
      std::string name = c.calleeName();
      line(indent, head + "call " + (name.empty() ? "<expr>" : name) + what + typed(e.type), e.range);
      if (c.callee->kind == ExprKind::Member)
        expr(*static_cast<const MemberExpr &>(*c.callee).base, indent + 1, "object");
      for (auto &a : c.args) expr(*a.value, indent + 1, a.name);
      return;
    }
    case ExprKind::Index: {
      auto &ix = static_cast<const IndexExpr &>(e);
      line(indent, head + "index" + typed(e.type), e.range);
      expr(*ix.base, indent + 1);
      for (auto &item : ix.items) {
        if (!item.isSlice) {
          expr(*item.lo, indent + 1, "at");
          continue;
        }
        line(indent + 1, "slice", item.range);
        if (item.lo) expr(*item.lo, indent + 2, "from");
        if (item.hi) expr(*item.hi, indent + 2, "to");
      }
      return;
    }
    case ExprKind::Member: {
      auto &m = static_cast<const MemberExpr &>(e);
      line(indent, head + "member ." + m.member + typed(e.type), e.range);
      expr(*m.base, indent + 1);
      return;
    }
    case ExprKind::List: {
      auto &l = static_cast<const ListExpr &>(e);
      line(indent, head + "list" + typed(e.type), e.range);
      for (auto &el : l.elements) expr(*el, indent + 1);
      return;
    }
    }
  }

  static std::string binding(const Binding &b) {
    return b.name + (b.symbol && !b.symbol->type.isError() ? ": " + b.symbol->type.str() : "");
  }

  void stmt(const Stmt &s, int indent) {
    switch (s.kind) {
    case StmtKind::Let: {
      auto &l = static_cast<const LetStmt &>(s);
      std::string names;
      for (auto &b : l.names) names += (names.empty() ? "" : ", ") + binding(b);
      line(indent, std::string(l.isVar ? "var " : "let ") + names, s.range);
      expr(*l.init, indent + 1);
      return;
    }
    case StmtKind::Assign: {
      auto &a = static_cast<const AssignStmt &>(s);
      line(indent, std::string("assign ") + spelling(a.op), s.range);
      expr(*a.target, indent + 1, "target");
      expr(*a.value, indent + 1, "value");
      return;
    }
    case StmtKind::Expr:
      expr(*static_cast<const ExprStmt &>(s).expr, indent);
      return;
    case StmtKind::For: {
      auto &f = static_cast<const ForStmt &>(s);
      std::string names;
      for (auto &b : f.vars) names += (names.empty() ? "" : ", ") + binding(b);
      line(indent, "for " + names, s.range);
      expr(*f.iterable, indent + 1, f.rangeEnd ? "from" : "in");
      if (f.rangeEnd) expr(*f.rangeEnd, indent + 1, "to");
      block(f.body, indent + 1);
      return;
    }
    case StmtKind::If: {
      auto &i = static_cast<const IfStmt &>(s);
      line(indent, "if", s.range);
      expr(*i.cond, indent + 1, "cond");
      block(i.then, indent + 1);
      if (i.otherwise) {
        line(indent, "else", SourceRange());
        stmt(*i.otherwise, indent + 1);
      }
      return;
    }
    case StmtKind::Return: {
      auto &r = static_cast<const ReturnStmt &>(s);
      line(indent, "return", s.range);
      if (r.value) expr(*r.value, indent + 1);
      return;
    }
    case StmtKind::Block:
      block(static_cast<const BlockStmt &>(s).block, indent);
      return;
    }
  }

  void block(const Block &b, int indent) {
    for (auto &s : b.stmts) stmt(*s, indent);
  }

  void function(const sema::FnInstance &fn, bool withBody) {
    std::string sig = "fn " + fn.displayName + "(";
    for (size_t i = 0; i < fn.params.size(); ++i)
      sig += (i ? ", " : "") + fn.params[i]->name + ": " + fn.paramTypes[i].str();
    sig += ") -> " + fn.result.str();
    line(0, sig, withBody ? fn.decl->nameRange : SourceRange());
    if (!withBody) return;
    if (fn.body->exprBody) expr(*fn.body->exprBody, 1, "=");
    else if (fn.body->body) block(*fn.body->body, 1);
  }

private:
  const SourceManager &sources_;
  std::ostream &out_;
};

}  // namespace

void printProgram(const sema::Program &program, const SourceManager &sources, std::ostream &out) {
  Printer p(sources, out);
  int32_t mainFile = program.main ? program.main->file : -1;
  for (auto &m : program.models) {
    p.line(0, "model " + m->display, m->decl->nameRange.begin.file == mainFile ? m->decl->nameRange : SourceRange());
    for (auto &member : m->members)
      p.line(1, std::string(member.decl->kind == MemberKind::Param ? "param " : "layer ") + member.decl->name +
                    ": " + member.type.str(),
             SourceRange());
  }
  for (auto &fn : program.functions) p.function(*fn, fn->decl->nameRange.begin.file == mainFile);
  for (auto &o : program.optimizers) p.line(0, "optimizer " + o->display, SourceRange());
  p.line(0, "main", SourceRange());
  if (program.main)
    for (auto &s : program.main->statements) p.stmt(*s, 1);
}

void printModule(const Module &module, const SourceManager &sources, std::ostream &out) {
  Printer p(sources, out);
  for (auto &fn : module.functions) p.line(0, "fn " + fn->name, fn->nameRange);
  for (auto &m : module.models) p.line(0, "model " + m->name, m->nameRange);
  for (auto &o : module.optimizers) p.line(0, "optimizer " + o->name, o->nameRange);
  p.line(0, "main", SourceRange());
  for (auto &s : module.statements) p.stmt(*s, 1);
}

}  // namespace dlc::ast
