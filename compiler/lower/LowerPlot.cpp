// Lowering of the picture built-ins (docs/language.md, "Pictures").
//   series(name)      Series with a fresh id (attr axis): the runtime starts
//                     an empty series in its context; the binding holds the id.
//   s.add(x, y)       SeriesAdd of the two values.
//   plot(path, s...)  Plot with the series' ids (attr data).
//   plot_boundary     PlotGrid gives the pixel centres over the points; the
//                     model's forward is inlined on them, Argmax picks each
//                     pixel's class, and PlotBoundary draws them with the points.
#include "lower/Lowerer.h"

namespace dlc::lower {

using namespace ast;
using ir::OpKind;
using sema::BuiltinId;

Binding Lowerer::lowerPlot(BuiltinId id, const CallExpr &call, const std::vector<const Expr *> &args,
                           const std::map<std::string, const Expr *> &named) {
  SourceLoc loc = call.range.begin;
  auto text = [&](const char *name) {
    auto it = named.find(name);
    return it == named.end() ? std::string() : pathOf(*it->second);
  };
  auto path = [&]() {
    std::string p = pathOf(*args[0]);
    if (p.empty() && !failed_) {
      diags_.error(args[0]->range, "the file name is empty");
      failed_ = true;
    }
    return p;
  };
  switch (id) {
  case BuiltinId::Series: {
    Binding b;
    b.kind = Binding::Series;
    b.series = seriesCount_++;
    ir::Op *op = module_->append(region(), OpKind::Series, {}, std::nullopt, loc);
    op->attrs.axis = b.series;
    op->attrs.text = {pathOf(*args[0])};
    return b;
  }
  case BuiltinId::Plot: {
    ir::Attrs attrs;
    attrs.name = path();
    attrs.text = {text("title"), text("xlabel"), text("ylabel")};
    for (size_t i = 1; i < args.size(); ++i) {
      Binding s = lower(*args[i]);
      if (s.kind != Binding::Series) {
        unsupported(args[i]->range, "plotting this value");
        return Binding{};
      }
      attrs.data.push_back(static_cast<double>(s.series));
    }
    module_->append(region(), OpKind::Plot, {}, std::nullopt, loc)->attrs = attrs;
    return Binding{};
  }
  case BuiltinId::PlotBoundary: {
    Binding model = lower(*args[1]);
    Binding ds = lower(*args[2]);
    if (model.kind != Binding::Model || !model.model || ds.kind != Binding::Dataset || !ds.value || !ds.label ||
        !call.function) {
      unsupported(call.range, "this plot_boundary");
      return Binding{};
    }
    ir::Attrs attrs;
    attrs.name = path();
    attrs.axis = 400;
    if (auto it = named.find("size"); it != named.end() && it->second->constInt) attrs.axis = *it->second->constInt;
    const int64_t pixels = attrs.axis * attrs.axis;
    ir::Value *points = cast(ds.value, DType::F32, loc);
    ir::Value *grid = emit(OpKind::PlotGrid, {points}, TensorType{DType::F32, {Dim::fixed(pixels), Dim::fixed(2)}},
                           loc, attrs);
    Binding out = inlineCall(*call.function, {Binding{Binding::Value, grid, "", nullptr, nullptr}}, model.model, loc);
    if (out.kind == Binding::Storage) out = Binding{Binding::Value, load(out.storage, loc), "", nullptr, nullptr};
    if (out.kind != Binding::Value || !out.value) {
      unsupported(call.range, "this model's forward in plot_boundary");
      return Binding{};
    }
    ir::Attrs argmax;
    argmax.axis = 1;
    ir::Value *classes = emit(OpKind::Argmax, {out.value}, TensorType{DType::I32, {Dim::fixed(pixels)}}, loc, argmax);
    attrs.text = {text("title")};
    module_->append(region(), OpKind::PlotBoundary, {points, ds.label, classes}, std::nullopt, loc)->attrs = attrs;
    return Binding{};
  }
  default:
    break;
  }
  unsupported(call.range, std::string("'") + sema::builtin(id).name + "'");
  return Binding{};
}

void Lowerer::seriesAdd(const CallExpr &call) {
  auto &member = static_cast<const MemberExpr &>(*call.callee);
  Binding s = lower(*member.base);
  if (s.kind != Binding::Series || call.orderedArgs.size() != 2) {
    unsupported(member.base->range, "this series");
    return;
  }
  ir::Op *op = module_->append(region(), OpKind::SeriesAdd,
                               {value(*call.orderedArgs[0]), value(*call.orderedArgs[1])}, std::nullopt,
                               call.range.begin);
  op->attrs.axis = s.series;
}

}  // namespace dlc::lower
