#include "lsp/SourceIndex.h"

#include <algorithm>
#include <map>

namespace dlc::lsp {

using namespace ast;
using sema::Symbol;

namespace {

bool contains(SourceRange r, uint32_t offset) {
  return r.isValid() && r.begin.offset <= offset && offset <= r.end.offset;
}

// ---- Occurrences ----------------------------------------------------------

class Collector {
public:
  Collector(int32_t file, std::vector<Occurrence> &out) : file_(file), out_(out) {}

  void add(Occurrence o) {
    if (o.range.isValid() && o.range.begin.file == file_ && o.range.end.offset >= o.range.begin.offset)
      out_.push_back(std::move(o));
  }

  void symbol(const Symbol *s, SourceRange at) {
    if (s) add(Occurrence{at, s->name, s, nullptr, nullptr, s->type, true});
  }

  void expr(const Expr *e, const CallExpr *callee = nullptr) {
    if (!e) return;
    switch (e->kind) {
    case ExprKind::Name: {
      auto &n = static_cast<const NameExpr &>(*e);
      add(Occurrence{e->range, n.name, n.symbol, e, callee, e->type, false});
      return;
    }
    case ExprKind::Member: {
      auto &m = static_cast<const MemberExpr &>(*e);
      add(Occurrence{e->range, "", nullptr, e, nullptr, e->type, false});
      add(Occurrence{m.memberRange, m.member, m.symbol, e, callee, e->type, false});
      expr(m.base.get());
      return;
    }
    case ExprKind::Call: {
      auto &c = static_cast<const CallExpr &>(*e);
      add(Occurrence{e->range, "", nullptr, e, nullptr, e->type, false});
      expr(c.callee.get(), &c);
      for (auto &a : c.args) expr(a.value.get());
      return;
    }
    default:
      break;
    }
    add(Occurrence{e->range, "", nullptr, e, nullptr, e->type, false});
    switch (e->kind) {
    case ExprKind::Unary:
      expr(static_cast<const UnaryExpr &>(*e).operand.get());
      break;
    case ExprKind::Binary: {
      auto &b = static_cast<const BinaryExpr &>(*e);
      expr(b.lhs.get());
      expr(b.rhs.get());
      break;
    }
    case ExprKind::Index: {
      auto &ix = static_cast<const IndexExpr &>(*e);
      expr(ix.base.get());
      for (auto &item : ix.items) {
        expr(item.lo.get());
        expr(item.hi.get());
      }
      break;
    }
    case ExprKind::List:
      for (auto &el : static_cast<const ListExpr &>(*e).elements) expr(el.get());
      break;
    default:
      break;
    }
  }

  void binding(const Binding &b) {
    if (b.symbol) add(Occurrence{b.range, b.name, b.symbol, nullptr, nullptr, b.symbol->type, true});
  }

  void block(const Block &b) {
    for (auto &s : b.stmts) stmt(s.get());
  }

  void stmt(const Stmt *s) {
    if (!s) return;
    switch (s->kind) {
    case StmtKind::Let: {
      auto &l = static_cast<const LetStmt &>(*s);
      for (auto &b : l.names) binding(b);
      expr(l.init.get());
      return;
    }
    case StmtKind::Assign: {
      auto &a = static_cast<const AssignStmt &>(*s);
      expr(a.target.get());
      expr(a.value.get());
      return;
    }
    case StmtKind::Expr:
      expr(static_cast<const ExprStmt &>(*s).expr.get());
      return;
    case StmtKind::For: {
      auto &f = static_cast<const ForStmt &>(*s);
      for (auto &b : f.vars) binding(b);
      expr(f.iterable.get());
      expr(f.rangeEnd.get());
      block(f.body);
      return;
    }
    case StmtKind::If: {
      auto &i = static_cast<const IfStmt &>(*s);
      expr(i.cond.get());
      block(i.then);
      stmt(i.otherwise.get());
      return;
    }
    case StmtKind::Return:
      expr(static_cast<const ReturnStmt &>(*s).value.get());
      return;
    case StmtKind::Block:
      block(static_cast<const BlockStmt &>(*s).block);
      return;
    }
  }

