// Calls: resolving the callee, binding arguments, and the type rule of each
// built-in function.
#include "sema/Analyzer.h"
#include "support/Spelling.h"

namespace dlc::sema {

using namespace ast;

bool Analyzer::bindArguments(CallExpr &call, const std::vector<Param> &params,
                             const std::string &calleeName, size_t implicitLeading,
                             std::vector<Expr *> &ordered) {
  ordered.assign(params.size(), nullptr);
  bool ok = true;
  size_t position = 0;
  bool sawNamed = false;
  for (size_t i = implicitLeading; i < call.args.size(); ++i) {
    Argument &arg = call.args[i];
    if (arg.name.empty()) {
      if (sawNamed) {
        error(arg.value->range, "positional argument after a named argument in call to '" + calleeName + "'");
        ok = false;
        continue;
      }
      if (position >= params.size()) {
        error(arg.value->range, "too many arguments in call to '" + calleeName + "': it takes " +
                                    std::to_string(params.size()) + ", got " +
                                    std::to_string(call.args.size() - implicitLeading));
        return false;
      }
      ordered[position++] = arg.value.get();
      continue;
    }
    sawNamed = true;
    size_t index = params.size();
    for (size_t p = 0; p < params.size(); ++p)
      if (params[p].name == arg.name) index = p;
    if (index == params.size()) {
      std::vector<std::string> names;
      for (auto &p : params) names.push_back(p.name);
      std::string hint = closestName(arg.name, names);
      error(arg.nameRange, "'" + calleeName + "' has no parameter named '" + arg.name + "'" +
                               (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      ok = false;
      continue;
    }
    if (ordered[index]) {
      error(arg.nameRange, "argument '" + arg.name + "' is given twice in call to '" + calleeName + "'");
      ok = false;
      continue;
    }
    ordered[index] = arg.value.get();
  }
  for (size_t p = 0; p < params.size(); ++p)
    if (!ordered[p] && !params[p].defaultValue) {
      SourceRange at = call.closeParen.isValid() ? call.closeParen : call.range;
      Diagnostic &d = error(at, "missing argument '" + params[p].name + "' in call to '" + calleeName + "'");
      DiagnosticEngine::note(d, params[p].range, "'" + params[p].name + "' is declared here");
      ok = false;
    }
  return ok;
}

namespace {

bool isCallable(const Symbol &s) {
  switch (s.kind) {
  case Symbol::Function:
  case Symbol::Model:
  case Symbol::Optimizer:
  case Symbol::Method:
  case Symbol::Builtin: return true;
  default: return s.type.kind == Type::Model;
  }
}

// The element type a declared parameter asks its argument's literals to take.
Type dtypeHint(const Param &p) {
  if (!p.declared) return Type::error();
  const std::string &n = p.declared->name;
  if (n == "f64") return Type::scalar(DType::F64);
  if (n == "f32") return Type::scalar(DType::F32);
  if (n == "i32" || n == "int") return Type::scalar(DType::I32);
  return Type::error();
}

}  // namespace

Type Analyzer::checkCall(CallExpr &call, Scope &scope, Expectation expect) {
  // Checks each argument in turn, with the parameter's element type as a hint.
  std::vector<std::optional<int64_t>> constArgs;
  auto checkArgs = [&](const std::vector<Param> *params, const std::vector<Expr *> &ordered,
                       std::vector<Type> &types, Scope &declScope) {
    bool ok = true;
    constArgs.clear();
    for (size_t i = 0; i < ordered.size(); ++i) {
      Type hint = params ? dtypeHint((*params)[i]) : Type::error();
      Expectation e{hint.isError() ? nullptr : &hint, false};
      if (ordered[i]) {
        types.push_back(check(*ordered[i], scope, e));
        constArgs.push_back(ordered[i]->constInt);
      } else {
        auto fallback = clone(*(*params)[i].defaultValue);
        types.push_back(check(*fallback, declScope, e));
        constArgs.push_back(fallback->constInt);
        call.defaults.push_back(std::move(fallback));
        const_cast<std::vector<Expr *> &>(ordered)[i] = call.defaults.back().get();
      }
      ok = ok && !types.back().isError();
    }
    return ok;
  };
  auto checkAllArgs = [&] {
    for (auto &a : call.args) check(*a.value, scope);
  };
  auto callMethod = [&](const ModelInstance *model, const Symbol &method) -> Type {
    const FnDecl &decl = *method.fn;
    std::vector<Expr *> ordered;
    std::string name = model->decl->name + "." + decl.name;
    if (!bindArguments(call, decl.params, name, 0, ordered)) {
      checkAllArgs();
      return Type::error();
    }
    std::vector<Type> types;
    Scope *declScope = modelScope(model);
    if (!checkArgs(&decl.params, ordered, types, *declScope)) return Type::error();
    FnInstance *fn = instantiateFunction(decl, types, model, nullptr, *declScope, call.range, constArgs);
    if (!fn) return Type::error();
    call.callKind = CallKind::ModelCall;
    call.model = model;
    call.function = fn;
    call.orderedArgs.assign(ordered.begin(), ordered.end());
    return callFunction(fn, types, call, ordered);
  };
  auto callForward = [&](const Type &modelType, SourceRange at) -> Type {
    const ModelInstance *model = modelType.model;
    auto it = model->memberSymbols.find("forward");
    if (it == model->memberSymbols.end() || it->second->kind != Symbol::Method) {
      error(at, "model '" + model->decl->name + "' has no 'fn forward', so it cannot be called");
      checkAllArgs();
      return Type::error();
    }
    return callMethod(model, *it->second);
  };

  if (call.callee->kind == ExprKind::Member) {
    auto &member = static_cast<MemberExpr &>(*call.callee);
    Type base = check(*member.base, scope);
    if (base.isError()) {
      checkAllArgs();
      return base;
    }
    if (base.kind == Type::Series) return checkSeriesAdd(call, member, scope);
    if (base.kind == Type::Optimizer) {
      if (member.member != "minimize") {
        error(member.memberRange, "an optimizer has one method, 'minimize', not '" + member.member + "'");
        checkAllArgs();
        return Type::error();
      }
      if (call.args.size() != 1 || !call.args[0].name.empty()) {
        error(call.range, "'minimize' takes one argument: the loss to minimize");
        checkAllArgs();
        return Type::error();
      }
      Type loss = check(*call.args[0].value, scope);
      if (loss.isError()) return loss;
      if (!loss.isFloatTensor() || !loss.isScalar()) {
        error(call.args[0].value->range, "'minimize' needs a scalar float loss, but got " + loss.str() +
                                             (loss.isTensor() ? "; reduce it with mean() or sum()" : ""));
        return Type::error();
      }
      call.callKind = CallKind::Minimize;
      call.optimizer = base.optimizer;
      call.orderedArgs = {call.args[0].value.get()};
      return Type::voidType();
    }
    if (base.kind == Type::Model) {
      auto it = base.model->memberSymbols.find(member.member);
      if (it == base.model->memberSymbols.end()) {
        member.type = checkMember(member, scope);  // reports the unknown member
        checkAllArgs();
        return Type::error();
      }
      member.symbol = it->second;
      if (it->second->kind == Symbol::Method) return callMethod(base.model, *it->second);
      if (it->second->kind == Symbol::Layer) return callForward(it->second->type, member.memberRange);
      error(member.memberRange, "'" + member.member + "' is a " + kindName(it->second->kind) + " of type " +
                                    it->second->type.str() + ", not a function");
      checkAllArgs();
      return Type::error();
    }
    error(member.memberRange, "'" + member.member + "' is not a method of " + base.str());
    checkAllArgs();
    return Type::error();
  }

  if (call.callee->kind != ExprKind::Name) {
    Type t = check(*call.callee, scope);
    if (t.kind == Type::Model) return callForward(t, call.callee->range);
    if (!t.isError()) error(call.callee->range, "this expression (" + t.str() + ") cannot be called");
    checkAllArgs();
    return Type::error();
  }

  auto &name = static_cast<NameExpr &>(*call.callee);
  if (name.name.empty()) {
    checkAllArgs();
    return Type::error();
  }
  Symbol *symbol = scope.lookup(name.name);
  // A parameter named like a function (`seed` in moons(n, seed: 0)) does not
  // hide the function when called.
  if (symbol && !isCallable(*symbol))
    if (Symbol *global = globalScope_->lookupHere(name.name); global && isCallable(*global)) symbol = global;
  if (!symbol) {
    undefinedName(name.name, name.range, scope);
    checkAllArgs();
    return Type::error();
  }
  name.symbol = symbol;
  name.type = symbol->type;

  switch (symbol->kind) {
  case Symbol::Builtin: {
    call.callKind = CallKind::Builtin;
    call.builtin = symbol->builtin;
    return checkBuiltin(static_cast<BuiltinId>(symbol->builtin), call, scope, expect);
  }
  case Symbol::Function: {
    const FnDecl &decl = *symbol->fn;
    std::vector<Expr *> ordered;
    if (!bindArguments(call, decl.params, decl.name, 0, ordered)) {
      checkAllArgs();
      return Type::error();
    }
    std::vector<Type> types;
    Scope &declScope = *declScopes_.at(&decl);
    if (!checkArgs(&decl.params, ordered, types, declScope)) return Type::error();
    FnInstance *fn = instantiateFunction(decl, types, nullptr, nullptr, declScope, call.range, constArgs);
    if (!fn) return Type::error();
    call.callKind = CallKind::Function;
    call.function = fn;
    call.orderedArgs.assign(ordered.begin(), ordered.end());
    return callFunction(fn, types, call, ordered);
  }
  case Symbol::Method:
    return callMethod(symbol->owner, *symbol);
  case Symbol::Model: {
    ModelInstance *model = instantiateModel(*symbol->model, call, scope);
    if (!model) return Type::error();
    call.callKind = CallKind::ModelConstruct;
    call.model = model;
    Type t;
    t.kind = Type::Model;
    t.model = model;
    t.name = model->display;
    return t;
  }
  case Symbol::Optimizer: {
    OptimizerInstance *opt = instantiateOptimizer(*symbol->optimizer, call, scope);
    if (!opt) return Type::error();
    call.callKind = CallKind::OptimizerConstruct;
    call.optimizer = opt;
    call.model = opt->model;
    Type t;
    t.kind = Type::Optimizer;
    t.model = opt->model;
    t.optimizer = opt;
    t.name = opt->display;
    return t;
  }
  default:
    if (symbol->type.kind == Type::Model) return callForward(symbol->type, name.range);
    if (!symbol->type.isError())
      error(name.range, "'" + name.name + "' is a " + kindName(symbol->kind) + " of type " +
                            symbol->type.str() + ", not a function");
    checkAllArgs();
    return Type::error();
  }
}

}  // namespace dlc::sema
