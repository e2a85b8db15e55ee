// Declarations: written types, and the instantiation of functions, models
// and optimizers (see Sema.h for the scheme).
#include <algorithm>
#include <sstream>

#include "sema/Analyzer.h"
#include "support/Spelling.h"

namespace dlc::sema {

using namespace ast;

namespace {

// Whether every path through the block ends in a return.
bool alwaysReturns(const Block &block) {
  if (block.stmts.empty()) return false;
  const Stmt &last = *block.stmts.back();
  switch (last.kind) {
  case StmtKind::Return: return true;
  case StmtKind::Block: return alwaysReturns(static_cast<const BlockStmt &>(last).block);
  case StmtKind::If: {
    auto &branch = static_cast<const IfStmt &>(last);
    if (!branch.otherwise || !alwaysReturns(branch.then)) return false;
    if (branch.otherwise->kind == StmtKind::Block)
      return alwaysReturns(static_cast<const BlockStmt &>(*branch.otherwise).block);
    Block rest;
    rest.stmts.push_back(clone(*branch.otherwise));
    return alwaysReturns(rest);
  }
  default: return false;
  }
}

bool isBindable(const Dim &d) { return d.symbol && d.symbol->kind == DimSymbol::Variable; }

std::string signature(const FnInstance &fn) {
  std::string s;
  for (size_t i = 0; i < fn.params.size(); ++i)
    s += (i ? ", " : "") + fn.params[i]->name + ": " + fn.paramTypes[i].str();
  return s;
}

}  // namespace

std::optional<Type> Analyzer::resolveType(const TypeExpr &t, Scope &scope, DimNames &dims, bool bindNew) {
  static const std::map<std::string, DType> kNames = {
      {"f32", DType::F32}, {"f64", DType::F64}, {"i32", DType::I32}, {"int", DType::I32}, {"bool", DType::Bool}};
  if (t.name == "str") {
    if (t.hasDims) error(t.range, "'str' has no dimensions");
    return Type::string();
  }
  auto it = kNames.find(t.name);
  if (it == kNames.end()) {
    std::vector<std::string> names = {"f32", "f64", "i32", "int", "bool", "str"};
    std::string hint = closestName(t.name, names);
    error(t.nameRange, "unknown type '" + t.name + "'" + (hint.empty() ? "; types are f32, f64, i32, int, bool and str"
                                                                       : "; did you mean '" + hint + "'?"));
    return std::nullopt;
  }
  TensorType tensor{it->second, {}};
  bool ok = true;
  for (auto &d : t.dims) {
    if (d.isNumber) {
      if (d.tooLarge) {
        error(d.range, "dimension is too large");
        ok = false;
      }
      tensor.dims.push_back(Dim::fixed(d.value));
      continue;
    }
    Symbol *s = scope.lookup(d.name);
    if (s && s->constInt) {
      if (*s->constInt < 0) {
        error(d.range, "dimension '" + d.name + "' is negative (" + std::to_string(*s->constInt) + ")");
        ok = false;
      }
      tensor.dims.push_back(Dim::fixed(*s->constInt));
    } else if (s && s->type.isScalar() && s->type.tensor.dtype == DType::I32 &&
               (s->kind == Symbol::Local || s->kind == Symbol::Parameter)) {
      NameExpr ref(d.range);
      ref.name = d.name;
      ref.symbol = s;
      tensor.dims.push_back(dimOf(ref, d.name));
    } else if (s && s->kind == Symbol::Hyper && s->dimValue) {  // symbolic (checkUncalledDeclarations)
      tensor.dims.push_back(*s->dimValue);
    } else if (dims.count(d.name)) {
      tensor.dims.push_back(dims[d.name]);
    } else if (bindNew) {
      const DimSymbol *v = newDim(d.name, DimSymbol::Variable);
      dims[d.name] = Dim::of(v);
      tensor.dims.push_back(Dim::of(v));
    } else {
      unknownParamDimension(d);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return Type::tensorOf(tensor);
}

FnInstance *Analyzer::instantiateFunction(const FnDecl &decl, const std::vector<Type> &argTypes,
                                          const ModelInstance *model, const OptimizerInstance *optimizer,
                                          Scope &declScope, SourceRange callSite,
                                          const std::vector<std::optional<int64_t>> &constArgsIn) {
  // Integer arguments known when compiling specialise the instance, so they
  // can size tensors and serve as axes.
  std::vector<std::optional<int64_t>> constArgs(decl.params.size());
  for (size_t i = 0; i < decl.params.size() && i < constArgsIn.size(); ++i) {
    const Type &t = argTypes[i];
    bool intParam = decl.params[i].declared ? (decl.params[i].declared->name == "int" ||
                                               decl.params[i].declared->name == "i32") &&
                                                  !decl.params[i].declared->hasDims
                                            : t.isScalar() && t.tensor.dtype == DType::I32;
    if (intParam) constArgs[i] = constArgsIn[i];
  }
  bool generic = true;
  for (auto &p : decl.params) generic = generic && p.declared.has_value();
  std::vector<Type> argKey;
  if (!generic)
    for (auto t : argTypes) {
      t.weak = false;
      argKey.push_back(t);
    }
  // Reuse an instance with the same key.
  for (auto &f : program_.functions) {
    if (f->decl != &decl || f->model != model || f->optimizer != optimizer || f->inProgress) continue;
    bool same = f->constArgs == constArgs && f->argKey.size() == argKey.size();
    for (size_t i = 0; i < argKey.size() && same; ++i) same = sameType(f->argKey[i], argKey[i]);
    if (same) return f.get();
  }
  for (auto &f : program_.functions) {
    if (f->decl == &decl && f->inProgress) {
      error(callSite.isValid() ? callSite : decl.nameRange,
            "'" + f->displayName + "' calls itself; recursive functions are not supported");
      return nullptr;
    }
  }

  auto owned = std::make_unique<FnInstance>();
  FnInstance *inst = owned.get();
  program_.functions.push_back(std::move(owned));
  inst->decl = &decl;
  inst->body = clone(decl);
  inst->model = model;
  inst->optimizer = optimizer;
  inst->constArgs = constArgs;
  inst->argKey = argKey;
  inst->displayName = (model ? model->decl->name + "." : optimizer ? optimizer->decl->name + "." : "") + decl.name;

  FnContext ctx;
  ctx.instance = inst;
  ctx.model = model;
  ctx.optimizer = optimizer;
  Scope *fnScope = newScope(&declScope, Scope::Function);
  for (size_t i = 0; i < decl.params.size(); ++i) {
    const Param &p = decl.params[i];
    Type type = argTypes[i];
    type.weak = false;
    if (p.declared) {
      auto resolved = resolveType(*p.declared, *fnScope, ctx.dims, /*bindNew=*/true);
      type = resolved ? *resolved : Type::error();
      // A template binds its typed parameters' dimension names to the caller's sizes.
      const Type &arg = argTypes[i];
      if (!generic && type.isTensor() && arg.isTensor() && arg.tensor.rank() == type.tensor.rank()) {
        for (size_t d = 0; d < type.tensor.rank(); ++d) {
          const Dim &own = type.tensor.dims[d];
          if (own.symbol && own.symbol->kind == DimSymbol::Variable && ctx.dims.count(own.symbol->name) &&
              ctx.dims[own.symbol->name] == own) {
            ctx.dims[own.symbol->name] = arg.tensor.dims[d];
            type.tensor.dims[d] = arg.tensor.dims[d];
          }
        }
      }
    }
    if (fnScope->lookupHere(p.name)) error(p.range, "parameter '" + p.name + "' is declared twice");
    Symbol *s = newSymbol(Symbol::Parameter, p.name, p.range, type);
    s->isMutable = optimizer != nullptr && i == 0;  // an update rule's p is the parameter
    s->index = static_cast<int>(i);
    if (constArgs[i]) {
      s->constInt = constArgs[i];
      s->constFloat = static_cast<double>(*constArgs[i]);
      s->dimValue = Dim::fixed(*constArgs[i]);
    }
    fnScope->define(s);
    inst->params.push_back(s);
    inst->paramTypes.push_back(type);
  }
  std::vector<const DimSymbol *> resultOnly;
  if (decl.result) {
    DimNames before = ctx.dims;
    ctx.declaredResult = resolveType(*decl.result, *fnScope, ctx.dims, true);
    for (auto &[n, s] : ctx.dims)
      if (!before.count(n) && s.symbol) resultOnly.push_back(s.symbol);
    if (!ctx.declaredResult) ctx.declaredResult = Type::error();
  }

  inst->inProgress = true;
  if (callSite.isValid())
    instantiationStack_.emplace_back(callSite, "in '" + inst->displayName + "(" + signature(*inst) +
                                                   ")', called here");
  FnContext *saved = fn_;
  fn_ = &ctx;

  Type result;
  SourceRange resultRange = decl.nameRange;
  if (inst->body->exprBody) {
    Expectation expect{ctx.declaredResult ? &*ctx.declaredResult : nullptr, false};
    result = check(*inst->body->exprBody, *fnScope, expect);
    resultRange = inst->body->exprBody->range;
  } else {
    checkBlock(*inst->body->body, *fnScope);
    bool valued = false;
    for (auto &t : ctx.returnTypes) valued = valued || t.kind != Type::Void;
    if ((valued || (ctx.declaredResult && ctx.declaredResult->kind != Type::Void)) &&
        !alwaysReturns(*inst->body->body)) {
      SourceLoc end = inst->body->body->range.end;
      if (end.offset > 0) --end.offset;
      error(SourceRange(end, SourceLoc{end.file, end.offset + 1}),
            "'" + inst->displayName + "' can reach its end without returning a value");
    }
    if (ctx.returnTypes.empty()) {
      result = Type::voidType();
    } else {
      result = ctx.returnTypes[0];
      resultRange = ctx.returnRanges[0];
      for (size_t i = 1; i < ctx.returnTypes.size(); ++i) {
        const Type &t = ctx.returnTypes[i];
        if (t.isError() || result.isError()) continue;
        Type a = t, b = result;
        a.weak = b.weak = false;
        if (!sameType(a, b))
          error(ctx.returnRanges[i], "'" + inst->displayName + "' returns " + t.str() + " here, but " +
                                         result.str() + " before");
      }
    }
  }
  if (ctx.declaredResult && !ctx.declaredResult->isError() && !result.isError()) {
    const Type &declared = *ctx.declaredResult;
    std::map<const DimSymbol *, Dim> bound;
    bool ok = result.kind == declared.kind;
    if (ok && declared.isTensor()) {
      ok = declared.tensor.rank() == result.tensor.rank() &&
           (declared.tensor.dtype == result.tensor.dtype ||
            (result.weak && dtypeCategory(result.tensor.dtype) <= dtypeCategory(declared.tensor.dtype)));
      for (size_t i = 0; ok && i < declared.tensor.rank(); ++i) {
        const Dim &d = declared.tensor.dims[i], &r = result.tensor.dims[i];
        bool flexible = d.symbol && std::find(resultOnly.begin(), resultOnly.end(), d.symbol) != resultOnly.end();
        if (flexible) {
          auto it = bound.find(d.symbol);
          if (it == bound.end()) bound[d.symbol] = r;
          else ok = it->second == r;
        } else {
          ok = d == r;
        }
      }
    } else if (ok) {
      ok = sameType(declared, result);
    }
    if (!ok) {
      Diagnostic &d = error(resultRange, "'" + inst->displayName + "' is declared to return " + declared.str() +
                                             ", but " + (result.kind == Type::Void ? "returns nothing"
                                                                                   : "returns " + result.str()));
      DiagnosticEngine::note(d, decl.result->range, "the result type is declared here");
      result = declared;
    } else if (declared.isTensor()) {
      result = declared;
      for (auto &dim : result.tensor.dims)
        if (dim.symbol && bound.count(dim.symbol)) dim = bound[dim.symbol];
    }
  }
  result.weak = false;
  inst->result = result;

  fn_ = saved;
  if (callSite.isValid()) instantiationStack_.pop_back();
  inst->inProgress = false;
  return inst;
}

Type Analyzer::callFunction(FnInstance *fn, const std::vector<Type> &argTypes, CallExpr &call,
                            const std::vector<Expr *> &argExprs) {
  std::map<const DimSymbol *, Dim> bound;
  bool ok = true;
  for (size_t i = 0; i < fn->decl->params.size(); ++i) {
    if (!fn->decl->params[i].declared) continue;
    const Type &param = fn->paramTypes[i], &arg = argTypes[i];
    if (param.isError() || arg.isError()) {
      ok = false;
      continue;
    }
    bool fits = param.kind == arg.kind;
    if (fits && param.isTensor()) {
      const TensorType &p = param.tensor, &a = arg.tensor;
      fits = (p.dtype == a.dtype ||
              (arg.weak && dtypeCategory(a.dtype) <= dtypeCategory(p.dtype) && dtypeCategory(p.dtype) > 0)) &&
             (p.rank() == a.rank() || (arg.weak && arg.isScalar() && p.isScalar()));
      for (size_t d = 0; fits && d < p.rank(); ++d) {
        if (isBindable(p.dims[d])) {
          auto it = bound.find(p.dims[d].symbol);
          if (it == bound.end()) bound[p.dims[d].symbol] = a.dims[d];
          else fits = it->second == a.dims[d];
        } else {
          fits = p.dims[d] == a.dims[d];
        }
      }
    } else if (fits) {
      fits = sameType(param, arg);
    }
    if (!fits) {
      const Param &p = fn->decl->params[i];
      SourceRange at = argExprs[i] ? argExprs[i]->range : call.range;
      Type wanted = param;
      if (wanted.isTensor())
        for (auto &dim : wanted.tensor.dims)
          if (dim.symbol && bound.count(dim.symbol)) dim = bound[dim.symbol];
      Diagnostic &d = error(at, "argument '" + p.name + "' of '" + fn->displayName + "' must be " + wanted.str() +
                                    ", but got " + arg.str());
      DiagnosticEngine::note(d, p.declared->range, "'" + p.name + "' is declared here");
      ok = false;
    }
  }
  if (!ok) return Type::error();
  Type result = fn->result;
  if (result.isTensor()) {
    std::map<const DimSymbol *, Dim> fresh;
    for (auto &d : result.tensor.dims) {
      if (!d.symbol) continue;
      auto it = bound.find(d.symbol);
      if (it != bound.end()) {
        d = it->second;
        continue;
      }
      bool callerOwns = false;
      for (auto &[n, s] : fn_->dims) callerOwns = callerOwns || s.symbol == d.symbol;
      if (d.symbol->kind == DimSymbol::Variable && !callerOwns) {
        if (!fresh.count(d.symbol)) fresh[d.symbol] = freshRuntimeDim(d.symbol->name);
        d = fresh[d.symbol];
      }
    }
  }
  return result;
}

Scope *Analyzer::modelScope(const ModelInstance *model) { return modelScopes_.at(model); }

ModelInstance *Analyzer::instantiateModel(const ModelDecl &decl, CallExpr &call, Scope &scope) {
  std::vector<Expr *> ordered;
  // The declaration checked without a creation: every hyper-parameter
  // without a default is symbolic.
  const bool declarationOnly = symbolic_ > 0 && !call.range.isValid() && call.args.empty();
  if (declarationOnly) {
    ordered.assign(decl.params.size(), nullptr);
  } else if (!bindArguments(call, decl.params, decl.name, 0, ordered)) {
    for (auto &a : call.args) check(*a.value, scope);
    return nullptr;
  }
  bool symbolic = false;
  Scope *hyperScope = newScope(globalScope_.get(), Scope::Model);
  std::vector<Symbol *> hypers;
  std::string display = decl.name + "(";
  bool ok = true;
  std::vector<ExprPtr> defaults;
  for (size_t i = 0; i < decl.params.size(); ++i) {
    const Param &p = decl.params[i];
    Expr *value = ordered[i];
    bool wantsInt = p.declared && (p.declared->name == "int" || p.declared->name == "i32");
    bool wantsFloat = p.declared && (p.declared->name == "f32" || p.declared->name == "f64");
    // A symbolic hyper-parameter: an int is a size known only by symbol, a
    // float a value of its type; an untyped one silences what depends on it.
    auto symbolicHyper = [&](std::optional<Dim> dim) {
      Type type = wantsInt ? Type::scalar(DType::I32, true)
                  : wantsFloat ? Type::scalar(p.declared->name == "f64" ? DType::F64 : DType::F32, true)
                               : Type::error();
      Symbol *s = newSymbol(Symbol::Hyper, p.name, p.range, type);
      if (!wantsFloat) s->dimValue = dim ? *dim : freshRuntimeDim(p.name);
      s->index = static_cast<int>(i);
      hyperScope->define(s);
      hypers.push_back(s);
      display += (i ? ", " : "") + p.name + ": ?";
      symbolic = true;
    };
    if (!value && !p.defaultValue && declarationOnly) {
      symbolicHyper(std::nullopt);
      continue;
    }
    if (!value) {
      defaults.push_back(clone(*p.defaultValue));
      value = defaults.back().get();
      check(*value, *hyperScope);
    } else {
      check(*value, scope);
    }
    if (value->type.isError()) {
      ok = false;
      continue;
    }
    Type type = value->type;
    // Inside a symbolic model, a layer's sizes may be symbolic too.
    if (symbolic_ > 0 && !value->constInt && !value->constFloat && type.isScalar() &&
        type.tensor.dtype != DType::Bool && !(wantsInt && isFloat(type.tensor.dtype))) {
      symbolicHyper(type.tensor.dtype == DType::I32 ? std::optional<Dim>(dimOf(*value, p.name)) : std::nullopt);
      continue;
    }
    if (wantsInt && !value->constInt) {
      error(value->range, "hyper-parameter '" + p.name + "' of '" + decl.name +
                              "' must be a constant integer" + (value->constFloat ? "" : " known when compiling"));
      ok = false;
      continue;
    }
    if (!value->constInt && !value->constFloat) {
      error(value->range, "hyper-parameter '" + p.name + "' of '" + decl.name +
                              "' must be a constant known when compiling");
      ok = false;
      continue;
    }
    Symbol *s = newSymbol(Symbol::Hyper, p.name, p.range, type);
    if (wantsInt || (!wantsFloat && value->constInt)) {
      s->constInt = value->constInt;
      s->constFloat = static_cast<double>(*value->constInt);
      s->dimValue = Dim::fixed(*value->constInt);
      s->type = Type::scalar(DType::I32, true);
      display += (i ? ", " : "") + p.name + ": " + std::to_string(*value->constInt);
    } else {
      s->constFloat = value->constFloat;
      s->type = Type::scalar(p.declared && p.declared->name == "f64" ? DType::F64 : DType::F32, true);
      std::ostringstream v;
      v << *value->constFloat;
      display += (i ? ", " : "") + p.name + ": " + v.str();
    }
    s->index = static_cast<int>(i);
    hyperScope->define(s);
    hypers.push_back(s);
  }
  display += ")";
  if (!ok) return nullptr;

  for (auto &m : program_.models)
    if (m->decl == &decl && m->inProgress) {
      error(call.range, "model '" + decl.name + "' contains itself");
      return nullptr;
    }
  if (!symbolic)
    for (auto &m : program_.models)
      if (m->decl == &decl && m->display == display) return m.get();

  auto owned = std::make_unique<ModelInstance>();
  ModelInstance *inst = owned.get();
  program_.models.push_back(std::move(owned));
  inst->decl = &decl;
  inst->display = display;
  inst->hyper.assign(hypers.begin(), hypers.end());
  for (Symbol *h : hypers) h->owner = inst;
  modelScopes_[inst] = hyperScope;
  inst->inProgress = true;
  if (call.range.isValid()) instantiationStack_.emplace_back(call.range, "in model " + display + ", created here");

  inst->members.reserve(decl.members.size());
  for (auto &m : decl.members) {
    if (Symbol *previous = hyperScope->lookupHere(m.name)) {
      Diagnostic &d = error(m.nameRange, "model '" + decl.name + "' already has a " + kindName(previous->kind) +
                                             " named '" + m.name + "'");
      DiagnosticEngine::note(d, previous->range, "declared here");
      continue;
    }
    Symbol *s = nullptr;
    if (m.kind == MemberKind::Method) {
      s = newSymbol(Symbol::Method, m.name, m.nameRange, Type::callable(decl.name + "." + m.name));
      s->fn = m.method.get();
      s->doc = m.method->doc;
      declScopes_[m.method.get()] = hyperScope;
    } else if (m.kind == MemberKind::Param) {
      DimNames none;
      auto type = m.declared ? resolveType(*m.declared, *hyperScope, none, false) : std::nullopt;
      s = newSymbol(Symbol::ModelParam, m.name, m.nameRange, type ? *type : Type::error());
      s->isMutable = true;
      ModelMemberInstance member{&m, s, s->type, nullptr, nullptr};
      if (m.init && type) {
        member.init = clone(*m.init);
        Type init = check(*member.init, *hyperScope, Expectation{type ? &*type : nullptr, true});
        if (type && !init.isError() && !assignable(init, *type))
          error(member.init->range, "the initializer of '" + m.name + "' has type " + init.str() +
                                        ", but '" + m.name + "' is " + type->str());
      }
      inst->members.push_back(std::move(member));
    } else {
      ModelMemberInstance member{&m, nullptr, Type::error(), clone(*m.init), nullptr};
      Type init = check(*member.init, *hyperScope);
      if (!init.isError() && init.kind != Type::Model)
        error(member.init->range, "a layer must be a model, such as Linear(4, 2), but this is " + init.str());
      s = newSymbol(Symbol::Layer, m.name, m.nameRange, init.kind == Type::Model ? init : Type::error());
      member.symbol = s;
      member.type = s->type;
      member.layer = init.kind == Type::Model ? init.model : nullptr;
      inst->members.push_back(std::move(member));
    }
    s->owner = inst;
    s->index = static_cast<int>(inst->memberSymbols.size());
    hyperScope->define(s);
    inst->memberSymbols[m.name] = s;
  }

  // Check the methods whose parameters are all typed (forward, usually) now,
  // so their errors show even before a call.
  for (auto &m : decl.members) {
    if (m.kind != MemberKind::Method) continue;
    bool typed = true;
    for (auto &p : m.method->params) typed = typed && p.declared.has_value();
    if (typed)
      instantiateFunction(*m.method, std::vector<Type>(m.method->params.size()), inst, nullptr, *hyperScope,
                          SourceRange());
  }

  if (call.range.isValid()) instantiationStack_.pop_back();
  inst->inProgress = false;
  return inst;
}

OptimizerInstance *Analyzer::instantiateOptimizer(const OptimizerDecl &decl, CallExpr &call, Scope &scope) {
  auto checkRest = [&] {
    for (size_t i = 1; i < call.args.size(); ++i) check(*call.args[i].value, scope);
  };
  if (call.args.empty() || !call.args[0].name.empty()) {
    error(call.range, "'" + decl.name + "' needs the model to optimize as its first argument, e.g. " + decl.name +
                          "(net, lr: 0.01)");
    for (auto &a : call.args) check(*a.value, scope);
    return nullptr;
  }
  Type model = check(*call.args[0].value, scope);
  if (model.isError()) {
    checkRest();
    return nullptr;
  }
  if (model.kind != Type::Model) {
    error(call.args[0].value->range, "the first argument of '" + decl.name + "' must be the model to optimize, but got " +
                                         model.str());
    checkRest();
    return nullptr;
  }
  std::vector<Expr *> ordered;
  if (!bindArguments(call, decl.params, decl.name, 1, ordered)) {
    checkRest();
    return nullptr;
  }
  bool ok = true;
  for (size_t i = 0; i < decl.params.size(); ++i) {
    if (!ordered[i]) {
      call.defaults.push_back(clone(*decl.params[i].defaultValue));
      ordered[i] = call.defaults.back().get();
      check(*ordered[i], *globalScope_);
      continue;
    }
    Type t = check(*ordered[i], scope);
    if (t.isError()) {
      ok = false;
      continue;
    }
    if (!t.isScalar() || t.tensor.dtype == DType::Bool) {
      error(ordered[i]->range, "'" + decl.params[i].name + "' of '" + decl.name + "' must be a number, but got " +
                                   t.str());
      ok = false;
    }
  }
  if (!ok) return nullptr;
  call.orderedArgs.assign(ordered.begin(), ordered.end());

  for (auto &o : program_.optimizers)
    if (o->decl == &decl && o->model == model.model) return o.get();

  auto owned = std::make_unique<OptimizerInstance>();
  OptimizerInstance *inst = owned.get();
  program_.optimizers.push_back(std::move(owned));
  inst->decl = &decl;
  inst->model = model.model;
  inst->display = decl.name + "(" + model.model->display + ")";

  Scope *optScope = newScope(globalScope_.get(), Scope::Model);
  inst->hyper = defineOptimizerHypers(decl, *optScope);
  Symbol *step = newSymbol(Symbol::StepCount, "t", decl.nameRange, Type::scalar(DType::I32, true));
  step->doc = "the step count: 1 on the first update";
  optScope->define(step);
  inst->step = step;

  const FnDecl *update = nullptr;
  for (auto &m : decl.methods)
    if (m->name == "update") update = m.get();
  if (!update || update->params.size() != 2) {
    error(decl.nameRange, "optimizer '" + decl.name + "' needs a method 'fn update(p, g)'");
    return inst;
  }
  for (auto &param : model.model->parameters()) {
    const Type &t = param.member->type;
    Scope *perType = newScope(optScope, Scope::Block);
    for (auto &state : decl.states) {
      if (perType->lookupHere(state.name)) {
        error(state.range, "state '" + state.name + "' is declared twice");
        continue;
      }
      Symbol *s = newSymbol(Symbol::State, state.name, state.range, t);
      s->isMutable = true;
      perType->define(s);
      if (inst->states.size() < decl.states.size()) inst->states.push_back(s);
    }
    FnInstance *u = instantiateFunction(*update, {t, t}, nullptr, inst, *perType, call.range);
    inst->updates.push_back(u);
  }
  return inst;
}

// An optimizer's hyper-parameters (`lr`, `beta1`, ...), defined in `scope` in
// declaration order: scalars of the declared type, f32 when none is declared.
std::vector<const Symbol *> Analyzer::defineOptimizerHypers(const OptimizerDecl &decl, Scope &scope) {
  std::vector<const Symbol *> hypers;
  for (size_t i = 0; i < decl.params.size(); ++i) {
    const Param &p = decl.params[i];
    DType d = p.declared && p.declared->name == "f64" ? DType::F64
              : p.declared && (p.declared->name == "int" || p.declared->name == "i32") ? DType::I32 : DType::F32;
    Symbol *s = newSymbol(Symbol::Hyper, p.name, p.range, Type::scalar(d, true));
    s->index = static_cast<int>(i);
    scope.define(s);
    hypers.push_back(s);
  }
  return hypers;
}

void Analyzer::unknownParamDimension(const DimExpr &d) {
  error(d.range, "unknown dimension '" + d.name + "': a parameter's shape must use constants or the "
                 "model's int hyper-parameters");
}

// What a model's declaration alone decides, for models no instance checks
// (their hyper-parameters have no defaults and nothing creates them): a
// parameter's shape may name only numbers, the model's hyper-parameters that
// can be ints, and integers of the global scope, whatever the hyper-parameters'
// values. (Everything else depends on those values and is checked per instance.)
// Every declaration is checked whether or not the program uses it: a
// function never called is checked with its untyped parameters unknown (an
// error type, which silences what depends on them); a model never created,
// with its hyper-parameters symbolic; a method never called, on one instance
// of its model. So a misspelt name, an unknown function, a wrong number of
// arguments or a type error that does not depend on the arguments is
// reported at the declaration.
void Analyzer::checkUncalledDeclarations(const Module &module, bool everything) {
  ++symbolic_;
  for (auto &fn : module.functions) {
    bool typed = true;
    for (auto &p : fn->params) typed = typed && p.declared.has_value();
    bool instantiated = false;
    for (auto &f : program_.functions) instantiated = instantiated || f->decl == fn.get();
    if (!instantiated && (typed || everything))
      instantiateFunction(*fn, std::vector<Type>(fn->params.size()), nullptr, nullptr, *globalScope_, SourceRange());
  }
  for (auto &model : module.models) {
    bool defaults = true;
    for (auto &p : model->params) defaults = defaults && p.defaultValue != nullptr;
    bool instantiated = false;
    for (auto &m : program_.models) instantiated = instantiated || m->decl == model.get();
    if (!instantiated && (defaults || everything)) {
      CallExpr call(SourceRange{});
      call.callee = std::make_unique<NameExpr>(model->nameRange);
      instantiateModel(*model, call, *globalScope_);
    }
    const ModelInstance *instance = nullptr;
    for (auto &m : program_.models)
      if (m->decl == model.get() && !instance) instance = m.get();
    if (!instance || !everything) continue;
    Scope *scope = modelScope(instance);
    for (auto &member : model->members) {
      if (member.kind != MemberKind::Method || !member.method) continue;
      bool called = false;
      for (auto &f : program_.functions) called = called || f->decl == member.method.get();
      if (!called)
        instantiateFunction(*member.method, std::vector<Type>(member.method->params.size()), instance, nullptr,
                            *scope, SourceRange());
    }
  }
  if (everything)
    for (auto &opt : module.optimizers) {
      bool instantiated = false;
      for (auto &o : program_.optimizers) instantiated = instantiated || o->decl == opt.get();
      if (!instantiated) checkOptimizerDeclaration(*opt);
    }
  --symbolic_;
}

// An optimizer never created: its update rule is checked with the parameter,
// its gradient and its states unknown (error types), its settings of their
// declared types. The instance exists only for this check.
void Analyzer::checkOptimizerDeclaration(const OptimizerDecl &decl) {
  OptimizerInstance inst;
  inst.decl = &decl;
  inst.display = decl.name + "(?)";
  Scope *optScope = newScope(globalScope_.get(), Scope::Model);
  defineOptimizerHypers(decl, *optScope);
  Symbol *step = newSymbol(Symbol::StepCount, "t", decl.nameRange, Type::scalar(DType::I32, true));
  optScope->define(step);
  const FnDecl *update = nullptr;
  for (auto &m : decl.methods)
    if (m->name == "update") update = m.get();
  if (!update || update->params.size() != 2) {
    error(decl.nameRange, "optimizer '" + decl.name + "' needs a method 'fn update(p, g)'");
    return;
  }
  Scope *states = newScope(optScope, Scope::Block);
  for (auto &state : decl.states) {
    if (states->lookupHere(state.name)) {
      error(state.range, "state '" + state.name + "' is declared twice");
      continue;
    }
    Symbol *s = newSymbol(Symbol::State, state.name, state.range, Type::error());
    s->isMutable = true;
    states->define(s);
  }
  instantiateFunction(*update, {Type::error(), Type::error()}, nullptr, &inst, *states, SourceRange());
  auto &fns = program_.functions;
  fns.erase(std::remove_if(fns.begin(), fns.end(), [&](auto &f) { return f->optimizer == &inst; }), fns.end());
}

}  // namespace dlc::sema