  void function(const sema::FnInstance &fn) {
    if (!fn.decl || fn.decl->range.begin.file != file_) return;
    for (size_t i = 0; i < fn.params.size() && i < fn.decl->params.size(); ++i)
      symbol(fn.params[i], fn.decl->params[i].range);
    if (!fn.body) return;
    expr(fn.body->exprBody.get());
    if (fn.body->body) block(*fn.body->body);
  }

  void model(const sema::ModelInstance &m) {
    if (!m.decl || m.decl->range.begin.file != file_) return;
    for (auto *h : m.hyper) symbol(h, h ? h->range : SourceRange());
    for (auto &[name, s] : m.memberSymbols) symbol(s, s->range);
    for (auto &member : m.members) expr(member.init.get());
  }

  void optimizer(const sema::OptimizerInstance &o) {
    if (!o.decl || o.decl->range.begin.file != file_) return;
    for (auto *h : o.hyper) symbol(h, h ? h->range : SourceRange());
    for (auto *s : o.states) symbol(s, s ? s->range : SourceRange());
  }

private:
  int32_t file_;
  std::vector<Occurrence> &out_;
};

// ---- Visible names --------------------------------------------------------

class ScopeWalker {
public:
  ScopeWalker(uint32_t offset, std::vector<VisibleName> &out) : offset_(offset), out_(out) {}

  void add(const std::string &name, Symbol::Kind kind, const Symbol *s) {
    if (!name.empty()) out_.push_back(VisibleName{name, kind, s});
  }
  void add(const Binding &b, Symbol::Kind kind = Symbol::Local) {
    add(b.name, b.symbol ? b.symbol->kind : kind, b.symbol);
  }

  void statements(const std::vector<StmtPtr> &stmts) {
    for (auto &s : stmts) {
      if (!s || !s->range.isValid()) continue;
      if (s->range.begin.offset >= offset_) break;
      stmt(*s);
    }
  }

  void stmt(const Stmt &s) {
    switch (s.kind) {
    case StmtKind::Let:
      if (s.range.end.offset <= offset_)
        for (auto &b : static_cast<const LetStmt &>(s).names) add(b);
      return;
    case StmtKind::For: {
      auto &f = static_cast<const ForStmt &>(s);
      if (!contains(f.body.range, offset_)) return;
      for (auto &b : f.vars) add(b);
      statements(f.body.stmts);
      return;
    }
    case StmtKind::If: {
      auto &i = static_cast<const IfStmt &>(s);
      if (contains(i.then.range, offset_)) statements(i.then.stmts);
      else if (i.otherwise && contains(i.otherwise->range, offset_)) stmt(*i.otherwise);
      return;
    }
    case StmtKind::Block: {
      auto &b = static_cast<const BlockStmt &>(s);
      if (contains(b.block.range, offset_)) statements(b.block.stmts);
      return;
    }
    default:
      return;
    }
  }

