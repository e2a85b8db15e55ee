// The type rules of the picture built-ins (docs/language.md, "Pictures"):
// series(name), s.add(x, y), plot(path, s...) and plot_boundary(path, net, ds).
// plot_boundary calls the model's forward on its pixel grid, so the forward
// is instantiated here for f32[size * size, 2].
#include "sema/Analyzer.h"

namespace dlc::sema {

using namespace ast;

namespace {

bool isEmptyString(const Expr &e) {
  return e.kind == ExprKind::StringLiteral && static_cast<const StringLiteral &>(e).value.empty();
}

}  // namespace

bool Analyzer::checkPlotPath(const Expr &e, const std::string &callee) {
  if (e.type.kind != Type::String) {
    error(e.range, "'" + callee + "' needs a file path string as its first argument, but got " + e.type.str());
    return false;
  }
  if (isEmptyString(e)) {
    error(e.range, "the file name of '" + callee + "' is empty");
    return false;
  }
  return true;
}

Type Analyzer::checkPlot(BuiltinId id, CallExpr &call, const std::vector<Expr *> &args,
                         const std::map<std::string, Expr *> &named) {
  const std::string name = builtin(id).name;
  for (auto &[argName, e] : named) {
    if (argName == "size") continue;
    if (e->type.kind != Type::String) {
      error(e->range, "'" + argName + ":' of '" + name + "' must be a string, not " + e->type.str());
      return Type::error();
    }
  }
  switch (id) {
  case BuiltinId::Series:
    if (args[0]->type.kind != Type::String) {
      error(args[0]->range, "'series' needs the series' name, a string, but got " + args[0]->type.str());
      return Type::error();
    }
    return Type::series();
  case BuiltinId::Plot:
    if (!checkPlotPath(*args[0], name)) return Type::error();
    for (size_t i = 1; i < args.size(); ++i)
      if (args[i]->type.kind != Type::Series) {
        error(args[i]->range, "'plot' draws series: make one with series(\"name\") and add points with "
                              "s.add(x, y); this is " + args[i]->type.str());
        return Type::error();
      }
    return Type::voidType();
  case BuiltinId::PlotBoundary: {
    if (!checkPlotPath(*args[0], name)) return Type::error();
    const Type &net = args[1]->type, &ds = args[2]->type;
    if (net.kind != Type::Model) {
      error(args[1]->range, "'plot_boundary' needs a model as its second argument, but got " + net.str());
      return Type::error();
    }
    if (ds.kind != Type::Dataset) {
      error(args[2]->range, "'plot_boundary' needs a data set as its third argument, but got " + ds.str());
      return Type::error();
    }
    const TensorType &x = ds.tensor, &y = ds.label;
    if (x.rank() != 2 || x.dims[1] != Dim::fixed(2) || !isFloat(x.dtype)) {
      error(args[2]->range, "'plot_boundary' draws points in 2-D: the data set's x must be f32[N, 2], not " +
                                x.str());
      return Type::error();
    }
    if (y.rank() != 1 || y.dtype != DType::I32) {
      error(args[2]->range, "'plot_boundary' colours points by class: the data set's y must be i32[N] labels, "
                            "not " + y.str());
      return Type::error();
    }
    int64_t size = 400;
    if (auto it = named.find("size"); it != named.end()) {
      const Expr &e = *it->second;
      if (!e.constInt || !e.type.isScalar() || e.type.tensor.dtype != DType::I32 || *e.constInt < 8 ||
          *e.constInt > 2048) {
        error(e.range, "'size:' of 'plot_boundary' must be a constant integer from 8 to 2048 (pixels)");
        return Type::error();
      }
      size = *e.constInt;
    }
    // The model's forward on the pixel grid.
    const ModelInstance *model = net.model;
    auto it = model->memberSymbols.find("forward");
    if (it == model->memberSymbols.end() || it->second->kind != Symbol::Method || !it->second->fn) {
      error(args[1]->range, "model '" + model->decl->name + "' has no 'fn forward' for 'plot_boundary' to call");
      return Type::error();
    }
    const FnDecl &forward = *it->second->fn;
    size_t required = 0;
    for (auto &p : forward.params) required += p.defaultValue ? 0 : 1;
    if (forward.params.empty() || required > 1) {
      error(args[1]->range, "'plot_boundary' calls " + model->decl->name + "'s forward with one argument, the "
                            "points, but it takes " + std::to_string(forward.params.size()));
      return Type::error();
    }
    if (forward.params.size() > 1) {
      error(args[1]->range, "'plot_boundary' calls " + model->decl->name + "'s forward with the points alone; "
                            "its other parameters are not supported here");
      return Type::error();
    }
    Type grid = Type::tensorOf(TensorType{DType::F32, {Dim::fixed(size * size), Dim::fixed(2)}});
    Scope *declScope = modelScope(model);
    FnInstance *fn = instantiateFunction(forward, {grid}, model, nullptr, *declScope, call.range);
    if (!fn) return Type::error();
    std::vector<Expr *> argExprs = {args[2]};
    Type out = callFunction(fn, {grid}, call, argExprs);
    if (out.isError()) return out;
    if (!out.isFloatTensor() || out.tensor.rank() != 2 || out.tensor.dims[0] != Dim::fixed(size * size) ||
        !out.tensor.dims[1].isStatic() || out.tensor.dims[1].size < 2) {
      error(args[1]->range, "'plot_boundary' colours each pixel by the class with the largest output, so " +
                                model->decl->name + "'s forward must give f32[N, classes] with 2 or more classes; "
                                "on the grid it gives " + out.str());
      return Type::error();
    }
    call.function = fn;
    call.model = model;
    return Type::voidType();
  }
  default:
    break;
  }
  return Type::error();
}

Type Analyzer::checkSeriesAdd(CallExpr &call, MemberExpr &member, Scope &scope) {
  if (member.member != "add") {
    error(member.memberRange, "a series has one method, 'add', not '" + member.member + "'");
    for (auto &a : call.args) check(*a.value, scope);
    return Type::error();
  }
  bool ok = true;
  for (auto &a : call.args) ok = !check(*a.value, scope).isError() && ok;
  if (call.args.size() != 2 || !call.args[0].name.empty() || !call.args[1].name.empty()) {
    error(call.range, "'add' takes two arguments: add(x, y)");
    return Type::error();
  }
  if (!ok) return Type::error();
  const Expr &x = *call.args[0].value, &y = *call.args[1].value;
  for (const Expr *e : {&x, &y}) {
    if (!e->type.isTensor() || e->type.tensor.dtype == DType::Bool || e->type.tensor.rank() > 1) {
      error(e->range, "'add' takes numbers: two scalars, or two vectors of the same length; this is " +
                          e->type.str());
      return Type::error();
    }
  }
  if (x.type.tensor.dims != y.type.tensor.dims) {
    error(call.range, "'add' needs x and y of the same shape, but got " + x.type.str() + " and " + y.type.str());
    return Type::error();
  }
  call.callKind = CallKind::SeriesAdd;
  call.orderedArgs = {&x, &y};
  return Type::voidType();
}

}  // namespace dlc::sema
