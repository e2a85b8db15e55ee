// Statements: bindings, assignments, loops, conditionals, returns.
#include "sema/Analyzer.h"

namespace dlc::sema {

using namespace ast;

namespace {

std::string describeValueOf(const Type &t) {
  if (t.kind == Type::Void) return "a call that gives no value";
  if (t.kind == Type::Callable) return "the function '" + t.name + "' itself (call it)";
  return t.str();
}

// Matches a declared type that may name new dimension variables (`N`)
// against an actual type, binding those variables.
bool matchPattern(const Type &pattern, const Type &actual, const std::vector<const DimSymbol *> &bindable,
                  std::map<const DimSymbol *, Dim> &bound) {
  if (pattern.kind != Type::Tensor || actual.kind != Type::Tensor) return sameType(pattern, actual);
  if (pattern.tensor.rank() != actual.tensor.rank()) return false;
  for (size_t i = 0; i < pattern.tensor.rank(); ++i) {
    const Dim &p = pattern.tensor.dims[i], &a = actual.tensor.dims[i];
    bool isNew = p.symbol && std::find(bindable.begin(), bindable.end(), p.symbol) != bindable.end();
    if (isNew) {
      auto it = bound.find(p.symbol);
      if (it == bound.end()) bound[p.symbol] = a;
      else if (it->second != a) return false;
    } else if (p != a) {
      return false;
    }
  }
  return true;
}

Type substitute(Type t, const std::map<const DimSymbol *, Dim> &bound) {
  if (!t.isTensor()) return t;
  for (auto &d : t.tensor.dims)
    if (d.symbol) {
      auto it = bound.find(d.symbol);
      if (it != bound.end()) d = it->second;
    }
  return t;
}

}  // namespace

void Analyzer::checkBlock(Block &block, Scope &scope) {
  Scope *inner = newScope(&scope, Scope::Block);
  for (auto &s : block.stmts) checkStmt(*s, *inner);
}

void Analyzer::bindLocal(Binding &binding, const Type &type, bool isMutable, Scope &scope, const Expr *init) {
  if (Symbol *previous = scope.lookupHere(binding.name)) {
    Diagnostic &d = error(binding.range, "redefinition of '" + binding.name + "' in the same scope" +
                                             (previous->isMutable ? "; assign to it with '='" : ""));
    if (previous->range.isValid()) DiagnosticEngine::note(d, previous->range, "first defined here");
  }
  Symbol *s = newSymbol(Symbol::Local, binding.name, binding.range, type);
  s->isMutable = isMutable;
  if (init && !isMutable) {
    s->constInt = init->constInt;
    s->constFloat = init->constFloat;
    if (type.isScalar() && type.tensor.dtype == DType::I32 &&
        (init->constInt || init->kind == ExprKind::Call))
      s->dimValue = dimOf(const_cast<Expr &>(*init), binding.name);
  }
  if (isMutable) s->type.weak = type.weak && type.isScalar();
  binding.symbol = s;
  scope.define(s);
}

void Analyzer::checkStmt(Stmt &stmt, Scope &scope) {
  switch (stmt.kind) {
  case StmtKind::Let: {
    auto &let = static_cast<LetStmt &>(stmt);
    std::optional<Type> pattern;
    DimNames dims = fn_->dims;
    std::vector<const DimSymbol *> bindable;
    if (let.declared) {
      pattern = resolveType(*let.declared, scope, dims, /*bindNew=*/true);
      for (auto &[n, s] : dims)
        if (!fn_->dims.count(n) && s.symbol) bindable.push_back(s.symbol);
    }
    Expectation expect{pattern ? &*pattern : nullptr, false};
    Type init = check(*let.init, scope, expect);
    std::vector<Type> values;
    if (init.isError()) {
      values.assign(let.names.size(), pattern ? *pattern : Type::error());
    } else if (init.kind == Type::Void || init.kind == Type::Callable) {
      error(let.init->range, "cannot bind '" + let.names[0].name + "' to " + describeValueOf(init));
      values.assign(let.names.size(), Type::error());
    } else if (let.names.size() > 1) {
      if (init.kind != Type::Tuple || init.elements->size() != let.names.size()) {
        error(let.init->range, std::to_string(let.names.size()) + " names are bound, but the value is " +
                                   (init.kind == Type::Tuple ? std::to_string(init.elements->size()) + " values"
                                                             : "a single " + init.str()));
        values.assign(let.names.size(), Type::error());
      } else {
        values = *init.elements;
      }
    } else {
      values.push_back(init);
    }
    if (pattern && !init.isError() && let.names.size() == 1) {
      std::map<const DimSymbol *, Dim> bound;
      bool dtypeOk = !pattern->isTensor() || init.tensor.dtype == pattern->tensor.dtype ||
                     (init.weak && dtypeCategory(init.tensor.dtype) <= dtypeCategory(pattern->tensor.dtype) &&
                      dtypeCategory(pattern->tensor.dtype) > 0);
      if (!dtypeOk || !matchPattern(*pattern, init, bindable, bound)) {
        error(let.init->range, "'" + let.names[0].name + "' is declared as " + pattern->str() +
                                   ", but its value has type " + init.str());
        values[0] = *pattern;
      } else {
        values[0] = substitute(*pattern, bound);
        values[0].weak = false;
        // A dimension name a binding introduces names that size from then on:
        // `let y: i32[N] = ...` after `let x: f32[N, 784] = ...` shares x's N.
        for (auto &[name, dim] : dims)
          if (!fn_->dims.count(name) && dim.symbol && bound.count(dim.symbol))
            fn_->dims[name] = bound[dim.symbol];
      }
    }
    if (let.isVar && values.size() == 1 && values[0].kind == Type::Series)
      error(let.init->range, "a series cannot be held in a 'var'; bind it with 'let' (s.add(x, y) adds to it "
                             "in place)");
    for (size_t i = 0; i < let.names.size(); ++i)
      bindLocal(let.names[i], values[i], let.isVar, scope, let.names.size() == 1 ? let.init.get() : nullptr);
    return;
  }
  case StmtKind::Assign: {
    auto &assign = static_cast<AssignStmt &>(stmt);
    Type target = check(*assign.target, scope);
    // Where the assigned storage lives, to say why it cannot change.
    const Symbol *root = nullptr;
    Expr *t = assign.target.get();
    bool partial = false;
    while (t->kind == ExprKind::Index) {
      t = static_cast<IndexExpr *>(t)->base.get();
      partial = true;
    }
    if (t->kind == ExprKind::Name) root = static_cast<NameExpr *>(t)->symbol;
    else if (t->kind == ExprKind::Member) root = static_cast<MemberExpr *>(t)->symbol;
    Type value = check(*assign.value, scope, Expectation{target.isTensor() ? &target : nullptr, false});
    if (target.isError() || value.isError()) return;
    if (t->kind == ExprKind::Member && t->type.isTensor() && !root) {
      error(assign.target->range, "a dataset's x and y cannot be assigned to");
      return;
    }
    if (!root) {
      error(assign.target->range, "this expression cannot be assigned to");
      return;
    }
    if (!root->isMutable) {
      std::string what = root->isLoopVariable            ? "it is a loop variable"
                         : root->kind == Symbol::Local ? "it is declared with 'let'"
                                                       : std::string("it is a ") + kindName(root->kind);
      Diagnostic &d = error(assign.opLoc, assign.target->range.to(SourceRange(assign.opLoc)),
                            "cannot assign to '" + root->name + "': " + what);
      if (root->kind == Symbol::Local && !root->isLoopVariable && root->range.isValid())
        DiagnosticEngine::note(d, root->range, "declare it with 'var' to make it mutable");
      return;
    }
    if (!target.isTensor()) {
      if (assign.op != AssignOp::Set || !sameType(target, value))
        error(assign.opLoc, assign.range, "cannot assign " + describeValueOf(value) + " to '" + root->name +
                                              "' of type " + target.str());
      return;
    }
    if (!value.isTensor()) {
      error(assign.value->range, "cannot assign " + describeValueOf(value) + " to a tensor");
      return;
    }
    Type result = value;
    if (assign.op != AssignOp::Set) {
      Shape shape;
      std::string why;
      bool fits = shapes::broadcast(target.tensor.dims, value.tensor.dims, &shape, &why) &&
                  shape == target.tensor.dims;
      DType d = promote(target, value);
      if (assign.op == AssignOp::Div && !isFloat(d)) d = DType::F32;
      if (!fits || d != target.tensor.dtype) {
        error(assign.opLoc, assign.range, "'" + std::string(spelling(assign.op)) + "' would change the type of '" +
                                              root->name + "' from " + target.str() + " to " +
                                              (fits ? TensorType{d, target.tensor.dims}.str() : "something else") +
                                              " (value: " + value.str() + ")");
      }
      return;
    }
    (void)partial;
    if (!assignable(result, target) &&
        !(result.tensor.dtype == target.tensor.dtype && result.isScalar() && partial)) {
      error(assign.opLoc, assign.range, "cannot assign a value of type " + value.str() + " to '" + root->name +
                                            "' of type " + target.str());
    }
    return;
  }
  case StmtKind::Expr: {
    auto &e = static_cast<ExprStmt &>(stmt);
    check(*e.expr, scope);
    return;
  }
  case StmtKind::For: {
    auto &loop = static_cast<ForStmt &>(stmt);
    Type iter = check(*loop.iterable, scope);
    Scope *body = newScope(&scope, Scope::Block);
    std::vector<Type> vars(loop.vars.size(), Type::error());
    if (loop.rangeEnd) {
      Type end = check(*loop.rangeEnd, scope);
      bool ok = requireIntScalar(iter, *loop.iterable, "the start of a range") &
                requireIntScalar(end, *loop.rangeEnd, "the end of a range");
      if (loop.vars.size() != 1) {
        error(loop.vars[1].range, "a range gives one value per step: write 'for i in a..b'");
      } else if (ok) {
        vars[0] = Type::scalar(DType::I32);
      }
    } else if (iter.kind == Type::Batches || iter.kind == Type::Dataset) {
      if (loop.vars.size() != 2) {
        error(loop.range.begin, loop.vars[0].range,
              "each step over " + std::string(iter.kind == Type::Batches ? "batches" : "a dataset") +
                  " gives x and y: write 'for x, y in ...'");
      } else {
        TensorType x = iter.tensor, y = iter.label;
        if (iter.kind == Type::Dataset) {
          x.dims.erase(x.dims.begin());
          y.dims.erase(y.dims.begin());
        }
        vars = {Type::tensorOf(x), Type::tensorOf(y)};
      }
    } else if (!iter.isError()) {
      error(loop.iterable->range, "cannot loop over " + describeValueOf(iter) +
                                      "; loop over a range (0..n), a dataset or batches(...)");
    }
    for (size_t i = 0; i < loop.vars.size(); ++i) {
      bindLocal(loop.vars[i], vars[i], false, *body, nullptr);
      if (loop.vars[i].symbol) const_cast<Symbol *>(loop.vars[i].symbol)->isLoopVariable = true;
    }
    ++loopDepth_;
    for (auto &s : loop.body.stmts) checkStmt(*s, *body);
    --loopDepth_;
    return;
  }
  case StmtKind::If: {
    auto &branch = static_cast<IfStmt &>(stmt);
    Type cond = check(*branch.cond, scope);
    if (!cond.isError() && !(cond.isScalar() && cond.tensor.dtype == DType::Bool))
      error(branch.cond->range, "the condition of 'if' must be a bool, but got " + describeValueOf(cond) +
                                    (cond.isTensor() && !cond.isScalar() ? "; reduce it first" : ""));
    ++branchDepth_;
    checkBlock(branch.then, scope);
    if (branch.otherwise) checkStmt(*branch.otherwise, scope);
    --branchDepth_;
    return;
  }
  case StmtKind::Return: {
    auto &ret = static_cast<ReturnStmt &>(stmt);
    if (isMainProgram()) {
      error(stmt.range, "'return' outside a function");
      if (ret.value) check(*ret.value, scope);
      return;
    }
    Expectation expect{fn_->declaredResult ? &*fn_->declaredResult : nullptr, false};
    Type value = ret.value ? check(*ret.value, scope, expect) : Type::voidType();
    fn_->returnTypes.push_back(value);
    fn_->returnRanges.push_back(ret.value ? ret.value->range : stmt.range);
    return;
  }
  case StmtKind::Block:
    checkBlock(static_cast<BlockStmt &>(stmt).block, scope);
    return;
  }
}

}  // namespace dlc::sema