  // A function: its parameters and, when the cursor is in its body, the
  // locals before it. `instance` (may be null) supplies the symbols.
  void function(const FnDecl &decl, const sema::FnInstance *instance) {
    for (size_t i = 0; i < decl.params.size(); ++i) {
      const Symbol *s = instance && i < instance->params.size() ? instance->params[i] : nullptr;
      add(decl.params[i].name, Symbol::Parameter, s);
    }
    const FnDecl &body = instance && instance->body ? *instance->body : decl;
    if (body.body && contains(body.body->range, offset_)) statements(body.body->stmts);
  }

private:
  uint32_t offset_;
  std::vector<VisibleName> &out_;
};

template <typename Instances, typename Decl>
auto firstInstance(const Instances &all, const Decl *decl) -> decltype(all.front().get()) {
  for (auto &i : all)
    if (i->decl == decl) return i.get();
  return nullptr;
}

}  // namespace

std::vector<Occurrence> collectOccurrences(const Compilation &compilation) {
  std::vector<Occurrence> out;
  const sema::Program *program = compilation.program.get();
  if (!program || !program->main) return out;
  Collector collect(program->main->file, out);
  for (auto &s : program->main->statements) collect.stmt(s.get());
  for (auto *g : program->globals) collect.symbol(g, g->range);
  for (auto &fn : program->functions) collect.function(*fn);
  for (auto &m : program->models) collect.model(*m);
  for (auto &o : program->optimizers) collect.optimizer(*o);
  return out;
}

std::vector<const Occurrence *> occurrencesAt(const std::vector<Occurrence> &all, uint32_t offset) {
  auto smallest = [&](auto holds) {
    std::vector<const Occurrence *> best;
    uint32_t bestSize = UINT32_MAX;
    for (auto &o : all) {
      if (!holds(o.range)) continue;
      uint32_t size = o.range.end.offset - o.range.begin.offset;
      if (size < bestSize) {
        best.clear();
        bestSize = size;
      }
      if (size == bestSize && (best.empty() || best.front()->range.begin.offset == o.range.begin.offset))
        best.push_back(&o);
    }
    return best;
  };
  auto inside = smallest([&](SourceRange r) { return r.begin.offset <= offset && offset < r.end.offset; });
  if (!inside.empty()) return inside;
  return smallest([&](SourceRange r) { return r.end.offset == offset && r.begin.offset < offset; });
}

std::vector<VisibleName> visibleNames(const Compilation &compilation, uint32_t offset) {
  std::vector<VisibleName> out;
  const Module *main = compilation.main;
  if (!main) return out;
  const sema::Program *program = compilation.program.get();
  ScopeWalker walk(offset, out);

  for (auto &fn : main->functions) {
    if (!fn || !contains(fn->range, offset)) continue;
    walk.function(*fn, program ? firstInstance(program->functions, fn.get()) : nullptr);
    return out;
  }
  for (auto &model : main->models) {
    if (!model || !contains(model->range, offset)) continue;
    const sema::ModelInstance *instance = program ? firstInstance(program->models, model.get()) : nullptr;
    if (instance) {
      for (auto *h : instance->hyper)
        if (h) walk.add(h->name, h->kind, h);
      for (auto &[name, s] : instance->memberSymbols) walk.add(name, s->kind, s);
    } else {
      for (auto &p : model->params) walk.add(p.name, Symbol::Hyper, nullptr);
      for (auto &m : model->members)
        walk.add(m.name,
                 m.kind == MemberKind::Param ? Symbol::ModelParam
                 : m.kind == MemberKind::Layer ? Symbol::Layer
                                               : Symbol::Method,
                 nullptr);
    }
    for (auto &m : model->members) {
      if (m.kind != MemberKind::Method || !m.method || !contains(m.method->range, offset)) continue;
      const sema::FnInstance *method = nullptr;
      if (program)
        for (auto &f : program->functions)
          if (f->decl == m.method.get() && (!instance || f->model == instance)) {
            method = f.get();
            break;
          }
      walk.function(*m.method, method);
    }
    return out;
  }
  for (auto &opt : main->optimizers) {
    if (!opt || !contains(opt->range, offset)) continue;
    const sema::OptimizerInstance *instance = program ? firstInstance(program->optimizers, opt.get()) : nullptr;
    for (size_t i = 0; i < opt->params.size(); ++i)
      walk.add(opt->params[i].name, Symbol::Hyper,
               instance && i < instance->hyper.size() ? instance->hyper[i] : nullptr);
    for (size_t i = 0; i < opt->states.size(); ++i)
      walk.add(opt->states[i].name, Symbol::State,
               instance && i < instance->states.size() ? instance->states[i] : nullptr);
    walk.add("t", Symbol::StepCount, instance ? instance->step : nullptr);
    for (auto &method : opt->methods) {
      if (!method || !contains(method->range, offset)) continue;
      const sema::FnInstance *update = nullptr;
      if (instance)
        for (auto *u : instance->updates)
          if (u && u->decl == method.get()) {
            update = u;
            break;
          }
      walk.function(*method, update);
    }
    return out;
  }
  walk.statements(main->statements);
  return out;
}

}  // namespace dlc::lsp
