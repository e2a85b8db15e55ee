// Lowering for `dlc --emit=lib` (ir/Library.h): one model created at the top
// level (`let net = Mlp(64)`) and its `forward`, on its own. The rest of the
// program (training, printing) is not part of the library. The parameters
// are declared but not initialised: the library's caller loads them.
#include "lower/Lowerer.h"

namespace dlc::lower {

using ir::OpKind;

namespace {

struct Candidate {
  std::string name;
  const sema::ModelInstance *model;
  SourceRange range;
};

// `let net = Model(...)` at the top level of the main file.
std::vector<Candidate> topLevelModels(const sema::Program &program) {
  std::vector<Candidate> found;
  for (auto &stmt : program.main->statements) {
    if (stmt->kind != ast::StmtKind::Let) continue;
    auto &let = static_cast<const ast::LetStmt &>(*stmt);
    if (let.names.size() != 1 || !let.init || let.init->kind != ast::ExprKind::Call) continue;
    auto &call = static_cast<const ast::CallExpr &>(*let.init);
    if (call.callKind == ast::CallKind::ModelConstruct && call.model)
      found.push_back(Candidate{let.names[0].name, call.model, let.range});
  }
  return found;
}

const sema::FnInstance *forwardOf(const sema::Program &program, const sema::ModelInstance &model) {
  auto symbol = model.memberSymbols.find("forward");
  if (symbol == model.memberSymbols.end() || symbol->second->kind != sema::Symbol::Method) return nullptr;
  for (auto &fn : program.functions)
    if (fn->model == &model && fn->decl == symbol->second->fn && fn->argKey.empty() && !fn->failed) return fn.get();
  return nullptr;
}

// What a forward pass in a library may not do, or empty. An allow-list, so
// that an op added later (a picture, a checkpoint) is refused until someone
// decides it belongs in a library.
std::string forbidden(const ir::Op &op, const ir::Module &module) {
  switch (ir::category(op.kind)) {
  case ir::Category::Constant:
  case ir::Category::Unary:
  case ir::Category::Binary:
  case ir::Category::Ternary:
  case ir::Category::Reduce:
  case ir::Category::Contraction:
  case ir::Category::Movement:
  case ir::Category::Creation:
  case ir::Category::Control:
  case ir::Category::Kernel:
    return "";
  case ir::Category::Storage:
    if (op.kind == OpKind::Store) {
      const ir::Storage *s = module.findStorage(op.attrs.name);
      if (s && s->kind == ir::Storage::Param) return "assign a parameter";
    }
    return "";
  case ir::Category::Host:
    if (op.kind == OpKind::SizeOf || op.kind == OpKind::Check) return "";
    if (op.kind == OpKind::Print) return "print";
    if (op.kind == OpKind::Seed) return "seed the generator";
    break;
  case ir::Category::Random: return "draw random numbers";
  case ir::Category::Data: return "read or write files";
  case ir::Category::Derivative: return "take gradients";
  default: break;
  }
  return std::string("use '") + ir::spelling(op.kind) + "'";
}

}  // namespace

ModelObject *Lowerer::declareModel(const sema::ModelInstance &instance, const std::string &prefix) {
  models_.push_back(std::make_unique<ModelObject>());
  ModelObject *object = models_.back().get();
  object->instance = &instance;
  object->prefix = prefix;
  for (auto &member : instance.members) {
    if (member.decl->kind == ast::MemberKind::Layer) {
      if (member.layer) object->layers[member.decl->name] = declareModel(*member.layer, prefix + "." + member.decl->name);
    } else if (member.type.isTensor()) {
      addStorage(prefix + "." + member.decl->name, ir::Storage::Param, member.type.tensor);
    }
  }
  return object;
}

void Lowerer::checkLibraryOps(const ir::Region &region, const std::string &binding) {
  for (auto &op : region.ops) {
    if (std::string what = forbidden(*op, *module_); !what.empty()) {
      diags_.error(SourceRange(op->loc), "the forward pass of '" + binding + "' cannot " + what +
                                             " in a library (--emit=lib)");
      failed_ = true;
      return;
    }
    for (auto &inner : op->regions) checkLibraryOps(*inner, binding);
  }
}

std::unique_ptr<ir::Module> Lowerer::runLibrary(const std::string &wanted, ir::LibraryInterface &lib) {
  std::vector<Candidate> models = topLevelModels(program_);
  const Candidate *chosen = nullptr;
  std::string names;
  for (auto &c : models) {
    names += (names.empty() ? "'" : ", '") + c.name + "'";
    if (c.name == wanted) chosen = &c;
  }
  auto fail = [&](const std::string &message) -> std::unique_ptr<ir::Module> {
    diags_.report(Severity::Error, SourceLoc{}, SourceRange{}, message);
    return nullptr;
  };
  if (models.empty())
    return fail("--emit=lib needs a model created at the top level of the program, such as "
                "'let net = Mlp(64)'; this program creates none");
  if (!wanted.empty() && !chosen)
    return fail("--lib-model=" + wanted + ": the program creates no model named '" + wanted + "' at the top level (" +
                (models.size() == 1 ? "it creates " : "it creates these: ") + names + ")");
  if (!chosen && models.size() > 1)
    return fail("the program creates several models (" + names + "); choose one with --lib-model=NAME");
  if (!chosen) chosen = &models[0];

  const sema::ModelInstance &model = *chosen->model;
  const sema::FnInstance *forward = forwardOf(program_, model);
  auto failAt = [&](SourceRange range, const std::string &message) -> std::unique_ptr<ir::Module> {
    diags_.error(range, message);
    return nullptr;
  };
  if (!forward)
    return failAt(model.decl->nameRange, "model '" + model.decl->name + "' needs a 'forward' method whose "
                                         "parameter has a declared type, such as 'fn forward(x: f32[N, 4])', "
                                         "to be put in a library (--emit=lib)");
  SourceRange signature = forward->decl->nameRange;
  if (forward->paramTypes.size() != 1 || !forward->paramTypes[0].isTensor())
    return failAt(signature, "the forward method of a library's model takes one tensor (the batch)");
  const TensorType &param = forward->paramTypes[0].tensor;
  bool batched = param.rank() >= 1 && !param.dims[0].isStatic() && param.dims[0].symbol->kind == DimSymbol::Variable;
  for (size_t d = 1; d < param.rank(); ++d) batched = batched && param.dims[d].isStatic();
  if (!batched)
    return failAt(signature, "the forward method of a library's model needs an input whose first dimension is the "
                             "batch, named, and whose other sizes are fixed, such as 'x: f32[N, 4]'; it takes " +
                                 param.str());
  if (!forward->result.isTensor())
    return failAt(signature, "the forward method of a library's model must return a tensor");

  module_ = std::make_unique<ir::Module>();
  module_->sources = &sources_;
  regions_.push_back(&module_->main());
  loadCache_.emplace_back();
  ModelObject *object = declareModel(model, chosen->name);

  module_->dimSymbols.push_back(
      DimSymbol{"batch", DimSymbol::Runtime, static_cast<uint32_t>(program_.dimSymbols.size() + 1)});
  const DimSymbol *batch = &module_->dimSymbols.back();
  TensorType inputType = param;
  inputType.dims[0] = Dim::of(batch);
  lib.binding = chosen->name;
  lib.display = model.display;
  lib.input = addStorage("library.input", ir::Storage::Var, inputType);
  lib.inputType = inputType;
  for (auto &p : model.parameters()) {
    lib.paramStorages.push_back(chosen->name + "." + p.path);
    lib.paramNames.push_back(p.path);
    lib.paramTypes.push_back(p.member->type.tensor);
  }

  SourceLoc loc = chosen->range.begin;
  ir::Value *x = load(lib.input, loc);
  Binding result = inlineCall(*forward, {Binding{Binding::Value, x, "", nullptr, nullptr}}, object, loc);
  if (failed_) return nullptr;
  if (result.kind != Binding::Value || !result.value)
    return failAt(signature, "the forward method of a library's model must return a tensor");
  const TensorType &out = result.value->type;
  bool outBatched = out.rank() >= 1 && out.dims[0].symbol == batch;
  for (size_t d = 1; d < out.rank(); ++d) outBatched = outBatched && out.dims[d].isStatic();
  if (!outBatched)
    return failAt(signature, "the forward method of a library's model must return a tensor whose first dimension is "
                             "the batch and whose other sizes are fixed; it returns " +
                                 out.str());
  lib.output = addStorage("library.output", ir::Storage::Output, out);
  lib.outputType = out;
  store(lib.output, result.value, loc);
  checkLibraryOps(module_->main(), chosen->name);
  if (failed_) return nullptr;
  return std::move(module_);
}

std::unique_ptr<ir::Module> lowerLibrary(const sema::Program &program, const SourceManager &sources,
                                         DiagnosticEngine &diags, const std::string &model,
                                         ir::LibraryInterface &lib) {
  return Lowerer(program, sources, diags).runLibrary(model, lib);
}

}  // namespace dlc::lower
