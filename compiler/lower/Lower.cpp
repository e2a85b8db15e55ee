// Lowering of statements, storage, model and optimizer objects, and the
// inlining of function calls. See Lower.h for the scheme.
#include "lower/Lowerer.h"

namespace dlc::lower {

using namespace ast;
using ir::OpKind;

Lowerer::Lowerer(const sema::Program &program, const SourceManager &sources, DiagnosticEngine &diags)
    : program_(program), sources_(sources), diags_(diags) {}

void Lowerer::unsupported(SourceRange range, const std::string &what) {
  diags_.error(range, what + " is not supported by code generation yet");
  failed_ = true;
}

std::string Lowerer::addStorage(std::string name, ir::Storage::Kind kind, const TensorType &type) {
  if (module_->findStorage(name)) name += "." + std::to_string(++counter_);
  module_->storages.push_back(ir::Storage{name, kind, type});
  return name;
}

ir::Value *Lowerer::load(const std::string &storage, SourceLoc loc) {
  auto &cache = loadCache_.back();
  auto it = cache.find(storage);
  if (it != cache.end()) return it->second;
  const ir::Storage *s = module_->findStorage(storage);
  ir::Attrs attrs;
  attrs.name = storage;
  ir::Value *v = emit(OpKind::Load, {}, s ? s->type : TensorType{}, loc, attrs);
  cache[storage] = v;
  return v;
}

void Lowerer::store(const std::string &storage, ir::Value *value, SourceLoc loc) {
  ir::Attrs attrs;
  attrs.name = storage;
  ir::Op *op = module_->append(region(), OpKind::Store, {value}, std::nullopt, loc);
  op->attrs = attrs;
  loadCache_.back()[storage] = value;
}

std::unique_ptr<ir::Module> Lowerer::run() {
  module_ = std::make_unique<ir::Module>();
  module_->sources = &sources_;
  regions_.push_back(&module_->main());
  loadCache_.emplace_back();
  for (auto &stmt : program_.main->statements) lowerStmt(*stmt);
  if (failed_) return nullptr;
  return std::move(module_);
}

void Lowerer::forgetStoresIn(const ir::Op &op) {
  for (auto &r : op.regions)
    for (auto &inner : r->ops) {
      if (inner->kind == OpKind::Store) loadCache_.back().erase(inner->attrs.name);
      forgetStoresIn(*inner);
    }
}

void Lowerer::lowerBlock(const Block &block) {
  for (auto &s : block.stmts) lowerStmt(*s);
}

namespace {
// Whether a `return` can only come last: at the end of the body, or at the
// ends of both branches of a final if.
bool returnsOnlyAtEnd(const Block &block);
bool returnsOnlyAtEnd(const Stmt &s, bool last) {
  switch (s.kind) {
  case StmtKind::Return: return last;
  case StmtKind::Block: {
    auto &b = static_cast<const BlockStmt &>(s).block;
    for (size_t i = 0; i < b.stmts.size(); ++i)
      if (!returnsOnlyAtEnd(*b.stmts[i], last && i + 1 == b.stmts.size())) return false;
    return true;
  }
  case StmtKind::If: {
    auto &i = static_cast<const IfStmt &>(s);
    bool ok = true;
    for (auto &t : i.then.stmts) ok = ok && returnsOnlyAtEnd(*t, last && &t == &i.then.stmts.back());
    if (i.otherwise) ok = ok && returnsOnlyAtEnd(*i.otherwise, last);
    return ok;
  }
  case StmtKind::For: {
    auto &f = static_cast<const ForStmt &>(s);
    for (auto &t : f.body.stmts)
      if (!returnsOnlyAtEnd(*t, false)) return false;
    return true;
  }
  default: return true;
  }
}
bool returnsOnlyAtEnd(const Block &block) {
  for (size_t i = 0; i < block.stmts.size(); ++i)
    if (!returnsOnlyAtEnd(*block.stmts[i], i + 1 == block.stmts.size())) return false;
  return true;
}
}  // namespace

void Lowerer::lowerStmt(const Stmt &stmt) {
  SourceLoc loc = stmt.range.begin;
  switch (stmt.kind) {
  case StmtKind::Let: {
    auto &let = static_cast<const LetStmt &>(stmt);
    if (let.names.size() != 1) {  // `let train, test = split(...)`: one name per element
      Binding b = lower(*let.init);
      if (b.kind != Binding::Tuple || b.elements.size() != let.names.size()) {
        if (!failed_) unsupported(let.init->range, "binding several names to this value");
        return;
      }
      if (let.isVar) {
        unsupported(let.range, "a 'var' binding several names");
        return;
      }
      for (size_t i = 0; i < let.names.size(); ++i) env_[let.names[i].symbol] = b.elements[i];
      return;
    }
    pendingName_ = let.names[0].name;
    Binding b = lower(*let.init);
    pendingName_.clear();
    if (let.isVar && b.kind == Binding::Value && b.value) {
      std::string name = addStorage("var." + let.names[0].name, ir::Storage::Var, b.value->type);
      store(name, b.value, loc);
      b = Binding{Binding::Storage, nullptr, name, nullptr, nullptr};
    } else if (let.isVar && b.kind != Binding::Value) {
      unsupported(let.range, "a 'var' holding a model, an optimizer or a data set");
      return;
    }
    if (b.kind == Binding::Value && b.value && let.names[0].symbol && let.names[0].symbol->type.isTensor()) {
      DType want = let.names[0].symbol->type.tensor.dtype;
      if (b.value->type.dtype != want) b.value = cast(b.value, want, loc);
      // A literal bound with a declared f32 type is an f32 from here on.
      if (!let.names[0].symbol->type.weak && weakConstants_.count(b.value) && b.value->type.dtype == DType::F32) {
        std::vector<double> data = b.value->def->attrs.data;
        for (auto &d : data) d = static_cast<double>(static_cast<float>(d));
        b.value = constant(b.value->type, data, loc);
      }
    }
    env_[let.names[0].symbol] = b;
    return;
  }
  case StmtKind::Assign:
    assign(static_cast<const AssignStmt &>(stmt));
    return;
  case StmtKind::Expr:
    lower(*static_cast<const ExprStmt &>(stmt).expr);
    return;
  case StmtKind::For: {
    auto &loop = static_cast<const ForStmt &>(stmt);
    if (!loop.rangeEnd) {
      lowerDataLoop(loop, lower(*loop.iterable));
      return;
    }
    ir::Value *lo = cast(value(*loop.iterable), DType::I32, loc);
    ir::Value *hi = cast(value(*loop.rangeEnd), DType::I32, loc);
    ir::Op *op = module_->append(region(), OpKind::For, {lo, hi}, std::nullopt, loc);
    ir::Region *body = module_->addRegion(*op);
    ir::Value *index = module_->newValue(TensorType{DType::I32, {}}, loop.vars[0].range.begin, body);
    body->args.push_back(index);
    env_[loop.vars[0].symbol] = Binding{Binding::Value, index, "", nullptr, nullptr};
    regions_.push_back(body);
    loadCache_.emplace_back();
    lowerBlock(loop.body);
    loadCache_.pop_back();
    regions_.pop_back();
    forgetStoresIn(*op);
    return;
  }
  case StmtKind::If: {
    auto &branch = static_cast<const IfStmt &>(stmt);
    ir::Value *cond = value(*branch.cond);
    ir::Op *op = module_->append(region(), OpKind::If, {cond}, std::nullopt, loc);
    ir::Region *then = module_->addRegion(*op);
    ir::Region *otherwise = module_->addRegion(*op);
    regions_.push_back(then);
    loadCache_.emplace_back();
    lowerBlock(branch.then);
    loadCache_.pop_back();
    regions_.back() = otherwise;
    loadCache_.emplace_back();
    if (branch.otherwise) lowerStmt(*branch.otherwise);
    loadCache_.pop_back();
    regions_.pop_back();
    forgetStoresIn(*op);
    return;
  }
  case StmtKind::Return: {
    auto &ret = static_cast<const ReturnStmt &>(stmt);
    if (returnSlots_.empty() || !ret.value) return;
    const ReturnSlot slot = returnSlots_.back();  // a copy: inlining the value may push more
    if (!slot.label.empty()) {  // a data set: x and y
      Binding b = lower(*ret.value);
      if (b.kind != Binding::Dataset || !b.value || !b.label) {
        unsupported(ret.value->range, "returning this value");
        return;
      }
      store(slot.value, b.value, loc);
      store(slot.label, b.label, loc);
      return;
    }
    if (slot.value.empty()) {
      lower(*ret.value);
      return;
    }
    ir::Value *v = value(*ret.value);
    const ir::Storage *storage = module_->findStorage(slot.value);
    if (storage && v->type.dtype != storage->type.dtype) v = cast(v, storage->type.dtype, loc);
    store(slot.value, v, loc);
    return;
  }
  case StmtKind::Block:
    lowerBlock(static_cast<const BlockStmt &>(stmt).block);
    return;
  }
}

void Lowerer::assign(const AssignStmt &stmt) {
  SourceLoc loc = stmt.opLoc;
  const Expr &target = *stmt.target;
  std::string storage;
  if (target.kind == ExprKind::Name) {
    auto it = env_.find(static_cast<const NameExpr &>(target).symbol);
    if (it != env_.end() && it->second.kind == Binding::Storage) storage = it->second.storage;
  } else if (target.kind == ExprKind::Member) {
    auto &member = static_cast<const MemberExpr &>(target);
    Binding base = lower(*member.base);
    if (base.kind == Binding::Model && member.symbol && member.symbol->kind == sema::Symbol::ModelParam)
      storage = base.model->prefix + "." + member.member;
  }
  if (storage.empty()) {
    unsupported(target.range, "assigning to this kind of target");
    return;
  }
  const ir::Storage *s = module_->findStorage(storage);
  ir::Value *v = value(*stmt.value);
  if (stmt.op != AssignOp::Set) {
    ir::Value *current = load(storage, loc);
    OpKind kind = stmt.op == AssignOp::Add ? OpKind::Add : stmt.op == AssignOp::Sub ? OpKind::Sub
                : stmt.op == AssignOp::Mul ? OpKind::Mul : OpKind::Div;
    DType d = current->type.dtype;
    v = emit(kind, {current, cast(v, d, loc)}, current->type, loc);
  }
  if (s && v->type.dtype != s->type.dtype) v = cast(v, s->type.dtype, loc);
  if (s && v->type.dims != s->type.dims && s->kind != ir::Storage::Var && s->kind != ir::Storage::Output) {
    // A scalar or broadcastable value stored whole: expand it first.
    v = emit(OpKind::BroadcastTo, {v}, s->type, loc);
  }
  store(storage, v, loc);
}

Binding Lowerer::inlineCall(const sema::FnInstance &fn, const std::vector<Binding> &args, ModelObject *self,
                            SourceLoc loc) {
  // Bind the instance's dimension variables to the actual sizes, so the
  // types inside show them.
  std::map<const DimSymbol *, Dim> subst;
  for (size_t i = 0; i < args.size() && i < fn.paramTypes.size(); ++i) {
    if (args[i].kind != Binding::Value || !args[i].value || !fn.paramTypes[i].isTensor()) continue;
    const TensorType &p = fn.paramTypes[i].tensor, &a = args[i].value->type;
    if (p.rank() != a.rank()) continue;
    for (size_t d = 0; d < p.rank(); ++d)
      if (p.dims[d].symbol && p.dims[d].symbol->kind == DimSymbol::Variable) subst[p.dims[d].symbol] = a.dims[d];
  }
  if (!substitutions_.empty())
    for (auto &[k, v] : substitutions_.back())
      if (!subst.count(k)) subst[k] = v;
  substitutions_.push_back(subst);
  auto savedEnv = env_;
  for (size_t i = 0; i < fn.params.size() && i < args.size(); ++i) env_[fn.params[i]] = args[i];
  if (self) self_.push_back(self);

  Binding result;
  const FnDecl &body = *fn.body;
  if (body.exprBody) {
    result = lower(*body.exprBody);
  } else if (body.body) {
    if (!returnsOnlyAtEnd(*body.body)) {
      unsupported(body.nameRange, "a 'return' before the end of a function");
    } else if (fn.result.isTensor()) {
      std::string slot = addStorage("return." + fn.displayName, ir::Storage::Var, substitute(fn.result.tensor));
      returnSlots_.push_back(ReturnSlot{slot, ""});
      lowerBlock(*body.body);
      returnSlots_.pop_back();
      result = Binding{Binding::Value, load(slot, loc), "", nullptr, nullptr};
    } else if (fn.result.kind == Type::Dataset) {
      ReturnSlot slot{addStorage("return." + fn.displayName + ".x", ir::Storage::Var, substitute(fn.result.tensor)),
                      addStorage("return." + fn.displayName + ".y", ir::Storage::Var, substitute(fn.result.label))};
      returnSlots_.push_back(slot);
      lowerBlock(*body.body);
      returnSlots_.pop_back();
      result.kind = Binding::Dataset;
      result.value = load(slot.value, loc);
      result.label = load(slot.label, loc);
    } else {
      returnSlots_.push_back(ReturnSlot{});
      lowerBlock(*body.body);
      returnSlots_.pop_back();
      if (fn.result.kind == Type::Model || fn.result.kind == Type::Optimizer)
        unsupported(body.nameRange, "a function returning a model or optimizer");
    }
  }
  if (result.kind == Binding::Value && result.value && fn.result.isTensor() &&
      result.value->type.dtype != fn.result.tensor.dtype)
    result.value = cast(result.value, fn.result.tensor.dtype, loc);

  if (self) self_.pop_back();
  env_ = savedEnv;
  substitutions_.pop_back();
  return result;
}

ModelObject *Lowerer::constructModel(const sema::ModelInstance &instance, const std::string &prefix,
                                     SourceLoc loc) {
  models_.push_back(std::make_unique<ModelObject>());
  ModelObject *object = models_.back().get();
  object->instance = &instance;
  object->prefix = prefix;
  self_.push_back(object);
  for (auto &member : instance.members) {
    if (member.decl->kind == MemberKind::Layer) {
      if (!member.layer) continue;
      object->layers[member.decl->name] = constructModel(*member.layer, prefix + "." + member.decl->name, loc);
      continue;
    }
    if (!member.type.isTensor()) continue;
    std::string name = addStorage(prefix + "." + member.decl->name, ir::Storage::Param, member.type.tensor);
    ir::Value *init;
    if (member.init) {
      init = value(*member.init);
      if (init->type.dtype != member.type.tensor.dtype) init = cast(init, member.type.tensor.dtype, loc);
      if (init->type.dims != member.type.tensor.dims)
        init = emit(OpKind::BroadcastTo, {init}, member.type.tensor, loc);
    } else {
      ir::Attrs zero;
      init = emit(OpKind::Fill, {}, member.type.tensor, loc, zero);
    }
    store(name, init, member.init ? member.init->range.begin : loc);
  }
  self_.pop_back();
  return object;
}

OptimizerObject *Lowerer::constructOptimizer(const CallExpr &call, ModelObject *model, const std::string &name) {
  const sema::OptimizerInstance &inst = *call.optimizer;
  optimizers_.push_back(std::make_unique<OptimizerObject>());
  OptimizerObject *opt = optimizers_.back().get();
  opt->instance = &inst;
  opt->model = model;
  opt->prefix = name.empty() ? "opt" : name;
  SourceLoc loc = call.range.begin;
  for (size_t i = 0; i < call.orderedArgs.size(); ++i) {
    ir::Value *v = value(*call.orderedArgs[i]);
    DType d = inst.hyper[i]->type.tensor.dtype;
    opt->hyper.push_back(v->type.dtype == d ? v : cast(v, d, loc));
  }
  opt->step = addStorage(opt->prefix + ".t", ir::Storage::State, TensorType{DType::I32, {}});
  store(opt->step, constant(TensorType{DType::I32, {}}, {0}, loc), loc);
  auto params = inst.model->parameters();
  for (auto &p : params)
    for (auto &state : inst.decl->states) {
      std::string storage =
          addStorage(opt->prefix + "." + state.name + "." + model->prefix + "." + p.path, ir::Storage::State,
                     p.member->type.tensor);
      store(storage, emit(OpKind::Fill, {}, p.member->type.tensor, loc), loc);
    }
  return opt;
}

void Lowerer::minimize(const CallExpr &call, OptimizerObject *opt) {
  SourceLoc loc = call.range.begin;
  const sema::OptimizerInstance &inst = *opt->instance;
  ir::Value *loss = value(*call.orderedArgs[0]);
  if (!batchLoops_.empty() && batchLoops_.back().first == &region()) batchLoops_.back().second = loss;
  ir::Value *one = constant(TensorType{DType::I32, {}}, {1}, loc);
  ir::Value *t = emit(OpKind::Add, {load(opt->step, loc), one}, TensorType{DType::I32, {}}, loc);
  store(opt->step, t, loc);

  auto params = inst.model->parameters();
  std::vector<ir::Value *> operands = {loss};
  std::vector<std::string> paramStorage;
  for (auto &p : params) {
    paramStorage.push_back(opt->model->prefix + "." + p.path);
    operands.push_back(load(paramStorage.back(), loc));
  }
  ir::Op *op = module_->append(region(), OpKind::Minimize, operands, std::nullopt, loc);
  for (size_t i = 0; i < params.size(); ++i) {
    ir::Region *r = module_->addRegion(*op);
    ir::Value *g = module_->newValue(operands[i + 1]->type, loc, r);
    r->args.push_back(g);
    const sema::FnInstance *update = i < inst.updates.size() ? inst.updates[i] : nullptr;
    if (!update) continue;
    regions_.push_back(r);
    loadCache_.emplace_back();
    auto savedEnv = env_;
    for (size_t h = 0; h < inst.hyper.size() && h < opt->hyper.size(); ++h)
      env_[inst.hyper[h]] = Binding{Binding::Value, opt->hyper[h], "", nullptr, nullptr};
    env_[inst.step] = Binding{Binding::Value, t, "", nullptr, nullptr};
    // The update instance's state symbols are found by name in its scope;
    // bind every state symbol of that name to this parameter's storage.
    for (auto &symbol : program_.symbols)
      if (symbol->kind == sema::Symbol::State)
        env_[symbol.get()] = Binding{Binding::Storage, nullptr,
                                     opt->prefix + "." + symbol->name + "." + paramStorage[i], nullptr, nullptr};
    std::vector<Binding> args = {Binding{Binding::Storage, nullptr, paramStorage[i], nullptr, nullptr},
                                 Binding{Binding::Value, g, "", nullptr, nullptr}};
    inlineCall(*update, args, nullptr, loc);
    env_ = savedEnv;
    loadCache_.pop_back();
    regions_.pop_back();
  }
  forgetStoresIn(*op);
}

std::unique_ptr<ir::Module> lowerProgram(const sema::Program &program, const SourceManager &sources,
                                         DiagnosticEngine &diags) {
  return Lowerer(program, sources, diags).run();
}

}  // namespace dlc::lower
