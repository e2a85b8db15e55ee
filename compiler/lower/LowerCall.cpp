// Lowering of calls: DL functions and methods (inlined), model and
// optimizer construction, minimize, and the built-in functions.
#include <cmath>

#include "lower/Lowerer.h"

namespace dlc::lower {

using namespace ast;
using ir::OpKind;
using sema::BuiltinId;

namespace {
Binding valueOf(ir::Value *v) { return Binding{Binding::Value, v, "", nullptr, nullptr}; }
}  // namespace

std::vector<ir::Value *> Lowerer::dimOperands(const TensorType &type, const Expr *shapeList, SourceLoc loc) {
  std::vector<ir::Value *> out;
  const ListExpr *list = shapeList && shapeList->kind == ExprKind::List ? static_cast<const ListExpr *>(shapeList)
                                                                        : nullptr;
  for (size_t i = 0; i < type.rank(); ++i) {
    if (type.dims[i].isStatic()) continue;
    if (list && i < list->elements.size()) {
      out.push_back(cast(value(*list->elements[i]), DType::I32, loc));
    } else {
      unsupported(shapeList ? shapeList->range : SourceRange(loc), "a size known only at run time here");
      out.push_back(constant(TensorType{DType::I32, {}}, {0}, loc));
    }
  }
  return out;
}

Binding Lowerer::lowerCall(const CallExpr &call) {
  SourceLoc loc = call.range.begin;
  switch (call.callKind) {
  case CallKind::Builtin:
    return lowerBuiltin(static_cast<BuiltinId>(call.builtin), call);
  case CallKind::Function:
  case CallKind::ModelCall: {
    ModelObject *self = nullptr;
    if (call.callKind == CallKind::ModelCall) {
      Binding target;
      if (call.callee->kind == ExprKind::Member) {
        auto &member = static_cast<const MemberExpr &>(*call.callee);
        target = lower(*member.base);
        if (target.kind == Binding::Model && member.symbol && member.symbol->kind == sema::Symbol::Layer) {
          auto layer = target.model->layers.find(member.member);
          target.model = layer != target.model->layers.end() ? layer->second : nullptr;
        }
      } else if (auto *name = static_cast<const NameExpr *>(call.callee.get()); name->symbol &&
                                                                               name->symbol->kind == sema::Symbol::Method) {
        target = Binding{Binding::Model, nullptr, "", self_.empty() ? nullptr : self_.back(), nullptr};
      } else {
        target = lower(*call.callee);
      }
      if (target.kind != Binding::Model || !target.model) {
        unsupported(call.callee->range, "calling this model");
        return Binding{};
      }
      self = target.model;
    }
    std::vector<Binding> args;
    for (const Expr *arg : call.orderedArgs) {
      Binding b = lower(*arg);
      if (b.kind == Binding::Storage) b = valueOf(load(b.storage, arg->range.begin));
      args.push_back(b);
    }
    return inlineCall(*call.function, args, self, loc);
  }
  case CallKind::ModelConstruct: {
    std::string prefix = pendingName_.empty() ? "model" + std::to_string(models_.size()) : pendingName_;
    pendingName_.clear();
    return Binding{Binding::Model, nullptr, "", constructModel(*call.model, prefix, loc), nullptr};
  }
  case CallKind::OptimizerConstruct: {
    std::string name = pendingName_;
    pendingName_.clear();
    Binding model = lower(*call.args[0].value);
    if (model.kind != Binding::Model) {
      unsupported(call.args[0].value->range, "optimizing this model");
      return Binding{};
    }
    return Binding{Binding::Optimizer, nullptr, "", nullptr, constructOptimizer(call, model.model, name)};
  }
  case CallKind::Minimize: {
    auto &member = static_cast<const MemberExpr &>(*call.callee);
    Binding opt = lower(*member.base);
    if (opt.kind != Binding::Optimizer) {
      unsupported(member.base->range, "this optimizer");
      return Binding{};
    }
    minimize(call, opt.optimizer);
    return Binding{};
  }
  case CallKind::SeriesAdd:
    seriesAdd(call);
    return Binding{};
  case CallKind::Unresolved:
    break;
  }
  unsupported(call.range, "this call");
  return Binding{};
}

Binding Lowerer::lowerBuiltin(BuiltinId id, const CallExpr &call) {
  SourceLoc loc = call.range.begin;
  TensorType t = call.type.isTensor() ? typeOf(call) : TensorType{};
  std::vector<const Expr *> args;
  std::map<std::string, const Expr *> named;
  for (auto &a : call.args) {
    if (a.name.empty()) args.push_back(a.value.get());
    else named[a.name] = a.value.get();
  }
  auto arg = [&](size_t i) { return cast(value(*args[i]), t.dtype, args[i]->range.begin); };
  auto reduceAttrs = [&]() {
    ir::Attrs attrs;
    auto axis = named.find("axis");
    attrs.allAxes = axis == named.end();
    if (!attrs.allAxes) attrs.axis = *axis->second->constInt;
    auto keep = named.find("keepdim");
    attrs.keepdim = keep != named.end() && keep->second->kind == ExprKind::BoolLiteral &&
                    static_cast<const BoolLiteral *>(keep->second)->value;
    if (!attrs.allAxes && !args.empty() && args[0]->type.isTensor() && attrs.axis < 0)
      attrs.axis += static_cast<int64_t>(args[0]->type.tensor.rank());
    return attrs;
  };
  auto unary = [&](OpKind kind) { return valueOf(emit(kind, {arg(0)}, t, loc)); };

  switch (id) {
  case BuiltinId::Exp: return unary(OpKind::Exp);
  case BuiltinId::Log: return unary(OpKind::Log);
  case BuiltinId::Sqrt: return unary(OpKind::Sqrt);
  case BuiltinId::Abs: return unary(OpKind::Abs);
  case BuiltinId::Tanh: return unary(OpKind::Tanh);
  case BuiltinId::Sin: return unary(OpKind::Sin);
  case BuiltinId::Cos: return unary(OpKind::Cos);
  case BuiltinId::Max:
  case BuiltinId::Min:
    if (args.size() == 2)
      return valueOf(emit(id == BuiltinId::Max ? OpKind::Maximum : OpKind::Minimum, {arg(0), arg(1)}, t, loc));
    return valueOf(emit(id == BuiltinId::Max ? OpKind::ReduceMax : OpKind::ReduceMin, {arg(0)}, t, loc,
                        reduceAttrs()));
  case BuiltinId::Where:
    return valueOf(emit(OpKind::Select, {value(*args[0]), arg(1), arg(2)}, t, loc));
  case BuiltinId::Sum:
    return valueOf(emit(OpKind::Sum, {arg(0)}, t, loc, reduceAttrs()));
  case BuiltinId::Mean:
    return valueOf(emit(OpKind::Mean, {arg(0)}, t, loc, reduceAttrs()));
  case BuiltinId::Argmax:
    return valueOf(emit(OpKind::Argmax, {value(*args[0])}, t, loc, reduceAttrs()));
  case BuiltinId::Transpose:
    return valueOf(emit(OpKind::Transpose, {value(*args[0])}, t, loc));
  case BuiltinId::Reshape: {
    ir::Value *x = value(*args[0]);
    std::vector<ir::Value *> operands = {x};
    const TensorType i32{DType::I32, {}};
    auto *list = args[1]->kind == ExprKind::List ? static_cast<const ListExpr *>(args[1]) : nullptr;
    for (size_t i = 0; list && i < t.rank() && i < list->elements.size(); ++i) {
      if (t.dims[i].isStatic()) continue;
      const Expr &size = *list->elements[i];
      if (!size.constInt || *size.constInt != -1) {
        operands.push_back(cast(value(size), DType::I32, loc));
        continue;
      }
      // -1: the element count over the product of the other sizes (the
      // emitter checks that they fit).
      ir::Value *count = constant(i32, {1}, loc), *others = constant(i32, {1}, loc);
      for (size_t d = 0; d < x->type.rank(); ++d) {
        ir::Attrs axis;
        axis.axis = static_cast<int64_t>(d);
        ir::Value *n = x->type.dims[d].isStatic() ? constant(i32, {static_cast<double>(x->type.dims[d].size)}, loc)
                                                   : emit(OpKind::SizeOf, {x}, i32, loc, axis);
        count = emit(OpKind::Mul, {count, n}, i32, loc);
      }
      for (size_t j = 0; j < list->elements.size(); ++j)
        if (j != i) others = emit(OpKind::Mul, {others, cast(value(*list->elements[j]), DType::I32, loc)}, i32, loc);
      operands.push_back(emit(OpKind::Div, {count, others}, i32, loc));
    }
    if (!list)
      for (auto *d : dimOperands(t, args[1], loc)) operands.push_back(d);
    return valueOf(emit(OpKind::Reshape, operands, t, loc));
  }
  case BuiltinId::Len:
  case BuiltinId::Size: {
    if (call.constInt) return valueOf(constant(t, {static_cast<double>(*call.constInt)}, loc));
    ir::Attrs attrs;
    attrs.axis = id == BuiltinId::Len ? 0 : *args[1]->constInt;
    if (attrs.axis < 0) attrs.axis += static_cast<int64_t>(args[0]->type.tensor.rank());
    Binding of = lower(*args[0]);  // len(ds) counts the rows of ds.x
    ir::Value *v = of.kind == Binding::Dataset ? of.value : of.kind == Binding::Storage ? load(of.storage, loc) : of.value;
    if (!v) {
      unsupported(args[0]->range, "the size of this value");
      return Binding{};
    }
    return valueOf(emit(OpKind::SizeOf, {v}, t, loc, attrs));
  }
  case BuiltinId::ShapeOf: {
    const TensorType &x = args[0]->type.tensor;
    ir::Value *v = value(*args[0]);
    std::vector<ir::Value *> dims;
    for (size_t i = 0; i < x.rank(); ++i) {
      ir::Attrs attrs;
      attrs.axis = static_cast<int64_t>(i);
      dims.push_back(emit(OpKind::SizeOf, {v}, TensorType{DType::I32, {}}, loc, attrs));
    }
    return valueOf(emit(OpKind::Stack, dims, t, loc));
  }
  case BuiltinId::Concat: {
    std::vector<ir::Value *> parts;
    for (auto &el : static_cast<const ListExpr &>(*args[0]).elements)
      parts.push_back(cast(value(*el), t.dtype, el->range.begin));
    ir::Attrs attrs;
    auto axis = named.find("axis");
    attrs.axis = axis == named.end() ? 0 : *axis->second->constInt;
    if (attrs.axis < 0) attrs.axis += static_cast<int64_t>(t.rank());
    return valueOf(emit(OpKind::Concat, parts, t, loc, attrs));
  }
  case BuiltinId::OneHot:
    if (!t.dims.back().isStatic()) {
      unsupported(call.range, "one_hot with a number of classes known only at run time");
      return Binding{};
    }
    return valueOf(emit(OpKind::OneHot, {value(*args[0])}, t, loc));
  case BuiltinId::Zeros:
  case BuiltinId::Ones:
  case BuiltinId::Full: {
    ir::Attrs attrs;
    const Expr *shape = args.size() >= (id == BuiltinId::Full ? 2u : 1u) ? args[0] : nullptr;
    attrs.value = id == BuiltinId::Ones ? 1 : 0;
    ir::Value *fillValue = nullptr;
    if (id == BuiltinId::Full) {
      const Expr *v = args.back();
      if (v->constFloat) attrs.value = *v->constFloat;
      else fillValue = cast(value(*v), t.dtype, loc);
    }
    ir::Value *filled = emit(OpKind::Fill, dimOperands(t, shape, loc), t, loc, attrs);
    if (fillValue) filled = emit(OpKind::BroadcastTo, {fillValue}, t, loc);
    return valueOf(filled);
  }
  case BuiltinId::Rand:
  case BuiltinId::Randn: {
    const Expr *shape = args.empty() ? nullptr : args[0];
    return valueOf(emit(id == BuiltinId::Rand ? OpKind::Rand : OpKind::Randn, dimOperands(t, shape, loc), t, loc));
  }
  case BuiltinId::Randint: {
    if (!args[0]->constInt || !args[1]->constInt) {
      unsupported(call.range, "randint with bounds known only at run time");
      return Binding{};
    }
    ir::Attrs attrs;
    attrs.lo = *args[0]->constInt;
    attrs.hi = *args[1]->constInt;
    return valueOf(emit(OpKind::Randint, dimOperands(t, args[2], loc), t, loc, attrs));
  }
  case BuiltinId::Uniform:
  case BuiltinId::Normal: {
    std::vector<ir::Value *> operands = {cast(value(*args[0]), DType::F64, loc), cast(value(*args[1]), DType::F64, loc)};
    for (auto *d : dimOperands(t, args.size() > 2 ? args[2] : nullptr, loc)) operands.push_back(d);
    return valueOf(emit(id == BuiltinId::Uniform ? OpKind::Uniform : OpKind::Normal, operands, t, loc));
  }
  case BuiltinId::XavierUniform:
  case BuiltinId::KaimingUniform: {
    // PyTorch's fans: fan_in = size(1) * receptive field, fan_out = size(0) * receptive field.
    if (!t.staticElementCount()) {
      unsupported(call.range, "an initialiser for a tensor with run-time sizes");
      return Binding{};
    }
    double receptive = 1;
    for (size_t i = 2; i < t.rank(); ++i) receptive *= static_cast<double>(t.dims[i].size);
    double fanIn = static_cast<double>(t.dims[1].size) * receptive;
    double fanOut = static_cast<double>(t.dims[0].size) * receptive;
    double bound = id == BuiltinId::XavierUniform ? std::sqrt(6.0 / (fanIn + fanOut)) : std::sqrt(6.0 / fanIn);
    TensorType scalar{DType::F64, {}};
    return valueOf(emit(OpKind::Uniform, {constant(scalar, {-bound}, loc), constant(scalar, {bound}, loc)}, t, loc));
  }
  case BuiltinId::Arange:
    return valueOf(emit(OpKind::Arange,
                        t.dims[0].isStatic() ? std::vector<ir::Value *>{}
                                             : std::vector<ir::Value *>{cast(value(*args[0]), DType::I32, loc)},
                        t, loc));
  case BuiltinId::ZerosLike:
  case BuiltinId::OnesLike: {
    ir::Attrs attrs;
    attrs.value = id == BuiltinId::OnesLike ? 1 : 0;
    std::vector<ir::Value *> sizes;
    ir::Value *x = nullptr;
    for (size_t i = 0; i < t.rank(); ++i)
      if (!t.dims[i].isStatic()) {
        if (!x) x = value(*args[0]);
        ir::Attrs axis;
        axis.axis = static_cast<int64_t>(i);
        sizes.push_back(emit(OpKind::SizeOf, {x}, TensorType{DType::I32, {}}, loc, axis));
      }
    return valueOf(emit(OpKind::Fill, sizes, t, loc, attrs));
  }
  case BuiltinId::CastF32:
  case BuiltinId::CastF64:
  case BuiltinId::CastI32:
    return valueOf(cast(value(*args[0]), t.dtype, loc));
  case BuiltinId::Seed: {
    module_->append(region(), OpKind::Seed, {cast(value(*args[0]), DType::I32, loc)}, std::nullopt, loc);
    return Binding{};
  }
  case BuiltinId::Checkpoint: {
    // The pass passes/Resumable.cpp makes its loops re-enterable.
    ir::Value *every = cast(value(*named.at("every")), DType::I32, loc);
    ir::Op *op = module_->append(region(), OpKind::Checkpoint, {every}, std::nullopt, loc);
    op->attrs.name = pathOf(*named.at("path"));
    return Binding{};
  }
  case BuiltinId::Print: {
    ir::Attrs attrs;
    std::vector<ir::Value *> operands;
    std::string pending;
    for (const Expr *a : args) {
      Binding b = lower(*a);
      if (b.kind == Binding::Text) {
        pending += (pending.empty() ? "" : " ") + b.storage;
        continue;
      }
      ir::Value *v = b.kind == Binding::Storage ? load(b.storage, loc) : b.value;
      if (!v) continue;
      attrs.text.push_back(pending);
      pending.clear();
      operands.push_back(v);
    }
    attrs.text.push_back(pending);
    auto precision = named.find("precision");
    if (precision != named.end()) attrs.precision = static_cast<int>(*precision->second->constInt);
    ir::Op *op = module_->append(region(), OpKind::Print, operands, std::nullopt, loc);
    op->attrs = attrs;
    return Binding{};
  }
  case BuiltinId::Grad: {
    ir::Value *y = value(*args[0]);
    ir::Value *x = value(*args[1]);
    return valueOf(emit(OpKind::Grad, {y, x}, x->type, loc));
  }
  case BuiltinId::Save:
  case BuiltinId::Load:
  case BuiltinId::LoadCsv:
  case BuiltinId::LoadNpy:
  case BuiltinId::LoadIdx:
  case BuiltinId::Dataset:
  case BuiltinId::Split:
  case BuiltinId::Batches:
    return lowerData(id, call, args, named);
  case BuiltinId::Series:
  case BuiltinId::Plot:
  case BuiltinId::PlotBoundary:
    return lowerPlot(id, call, args, named);
  case BuiltinId::Count:
    break;
  }
  return Binding{};
}

}  // namespace dlc::lower
