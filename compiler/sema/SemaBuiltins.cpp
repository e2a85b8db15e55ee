// The type rule of each built-in function (the table is in Builtins.h).
#include "sema/Analyzer.h"
#include "support/Spelling.h"

namespace dlc::sema {

using namespace ast;

namespace {

struct BuiltinCall {
  const BuiltinInfo &info;
  CallExpr &call;
  std::vector<Expr *> args;              // positional
  std::map<std::string, Expr *> named;

  Expr *get(const std::string &name) const {
    auto it = named.find(name);
    return it == named.end() ? nullptr : it->second;
  }
};

bool isBoolConstant(const Expr *e, bool *value) {
  if (e && e->kind == ExprKind::BoolLiteral) {
    *value = static_cast<const BoolLiteral *>(e)->value;
    return true;
  }
  return false;
}

DType floatOf(DType d) { return isFloat(d) ? d : DType::F32; }

}  // namespace

Type Analyzer::checkBuiltin(BuiltinId id, CallExpr &call, Scope &scope, Expectation expect) {
  const BuiltinInfo &info = builtin(id);
  BuiltinCall b{info, call, {}, {}};
  const std::string name = info.name;

  // Arity and named arguments.
  bool ok = true;
  for (auto &arg : call.args) {
    if (arg.name.empty()) {
      if (!b.named.empty()) {
        error(arg.value->range, "positional argument after a named argument in call to '" + name + "'");
        ok = false;
      }
      b.args.push_back(arg.value.get());
      continue;
    }
    if (std::find(info.named.begin(), info.named.end(), arg.name) == info.named.end()) {
      std::string hint = closestName(arg.name, info.named);
      error(arg.nameRange, "'" + name + "' has no parameter named '" + arg.name + "'" +
                               (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      ok = false;
      continue;
    }
    if (b.named.count(arg.name)) {
      error(arg.nameRange, "argument '" + arg.name + "' is given twice in call to '" + name + "'");
      ok = false;
      continue;
    }
    b.named[arg.name] = arg.value.get();
  }
  int count = static_cast<int>(b.args.size());
  if (count < info.minPositional || count > info.maxPositional) {
    std::string expected = info.minPositional == info.maxPositional
                               ? std::to_string(info.minPositional)
                               : std::to_string(info.minPositional) + " to " + std::to_string(info.maxPositional);
    error(call.range, "'" + name + "' takes " + expected + " argument" +
                          (info.maxPositional == 1 ? "" : "s") + ", but " + std::to_string(count) +
                          (count == 1 ? " was" : " were") + " given");
    ok = false;
  }

  // Check the arguments; concat's list is checked element by element.
  bool argsOk = true;
  for (size_t i = 0; i < b.args.size(); ++i) {
    Expr *arg = b.args[i];
    if (id == BuiltinId::Concat && arg->kind == ExprKind::List) {
      for (auto &el : static_cast<ListExpr *>(arg)->elements)
        argsOk = !check(*el, scope).isError() && argsOk;
      continue;
    }
    argsOk = !check(*arg, scope).isError() && argsOk;
  }
  for (auto &[n, arg] : b.named) argsOk = !check(*arg, scope).isError() && argsOk;
  if (!ok || !argsOk) return Type::error();

  auto arg = [&](size_t i) -> Expr & { return *b.args[i]; };
  auto type = [&](size_t i) -> const Type & { return b.args[i]->type; };

  // A constant integer named argument, e.g. axis:.
  auto constIntArg = [&](const char *argName, std::optional<int64_t> *out) {
    Expr *e = b.get(argName);
    if (!e) return true;
    if (!e->type.isTensor() || e->type.tensor.dtype != DType::I32 || !e->constInt) {
      error(e->range, std::string("'") + argName + ":' must be a constant integer");
      return false;
    }
    *out = e->constInt;
    return true;
  };
  auto keepdimArg = [&](bool *keep) {
    *keep = false;
    Expr *e = b.get("keepdim");
    if (!e) return true;
    if (!isBoolConstant(e, keep)) {
      error(e->range, "'keepdim:' must be true or false");
      return false;
    }
    return true;
  };
  auto tensorArg = [&](size_t i) { return requireTensor(type(i), arg(i), ("'" + name + "'").c_str()); };
  auto numericArg = [&](size_t i) {
    if (!tensorArg(i)) return false;
    if (type(i).tensor.dtype == DType::Bool) {
      error(arg(i).range, "'" + name + "' is not defined for bool; convert with f32(x)");
      return false;
    }
    return true;
  };
  auto scalarArg = [&](size_t i, const char *what) {
    if (!tensorArg(i)) return false;
    if (!type(i).isScalar() || type(i).tensor.dtype == DType::Bool) {
      error(arg(i).range, std::string(what) + " must be a number, but got " + type(i).str());
      return false;
    }
    return true;
  };
  // A shape written as a list of sizes: [2, n, 3].
  auto shapeArg = [&](Expr &e, Shape *out) {
    if (e.kind == ExprKind::Call && static_cast<CallExpr &>(e).builtin == static_cast<int>(BuiltinId::ShapeOf)) {
      auto &inner = static_cast<CallExpr &>(e);
      if (!inner.args.empty() && inner.args[0].value->type.isTensor()) {
        *out = inner.args[0].value->type.tensor.dims;
        return true;
      }
    }
    if (e.kind != ExprKind::List) {
      error(e.range, "a shape must be a list of sizes, such as [2, 3]");
      return false;
    }
    for (auto &el : static_cast<ListExpr &>(e).elements) {
      if (!requireIntScalar(el->type, *el, "a dimension size")) return false;
      if (el->constInt && *el->constInt < 0) {
        error(el->range, "a dimension size cannot be negative (" + std::to_string(*el->constInt) + ")");
        return false;
      }
      out->push_back(dimOf(*el, "n"));
    }
    return true;
  };
  auto reduction = [&](DType resultType) -> Type {
    if (!numericArg(0) && !(id == BuiltinId::Sum && type(0).isTensor())) return Type::error();
    std::optional<int64_t> axis;
    bool keep = false;
    if (!constIntArg("axis", &axis) || !keepdimArg(&keep)) return Type::error();
    Shape out;
    std::string why;
    if (!shapes::reduce(type(0).tensor.dims, axis, keep, &out, &why)) {
      error(b.get("axis")->range, "'" + name + "' of " + type(0).str() + ": " + why);
      return Type::error();
    }
    return Type::tensorOf(TensorType{resultType, out});
  };
  // zeros(), ones(), rand(), ... : the shape is the argument at `shapeIndex`
  // or, in a param initializer, the declared type's.
  auto creation = [&](size_t shapeIndex, bool floatOnly) -> Type {
    DType dtype = DType::F32;
    if (expect.type && expect.type->isTensor() &&
        (isFloat(expect.type->tensor.dtype) || !floatOnly))
      dtype = expect.type->tensor.dtype;
    if (b.args.size() > shapeIndex) {
      Shape shape;
      if (!shapeArg(arg(shapeIndex), &shape)) return Type::error();
      return Type::tensorOf(TensorType{dtype, shape});
    }
    if (expect.allowShapeless && expect.type && expect.type->isTensor())
      return Type::tensorOf(TensorType{dtype, expect.type->tensor.dims});
    error(call.range, "'" + name + "' needs a shape here, such as " + name +
                          (shapeIndex == 0 ? "([2, 3])" : "(..., [2, 3])") +
                          "; the shape may be left out only in a param initializer");
    return Type::error();
  };

  switch (id) {
  case BuiltinId::Exp:
  case BuiltinId::Log:
  case BuiltinId::Sqrt:
  case BuiltinId::Tanh:
  case BuiltinId::Sin:
  case BuiltinId::Cos: {
    if (!numericArg(0)) return Type::error();
    TensorType t = type(0).tensor;
    t.dtype = floatOf(t.dtype);
    return Type::tensorOf(t, type(0).weak);
  }
  case BuiltinId::Abs:
    if (!numericArg(0)) return Type::error();
    call.constFloat = arg(0).constFloat ? std::optional<double>(std::abs(*arg(0).constFloat)) : std::nullopt;
    return type(0);
  case BuiltinId::Max:
  case BuiltinId::Min: {
    if (b.args.size() == 1) return reduction(type(0).tensor.dtype);
    if (!b.named.empty()) {
      error(call.range, "'" + name + "(a, b)' is elementwise and takes no axis:; use " + name + "(x, axis: k)");
      return Type::error();
    }
    if (!numericArg(0) || !numericArg(1)) return Type::error();
    Shape out;
    std::string why;
    if (!shapes::broadcast(type(0).tensor.dims, type(1).tensor.dims, &out, &why)) {
      error(call.range, "shapes do not broadcast in '" + name + "': " + type(0).str() + " and " +
                            type(1).str() + " (" + why + ")");
      return Type::error();
    }
    if (arg(0).constInt && arg(1).constInt)
      call.constInt = id == BuiltinId::Max ? std::max(*arg(0).constInt, *arg(1).constInt)
                                           : std::min(*arg(0).constInt, *arg(1).constInt);
    return Type::tensorOf(TensorType{promote(type(0), type(1)), out}, type(0).weak && type(1).weak);
  }
  case BuiltinId::Where: {
    if (!tensorArg(0) || !numericArg(1) || !numericArg(2)) return Type::error();
    if (type(0).tensor.dtype != DType::Bool) {
      error(arg(0).range, "the condition of 'where' must be bool, but got " + type(0).str());
      return Type::error();
    }
    Shape ab, out;
    std::string why;
    if (!shapes::broadcast(type(1).tensor.dims, type(2).tensor.dims, &ab, &why) ||
        !shapes::broadcast(type(0).tensor.dims, ab, &out, &why)) {
      error(call.range, "shapes do not broadcast in 'where': " + type(0).str() + ", " + type(1).str() +
                            ", " + type(2).str() + " (" + why + ")");
      return Type::error();
    }
    return Type::tensorOf(TensorType{promote(type(1), type(2)), out});
  }
  case BuiltinId::Sum:
    if (!tensorArg(0)) return Type::error();
    return reduction(type(0).tensor.dtype == DType::Bool ? DType::I32 : type(0).tensor.dtype);
  case BuiltinId::Mean:
    if (!tensorArg(0)) return Type::error();
    if (!isFloat(type(0).tensor.dtype)) {
      error(arg(0).range, "'mean' needs a float tensor, but got " + type(0).str() + "; convert with f32(x)");
      return Type::error();
    }
    return reduction(type(0).tensor.dtype);
  case BuiltinId::Argmax: {
    if (!numericArg(0)) return Type::error();
    std::optional<int64_t> axis;
    if (!constIntArg("axis", &axis)) return Type::error();
    Shape out;
    std::string why;
    if (!shapes::reduce(type(0).tensor.dims, axis, false, &out, &why)) {
      error(b.get("axis")->range, "'argmax' of " + type(0).str() + ": " + why);
      return Type::error();
    }
    return Type::tensorOf(TensorType{DType::I32, out});
  }
  case BuiltinId::Transpose:
    if (!tensorArg(0)) return Type::error();
    if (type(0).tensor.rank() < 2) {
      error(arg(0).range, "'transpose' needs at least 2 dimensions, but got " + type(0).str());
      return Type::error();
    }
    return Type::tensorOf(TensorType{type(0).tensor.dtype, shapes::transpose(type(0).tensor.dims)});
  case BuiltinId::Reshape: {
    if (!tensorArg(0)) return Type::error();
    if (arg(1).kind != ExprKind::List) {
      error(arg(1).range, "the new shape must be a list of sizes, such as [2, 3]");
      return Type::error();
    }
    std::vector<std::optional<Dim>> target;
    for (auto &el : static_cast<ListExpr &>(arg(1)).elements) {
      if (!requireIntScalar(el->type, *el, "a dimension size")) return Type::error();
      if (el->constInt && *el->constInt == -1) target.push_back(std::nullopt);
      else if (el->constInt && *el->constInt < 0) {
        error(el->range, "a dimension size cannot be negative (" + std::to_string(*el->constInt) + ")");
        return Type::error();
      } else target.push_back(dimOf(*el, "n"));
    }
    // shapes::reshape multiplies the sizes: refuse a product that overflows.
    TensorType known{DType::F32, {}};
    for (auto &d : target)
      if (d && d->isStatic()) known.dims.push_back(*d);
    if (!known.staticElementCount()) {
      error(arg(1).range, "the new shape has too many elements");
      return Type::error();
    }
    Shape out;
    std::string why;
    if (!shapes::reshape(type(0).tensor.dims, target, [&](const std::string &n) { return freshRuntimeDim(n); },
                         &out, &why)) {
      std::string wanted = "[";
      for (size_t i = 0; i < target.size(); ++i)
        wanted += (i ? ", " : "") + (target[i] ? target[i]->str() : std::string("-1"));
      error(call.range, "cannot reshape " + type(0).str() + " to " + wanted + "]: " + why);
      return Type::error();
    }
    return Type::tensorOf(TensorType{type(0).tensor.dtype, out});
  }
  case BuiltinId::Len: {
    const Type &t = type(0);
    Dim rows;
    if (t.kind == Type::Dataset) rows = t.tensor.dims[0];
    else if (t.isTensor() && t.tensor.rank() >= 1) rows = t.tensor.dims[0];
    else {
      error(arg(0).range, "'len' needs a dataset or a tensor with at least one dimension, but got " + t.str());
      return Type::error();
    }
    if (rows.isStatic()) call.constInt = rows.size;
    return Type::scalar(DType::I32);
  }
  case BuiltinId::ShapeOf:
    if (!tensorArg(0)) return Type::error();
    return Type::tensorOf(TensorType{DType::I32, {Dim::fixed(static_cast<int64_t>(type(0).tensor.rank()))}});
  case BuiltinId::Size: {
    if (!tensorArg(0) || !requireIntScalar(type(1), arg(1), "the axis")) return Type::error();
    size_t index;
    if (!arg(1).constInt || !shapes::normalizeAxis(*arg(1).constInt, type(0).tensor.rank(), &index)) {
      error(arg(1).range, "the axis of 'size' must be a constant between " +
                              std::to_string(-static_cast<int64_t>(type(0).tensor.rank())) + " and " +
                              std::to_string(static_cast<int64_t>(type(0).tensor.rank()) - 1) + " for " + type(0).str());
      return Type::error();
    }
    const Dim &d = type(0).tensor.dims[index];
    if (d.isStatic()) call.constInt = d.size;
    return Type::scalar(DType::I32);
  }
  case BuiltinId::Concat: {
    if (arg(0).kind != ExprKind::List) {
      error(arg(0).range, "'concat' takes a list of tensors, such as concat([a, b], axis: 0)");
      return Type::error();
    }
    auto &list = static_cast<ListExpr &>(arg(0));
    std::vector<Shape> parts;
    Type combined;
    for (auto &el : list.elements) {
      if (!requireTensor(el->type, *el, "'concat'")) return Type::error();
      parts.push_back(el->type.tensor.dims);
      if (combined.isError()) combined = el->type;
      else combined.tensor.dtype = promote(combined, el->type);
    }
    std::optional<int64_t> axis = 0;
    if (!constIntArg("axis", &axis)) return Type::error();
    // shapes::concat adds the sizes along the axis: refuse a sum that overflows.
    size_t index;
    if (!parts.empty() && shapes::normalizeAxis(*axis, parts[0].size(), &index)) {
      int64_t total = 0;
      for (auto &p : parts)
        if (index < p.size() && p[index].isStatic() && __builtin_add_overflow(total, p[index].size, &total)) {
          error(call.range, "cannot concatenate: the result has too many elements");
          return Type::error();
        }
    }
    Shape out;
    std::string why;
    if (!shapes::concat(parts, *axis, [&](const std::string &n) { return freshRuntimeDim(n); }, &out, &why)) {
      error(call.range, "cannot concatenate: " + why);
      return Type::error();
    }
    list.type = Type::error();
    return Type::tensorOf(TensorType{combined.tensor.dtype, out});
  }
  case BuiltinId::OneHot: {
    if (!tensorArg(0) || !requireIntScalar(type(1), arg(1), "the number of classes")) return Type::error();
    if (type(0).tensor.dtype != DType::I32) {
      error(arg(0).range, "'one_hot' needs i32 class labels, but got " + type(0).str());
      return Type::error();
    }
    TensorType out{DType::F32, type(0).tensor.dims};
    out.dims.push_back(dimOf(arg(1), "classes"));
    return Type::tensorOf(out);
  }
  case BuiltinId::Zeros:
  case BuiltinId::Ones:
    return creation(0, false);
  case BuiltinId::Rand:
  case BuiltinId::Randn:
    return creation(0, true);
  case BuiltinId::XavierUniform:
  case BuiltinId::KaimingUniform: {
    Type t = creation(0, true);
    if (t.isTensor() && t.tensor.rank() < 2) {
      error(call.range, "'" + name + "' needs a tensor with at least 2 dimensions, but this one is " + t.str());
      return Type::error();
    }
    return t;
  }
  case BuiltinId::Full: {
    size_t valueIndex = b.args.size() == 2 ? 1 : 0;
    if (!scalarArg(valueIndex, "the fill value")) return Type::error();
    if (b.args.size() == 2) {
      Shape shape;
      if (!shapeArg(arg(0), &shape)) return Type::error();
      DType d = expect.type && expect.type->isTensor() ? expect.type->tensor.dtype : floatOf(type(1).tensor.dtype);
      return Type::tensorOf(TensorType{d, shape});
    }
    if (expect.allowShapeless && expect.type && expect.type->isTensor()) return *expect.type;
    error(call.range, "'full' needs a shape here, such as full([2, 3], 0.5)");
    return Type::error();
  }
  case BuiltinId::Randint: {
    if (!requireIntScalar(type(0), arg(0), "the lower bound") ||
        !requireIntScalar(type(1), arg(1), "the upper bound"))
      return Type::error();
    if (arg(0).constInt && arg(1).constInt && *arg(0).constInt >= *arg(1).constInt) {
      error(call.range, "'randint' needs lo < hi, but got " + std::to_string(*arg(0).constInt) + " and " +
                            std::to_string(*arg(1).constInt));
      return Type::error();
    }
    Shape shape;
    if (!shapeArg(arg(2), &shape)) return Type::error();
    return Type::tensorOf(TensorType{DType::F32, shape});
  }
  case BuiltinId::Uniform:
  case BuiltinId::Normal: {
    if (!scalarArg(0, id == BuiltinId::Uniform ? "the lower bound" : "the mean") ||
        !scalarArg(1, id == BuiltinId::Uniform ? "the upper bound" : "the standard deviation"))
      return Type::error();
    return creation(2, true);
  }
  case BuiltinId::Arange: {
    if (!requireIntScalar(type(0), arg(0), "the length")) return Type::error();
    if (arg(0).constInt && *arg(0).constInt < 0) {
      error(arg(0).range, "'arange' needs a length of at least 0");
      return Type::error();
    }
    return Type::tensorOf(TensorType{DType::I32, {dimOf(arg(0), "n")}});
  }
  case BuiltinId::ZerosLike:
  case BuiltinId::OnesLike: {
    if (!tensorArg(0)) return Type::error();
    return Type::tensorOf(type(0).tensor);
  }
  case BuiltinId::CastF32:
  case BuiltinId::CastF64:
  case BuiltinId::CastI32: {
    if (!tensorArg(0)) return Type::error();
    TensorType t = type(0).tensor;
    t.dtype = id == BuiltinId::CastF32 ? DType::F32 : id == BuiltinId::CastF64 ? DType::F64 : DType::I32;
    if (arg(0).constFloat && id != BuiltinId::CastI32) {
      call.constFloat = *arg(0).constFloat;
    } else if (arg(0).constFloat) {
      // Folds only what fits in i32 (converting a larger, inf or nan double
      // is undefined); such a cast is left to run time.
      double v = *arg(0).constFloat;
      if (v > -2147483649.0 && v < 2147483648.0) {
        call.constInt = static_cast<int64_t>(v);
        call.constFloat = static_cast<double>(*call.constInt);
      }
    }
    return Type::tensorOf(t);
  }
  case BuiltinId::Seed:
    if (!requireIntScalar(type(0), arg(0), "the seed")) return Type::error();
    return Type::voidType();
  case BuiltinId::Print: {
    for (size_t i = 0; i < b.args.size(); ++i) {
      const Type &t = type(i);
      if (t.isTensor() || t.kind == Type::String) continue;
      error(arg(i).range, "'print' can print tensors, numbers and strings, not " + t.str());
      return Type::error();
    }
    std::optional<int64_t> precision;
    if (!constIntArg("precision", &precision)) return Type::error();
    if (precision && (*precision < 0 || *precision > 17)) {
      error(b.get("precision")->range, "'precision:' must be between 0 and 17");
      return Type::error();
    }
    return Type::voidType();
  }
  case BuiltinId::Grad: {
    const Type &y = type(0), &x = type(1);
    if (!requireTensor(y, arg(0), "'grad'") || !requireTensor(x, arg(1), "'grad'")) return Type::error();
    if (!isFloat(y.tensor.dtype) || !y.isScalar()) {
      error(arg(0).range, "'grad' needs a scalar float to differentiate, but got " + y.str() +
                              (y.isScalar() ? "" : "; reduce it with sum() or mean()"));
      return Type::error();
    }
    if (!isFloat(x.tensor.dtype)) {
      error(arg(1).range, "'grad' can only differentiate with respect to a float tensor, but got " + x.str());
      return Type::error();
    }
    if (arg(1).kind != ExprKind::Name && arg(1).kind != ExprKind::Member) {
      error(arg(1).range, "the second argument of 'grad' must name a parameter or a variable, such as net.W");
      return Type::error();
    }
    return Type::tensorOf(x.tensor);
  }
  case BuiltinId::Checkpoint: {
    // Where it may stand: the state it saves is the main program's, and a
    // resumed run re-enters its loops (passes/Resumable.cpp).
    if (!isMainProgram()) {
      error(call.range, "'checkpoint' must be in the main program, not in a function");
      return Type::error();
    }
    if (loopDepth_ == 0 || branchDepth_ > 0) {
      error(call.range, loopDepth_ == 0 ? "'checkpoint' must be inside a 'for' loop"
                                        : "'checkpoint' cannot be inside an 'if': put it directly in the loop's body");
      return Type::error();
    }
    if (checkpoint_) {
      DiagnosticEngine::note(error(call.range, "a program can have only one 'checkpoint'"), checkpoint_->range,
                             "the first one is here");
      return Type::error();
    }
    Expr *every = b.get("every"), *path = b.get("path");
    if (!every || !path) {
      error(call.range, "'checkpoint' needs 'every:' (how many runs between saves) and 'path:' (the file)");
      return Type::error();
    }
    if (!requireIntScalar(every->type, *every, "'every:'")) return Type::error();
    if (every->constInt && *every->constInt < 1) {
      error(every->range, "'every:' must be at least 1");
      return Type::error();
    }
    if (path->type.kind != Type::String) {
      error(path->range, "'path:' must be a file path string");
      return Type::error();
    }
    checkpoint_ = &call;
    return Type::voidType();
  }
  case BuiltinId::Series:
  case BuiltinId::Plot:
  case BuiltinId::PlotBoundary:
    return checkPlot(id, call, b.args, b.named);
  case BuiltinId::Save:
  case BuiltinId::Load:
    if (type(0).kind != Type::Model) {
      error(arg(0).range, "'" + name + "' needs a model as its first argument, but got " + type(0).str());
      return Type::error();
    }
    if (type(1).kind != Type::String) {
      error(arg(1).range, "'" + name + "' needs a file path string as its second argument");
      return Type::error();
    }
    return Type::voidType();
  case BuiltinId::LoadCsv: {
    if (type(0).kind != Type::String) {
      error(arg(0).range, "'load_csv' needs a file path string");
      return Type::error();
    }
    std::optional<int64_t> features, label, classes;
    if (!constIntArg("features", &features) || !constIntArg("label", &label) ||
        !constIntArg("classes", &classes))
      return Type::error();
    if (!features) {
      error(call.range, "'load_csv' needs 'features:', the number of input columns");
      return Type::error();
    }
    if (*features <= 0 || (classes && *classes <= 0)) {
      error(call.range, "'features:' and 'classes:' of 'load_csv' must be positive");
      return Type::error();
    }
    bool header = false;
    if (Expr *h = b.get("header"); h && !isBoolConstant(h, &header)) {
      error(h->range, "'header:' must be true or false");
      return Type::error();
    }
    Dim rows = freshRuntimeDim("rows");
    TensorType y = classes ? TensorType{DType::I32, {rows}} : TensorType{DType::F32, {rows, Dim::fixed(1)}};
    return Type::dataset(TensorType{DType::F32, {rows, Dim::fixed(*features)}}, y);
  }
  case BuiltinId::LoadNpy:
  case BuiltinId::LoadIdx: {
    if (type(0).kind != Type::String) {
      error(arg(0).range, "'" + name + "' needs a file path string");
      return Type::error();
    }
    if (!expect.type || !expect.type->isTensor()) {
      error(call.range, "'" + name + "' takes its type from the binding, e.g. let x: f32[N, 784] = " + name + "(...)");
      return Type::error();
    }
    TensorType t = expect.type->tensor;
    for (auto &d : t.dims)
      if (d.symbol && d.symbol->kind == DimSymbol::Variable) {
        bool ownVariable = false;
        for (auto &[n, s] : fn_->dims) ownVariable = ownVariable || s.symbol == d.symbol;
        if (!ownVariable) d = freshRuntimeDim(d.symbol->name);
      }
    return Type::tensorOf(t);
  }
  case BuiltinId::Dataset: {
    if (!tensorArg(0) || !tensorArg(1)) return Type::error();
    const TensorType &x = type(0).tensor, &y = type(1).tensor;
    if (x.rank() == 0 || y.rank() == 0 || x.dims[0] != y.dims[0]) {
      error(call.range, "'dataset' needs x and y with the same number of rows, but got " + x.str() +
                            " and " + y.str());
      return Type::error();
    }
    return Type::dataset(x, y);
  }
  case BuiltinId::Split: {
    if (type(0).kind != Type::Dataset) {
      error(arg(0).range, "'split' needs a dataset, but got " + type(0).str());
      return Type::error();
    }
    if (!scalarArg(1, "the fraction")) return Type::error();
    if (arg(1).constFloat && (*arg(1).constFloat <= 0 || *arg(1).constFloat >= 1)) {
      error(arg(1).range, "the fraction of 'split' must be between 0 and 1");
      return Type::error();
    }
    if (Expr *s = b.get("seed"); s && !requireIntScalar(s->type, *s, "'seed:'")) return Type::error();
    auto part = [&](const char *rowsName) {
      Dim rows = freshRuntimeDim(rowsName);
      TensorType x = type(0).tensor, y = type(0).label;
      x.dims[0] = rows;
      y.dims[0] = rows;
      return Type::dataset(x, y);
    };
    return Type::tuple({part("train_rows"), part("test_rows")});
  }
  case BuiltinId::Batches: {
    if (type(0).kind != Type::Dataset) {
      error(arg(0).range, "'batches' needs a dataset, but got " + type(0).str());
      return Type::error();
    }
    if (!requireIntScalar(type(1), arg(1), "the batch size")) return Type::error();
    if (arg(1).constInt && *arg(1).constInt <= 0) {
      error(arg(1).range, "the batch size must be positive");
      return Type::error();
    }
    bool shuffle;
    if (Expr *s = b.get("shuffle"); s && !isBoolConstant(s, &shuffle) &&
                                    !(s->type.isScalar() && s->type.tensor.dtype == DType::Bool)) {
      error(s->range, "'shuffle:' must be true or false");
      return Type::error();
    }
    if (Expr *s = b.get("seed"); s && !requireIntScalar(s->type, *s, "'seed:'")) return Type::error();
    Dim batch = freshRuntimeDim("batch");
    TensorType x = type(0).tensor, y = type(0).label;
    x.dims[0] = batch;
    y.dims[0] = batch;
    return Type::batches(x, y);
  }
  case BuiltinId::Count:
    break;
  }
  return Type::error();
}

}  // namespace dlc::sema
