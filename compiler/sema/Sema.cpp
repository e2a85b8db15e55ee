// Sema's entry point: declares the globals, checks the main program, then
// checks the declarations no call reached.
#include "sema/Analyzer.h"
#include "support/Spelling.h"

namespace dlc::sema {

const char *kindName(Symbol::Kind kind) {
  switch (kind) {
  case Symbol::Local: return "variable";
  case Symbol::Parameter: return "parameter";
  case Symbol::Hyper: return "hyper-parameter";
  case Symbol::ModelParam: return "model parameter";
  case Symbol::Layer: return "layer";
  case Symbol::State: return "optimizer state";
  case Symbol::StepCount: return "step count";
  case Symbol::Function: return "function";
  case Symbol::Model: return "model";
  case Symbol::Optimizer: return "optimizer";
  case Symbol::Method: return "method";
  case Symbol::Builtin: return "built-in function";
  case Symbol::Constant: return "constant";
  }
  return "name";
}

std::vector<ModelInstance::ParameterRef> ModelInstance::parameters() const {
  std::vector<ParameterRef> out;
  for (auto &m : members) {
    if (m.decl->kind == ast::MemberKind::Param) {
      out.push_back({m.decl->name, &m});
    } else if (m.layer) {
      for (auto &inner : m.layer->parameters())
        out.push_back({m.decl->name + "." + inner.path, inner.member});
    }
  }
  return out;
}

Analyzer::Analyzer(Program &program, DiagnosticEngine &diags) : program_(program), diags_(diags) {}

Symbol *Analyzer::newSymbol(Symbol::Kind kind, std::string name, SourceRange range, Type type) {
  auto s = std::make_unique<Symbol>();
  s->kind = kind;
  s->name = std::move(name);
  s->range = range;
  s->type = std::move(type);
  program_.symbols.push_back(std::move(s));
  return program_.symbols.back().get();
}

const DimSymbol *Analyzer::newDim(const std::string &name, DimSymbol::Kind kind) {
  program_.dimSymbols.push_back(
      DimSymbol{name, kind, static_cast<uint32_t>(program_.dimSymbols.size())});
  return &program_.dimSymbols.back();
}

Dim Analyzer::dimOf(ast::Expr &e, const std::string &fallbackName) {
  if (e.constInt) return Dim::fixed(*e.constInt);
  if (e.kind == ast::ExprKind::Name) {
    auto &name = static_cast<ast::NameExpr &>(e);
    if (name.symbol) {
      if (name.symbol->dimValue) return *name.symbol->dimValue;
      auto it = runtimeDims_.find(name.symbol);
      if (it != runtimeDims_.end()) return it->second;
      Dim d = freshRuntimeDim(name.name);
      runtimeDims_[name.symbol] = d;
      return d;
    }
  }
  if (e.kind == ast::ExprKind::Call) {
    auto &call = static_cast<ast::CallExpr &>(e);
    if (call.builtin == static_cast<int>(BuiltinId::Size) && call.args.size() == 2) {
      const Type &t = call.args[0].value->type;
      auto axis = call.args[1].value->constInt;
      size_t index;
      if (t.isTensor() && axis && shapes::normalizeAxis(*axis, t.tensor.rank(), &index))
        return t.tensor.dims[index];
    }
    if (call.builtin == static_cast<int>(BuiltinId::Len) && call.args.size() == 1) {
      const Type &t = call.args[0].value->type;
      if ((t.kind == Type::Dataset || t.isTensor()) && t.tensor.rank() >= 1) return t.tensor.dims[0];
    }
  }
  return freshRuntimeDim(fallbackName);
}

Diagnostic &Analyzer::error(SourceRange range, std::string message) {
  return error(range.begin, range, std::move(message));
}

Diagnostic &Analyzer::error(SourceLoc caret, SourceRange range, std::string message) {
  Diagnostic &d = diags_.error(caret, range, std::move(message));
  if (!instantiationStack_.empty() && d.notes.empty()) {
    auto &[site, what] = instantiationStack_.back();
    if (site.isValid()) DiagnosticEngine::note(d, site, what);
  }
  return d;
}

void Analyzer::undefinedName(const std::string &name, SourceRange range, Scope &scope) {
  std::vector<std::string> names;
  scope.collectNames(names);
  std::string suggestion = closestName(name, names);
  std::string message = "use of undeclared name '" + name + "'";
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  Diagnostic &d = error(range, message);
  if (!isMainProgram() && mainScope_) {
    if (Symbol *top = mainScope_->lookupHere(name))
      DiagnosticEngine::note(d, top->range,
                             "'" + name + "' is a binding of the main program, which functions "
                             "cannot see; pass it as a parameter");
  }
}

void Analyzer::run(const std::vector<ast::Module *> &modules, ast::Module &main) {
  main_ = &main;
  program_.main = &main;
  globalScope_ = std::make_unique<Scope>(nullptr, Scope::Global);

  for (auto &info : builtins()) {
    Symbol *s = newSymbol(Symbol::Builtin, info.name, SourceRange(), Type::callable(info.name));
    s->builtin = static_cast<int>(info.id);
    s->doc = info.doc;
    globalScope_->define(s);
    program_.globals.push_back(s);
  }
  Symbol *last = newSymbol(Symbol::Constant, "last", SourceRange(), Type::scalar(DType::I32));
  last->constInt = -1;
  last->doc = "the last column (for load_csv's label:)";
  globalScope_->define(last);
  program_.globals.push_back(last);

  auto declare = [&](Symbol *s) {
    if (Symbol *previous = globalScope_->lookupHere(s->name)) {
      Diagnostic &d = error(s->range, previous->kind == Symbol::Builtin
                                          ? "'" + s->name + "' is a built-in function and cannot be redefined"
                                          : "redefinition of '" + s->name + "'");
      if (previous->range.isValid())
        DiagnosticEngine::note(d, previous->range, "'" + s->name + "' was first declared here");
      return;
    }
    globalScope_->define(s);
    program_.globals.push_back(s);
  };

  // A parameter with a default cannot come before one without: a call could
  // not leave the first out and give the second by position.
  auto checkParamOrder = [&](const std::vector<ast::Param> &params, const std::string &owner) {
    const ast::Param *defaulted = nullptr;
    for (auto &p : params) {
      if (p.defaultValue) {
        defaulted = &p;
      } else if (defaulted) {
        Diagnostic &d = error(p.range, "parameter '" + p.name + "' of '" + owner + "' needs a default value, as it "
                                           "follows '" + defaulted->name + "', which has one");
        DiagnosticEngine::note(d, defaulted->range, "'" + defaulted->name + "' has a default here");
        return;
      }
    }
  };
  for (ast::Module *m : modules) {
    for (auto &fn : m->functions) checkParamOrder(fn->params, fn->name);
    for (auto &model : m->models) {
      checkParamOrder(model->params, model->name);
      for (auto &member : model->members)
        if (member.kind == ast::MemberKind::Method && member.method)
          checkParamOrder(member.method->params, model->name + "." + member.method->name);
    }
    for (auto &opt : m->optimizers) checkParamOrder(opt->params, opt->name);
  }

  for (ast::Module *m : modules) {
    program_.modules.push_back(m);
    for (auto &fn : m->functions) {
      Symbol *s = newSymbol(Symbol::Function, fn->name, fn->nameRange, Type::callable(fn->name));
      s->fn = fn.get();
      s->doc = fn->doc;
      declare(s);
      declScopes_[fn.get()] = globalScope_.get();
    }
    for (auto &model : m->models) {
      Symbol *s = newSymbol(Symbol::Model, model->name, model->nameRange, Type::callable(model->name));
      s->model = model.get();
      s->doc = model->doc;
      declare(s);
    }
    for (auto &opt : m->optimizers) {
      Symbol *s = newSymbol(Symbol::Optimizer, opt->name, opt->nameRange, Type::callable(opt->name));
      s->optimizer = opt.get();
      s->doc = opt->doc;
      declare(s);
    }
    if (m != &main)
      for (auto &stmt : m->statements)
        error(stmt->range, "a file brought in with 'use' may only contain declarations");
  }

  mainScope_ = std::make_unique<Scope>(globalScope_.get(), Scope::Main);
  for (auto &stmt : main.statements) checkStmt(*stmt, *mainScope_);

  for (ast::Module *m : modules) checkUncalledDeclarations(*m, false);
  const size_t functions = program_.functions.size(), models = program_.models.size();
  for (ast::Module *m : modules) checkUncalledDeclarations(*m, true);
  auto setAside = [](auto &from, size_t keep, auto &to) {
    for (size_t i = keep; i < from.size(); ++i) to.push_back(std::move(from[i]));
    from.resize(keep);
  };
  setAside(program_.functions, functions, program_.checkedFunctions);
  setAside(program_.models, models, program_.checkedModels);
}

std::unique_ptr<Program> analyze(const std::vector<ast::Module *> &modules, ast::Module &main,
                                 DiagnosticEngine &diags) {
  auto program = std::make_unique<Program>();
  Analyzer analyzer(*program, diags);
  analyzer.run(modules, main);
  return program;
}

}  // namespace dlc::sema
