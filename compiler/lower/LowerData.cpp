// Lowering of the data built-ins and of loops over data (docs/language.md,
// "Data").
//
// A data set is a pair of IR values, x and y, whose first dimension is the
// rows (Binding::Dataset); `ds.x`, `ds.y` and `len(ds)` read them.
//   load_csv        LoadCsv gives each row's features and then its label;
//                   Index slices x and y out of it (y cast to i32 when the
//                   label is a class).
//   load_npy/_idx   LoadNpy / LoadIdx, typed by the binding's annotation.
//   split           Randperm(n, seed) as torch.randperm draws it; the first
//                   k = floor(fraction * n + 0.5) indices (clamped to [0, n])
//                   are train, the rest test; Take gathers their rows.
//   batches         nothing by itself (a BatchesObject). The loop over it
//                   draws the order of the rows with LoaderOrder (one
//                   DataLoader pass: shuffled or not, its generator draws
//                   included), then is a For over ceil(n / size) batches;
//                   batch b is the rows at [b * size, (b + 1) * size) of the
//                   order (clamped to n), gathered by Take.
//   save / load     SaveSafetensors of the parameters' values; LoadSafetensors
//                   with one region per parameter, storing the tensor read.
//                   Tensors are named by their path in the model ("fc1.W").
#include "lower/Lowerer.h"

namespace dlc::lower {

using namespace ast;
using ir::IndexItem;
using ir::OpKind;
using sema::BuiltinId;

namespace {

const TensorType kI32{DType::I32, {}};
const TensorType kF64{DType::F64, {}};

Binding valueOf(ir::Value *v) { return Binding{Binding::Value, v, "", nullptr, nullptr}; }

Binding datasetOf(ir::Value *x, ir::Value *y) {
  Binding b;
  b.kind = Binding::Dataset;
  b.value = x;
  b.label = y;
  return b;
}

// Index items: a slice of the rows between operands lo and hi (-1: open end).
ir::Attrs rowSlice(int lo, int hi) {
  ir::Attrs attrs;
  attrs.items.push_back(IndexItem{true, lo, hi});
  return attrs;
}

bool isConstant(const ir::Value *v) { return v->def && v->def->kind == OpKind::Constant; }

}  // namespace

ir::Value *Lowerer::rows(ir::Value *v, SourceLoc loc) {
  const Dim &d = v->type.dims[0];
  if (d.isStatic()) return constant(kI32, {static_cast<double>(d.size)}, loc);
  ir::Attrs attrs;
  attrs.axis = 0;
  return emit(OpKind::SizeOf, {v}, kI32, loc, attrs);
}

void Lowerer::check(ir::Value *cond, const std::string &message, SourceLoc loc, std::vector<ir::Value *> values) {
  std::vector<ir::Value *> operands = {cond};
  operands.insert(operands.end(), values.begin(), values.end());
  ir::Op *op = module_->append(region(), OpKind::Check, operands, std::nullopt, loc);
  op->attrs.text = {message};
}

std::string Lowerer::pathOf(const Expr &e) {
  Binding b = lower(e);
  if (b.kind == Binding::Text) return b.storage;
  unsupported(e.range, "a file path that is not a string");
  return "";
}

Binding Lowerer::lowerData(BuiltinId id, const CallExpr &call, const std::vector<const Expr *> &args,
                           const std::map<std::string, const Expr *> &named) {
  SourceLoc loc = call.range.begin;
  auto namedArg = [&](const char *name) -> const Expr * {
    auto it = named.find(name);
    return it == named.end() ? nullptr : it->second;
  };
  auto datasetArg = [&](size_t i) {
    Binding b = lower(*args[i]);
    if (b.kind != Binding::Dataset || !b.value || !b.label) unsupported(args[i]->range, "this data set");
    return b;
  };
  auto randperm = [&](ir::Value *n, const Dim &rows, const Expr *seed) {
    std::vector<ir::Value *> operands = {n};
    if (seed) operands.push_back(cast(value(*seed), DType::I32, seed->range.begin));
    return emit(OpKind::Randperm, operands, TensorType{DType::I32, {rows}}, loc);
  };

  switch (id) {
  case BuiltinId::LoadCsv: {
    TensorType x = substitute(call.type.tensor), y = substitute(call.type.label);
    const int64_t features = x.dims[1].size;
    ir::Attrs attrs;
    attrs.name = pathOf(*args[0]);
    if (const Expr *label = namedArg("label"); label && label->constInt) attrs.labelColumn = *label->constInt;
    if (const Expr *classes = namedArg("classes"); classes && classes->constInt) attrs.classes = *classes->constInt;
    if (const Expr *header = namedArg("header"); header && header->kind == ExprKind::BoolLiteral)
      attrs.header = static_cast<const BoolLiteral *>(header)->value ? 1 : 0;
    TensorType packed{DType::F32, {x.dims[0], Dim::fixed(features + 1)}};
    ir::Value *table = emit(OpKind::LoadCsv, {}, packed, loc, attrs);
    ir::Value *first = constant(kI32, {0}, loc), *label = constant(kI32, {static_cast<double>(features)}, loc);
    ir::Attrs columns;
    columns.items = {IndexItem{true, -1, -1}, IndexItem{true, 1, 2}};
    ir::Value *xs = emit(OpKind::Index, {table, first, label}, x, loc, columns);
    ir::Value *ys;
    if (attrs.classes > 0) {  // the labels are exact integers in f32
      ir::Attrs column;
      column.items = {IndexItem{true, -1, -1}, IndexItem{false, 1, -1}};
      ys = cast(emit(OpKind::Index, {table, label}, TensorType{DType::F32, y.dims}, loc, column), DType::I32, loc);
    } else {
      ir::Value *end = constant(kI32, {static_cast<double>(features + 1)}, loc);
      ys = emit(OpKind::Index, {table, label, end}, y, loc, columns);
    }
    return datasetOf(xs, ys);
  }
  case BuiltinId::LoadNpy:
  case BuiltinId::LoadIdx: {
    ir::Attrs attrs;
    attrs.name = pathOf(*args[0]);
    return valueOf(emit(id == BuiltinId::LoadNpy ? OpKind::LoadNpy : OpKind::LoadIdx, {}, typeOf(call), loc, attrs));
  }
  case BuiltinId::Dataset:
    return datasetOf(value(*args[0]), value(*args[1]));
  case BuiltinId::Split: {
    Binding ds = datasetArg(0);
    if (ds.kind != Binding::Dataset || call.type.kind != Type::Tuple || call.type.elements->size() != 2)
      return Binding{};
    ir::Value *n = rows(ds.value, loc);
    // k = floor(fraction * n + 0.5) in f64, clamped to [0, n].
    ir::Value *fraction = cast(value(*args[1]), DType::F64, args[1]->range.begin);
    ir::Value *scaled = emit(OpKind::Mul, {fraction, cast(n, DType::F64, loc)}, kF64, loc);
    ir::Value *k = cast(emit(OpKind::Add, {scaled, constant(kF64, {0.5}, loc)}, kF64, loc), DType::I32, loc);
    k = emit(OpKind::Maximum, {emit(OpKind::Minimum, {k, n}, kI32, loc), constant(kI32, {0}, loc)}, kI32, loc);
    ir::Value *perm = randperm(n, ds.value->type.dims[0], namedArg("seed"));
    Binding out;
    out.kind = Binding::Tuple;
    for (size_t part = 0; part < 2; ++part) {
      const Type &t = (*call.type.elements)[part];
      TensorType x = substitute(t.tensor), y = substitute(t.label);
      ir::Value *indices = emit(OpKind::Index, {perm, k}, TensorType{DType::I32, {x.dims[0]}}, loc,
                                part == 0 ? rowSlice(-1, 1) : rowSlice(1, -1));
      out.elements.push_back(datasetOf(emit(OpKind::Take, {ds.value, indices}, x, loc),
                                       emit(OpKind::Take, {ds.label, indices}, y, loc)));
    }
    return out;
  }
  case BuiltinId::Batches: {
    Binding ds = datasetArg(0);
    if (ds.kind != Binding::Dataset) return Binding{};
    batches_.push_back(std::make_unique<BatchesObject>());
    BatchesObject *object = batches_.back().get();
    object->x = ds.value;
    object->y = ds.label;
    object->size = cast(value(*args[1]), DType::I32, args[1]->range.begin);
    const Expr *shuffle = namedArg("shuffle");
    object->shuffle = shuffle ? value(*shuffle) : constant(TensorType{DType::Bool, {}}, {0}, loc);
    if (const Expr *seed = namedArg("seed")) object->seed = cast(value(*seed), DType::I32, seed->range.begin);
    Binding b;
    b.kind = Binding::Batches;
    b.batches = object;
    return b;
  }
  case BuiltinId::Save:
  case BuiltinId::Load: {
    Binding model = lower(*args[0]);
    if (model.kind != Binding::Model || !model.model) {
      unsupported(args[0]->range, "saving or loading this model");
      return Binding{};
    }
    ir::Attrs attrs;
    attrs.name = pathOf(*args[1]);
    std::vector<std::string> storages;
    std::vector<TensorType> types;
    for (auto &p : model.model->instance->parameters()) {
      attrs.text.push_back(p.path);
      storages.push_back(model.model->prefix + "." + p.path);
      types.push_back(p.member->type.tensor);
    }
    if (id == BuiltinId::Save) {
      std::vector<ir::Value *> operands;
      for (auto &s : storages) operands.push_back(load(s, loc));
      module_->append(region(), OpKind::SaveSafetensors, operands, std::nullopt, loc)->attrs = attrs;
      return Binding{};
    }
    ir::Op *op = module_->append(region(), OpKind::LoadSafetensors, {}, std::nullopt, loc);
    op->attrs = attrs;
    for (size_t i = 0; i < storages.size(); ++i) {
      ir::Region *r = module_->addRegion(*op);
      ir::Value *tensor = module_->newValue(types[i], loc, r);
      r->args.push_back(tensor);
      regions_.push_back(r);
      loadCache_.emplace_back();
      store(storages[i], tensor, loc);
      loadCache_.pop_back();
      regions_.pop_back();
    }
    forgetStoresIn(*op);
    return Binding{};
  }
  default:
    break;
  }
  unsupported(call.range, std::string("'") + sema::builtin(id).name + "'");
  return Binding{};
}

void Lowerer::lowerDataLoop(const ForStmt &loop, const Binding &iterable) {
  SourceLoc loc = loop.iterable->range.begin;
  if (loop.vars.size() != 2 || !loop.vars[0].symbol || !loop.vars[1].symbol ||
      (iterable.kind != Binding::Dataset && iterable.kind != Binding::Batches)) {
    unsupported(loop.iterable->range, "a loop over this value");
    return;
  }
  const bool rowByRow = iterable.kind == Binding::Dataset;
  ir::Value *x = rowByRow ? iterable.value : iterable.batches->x;
  ir::Value *y = rowByRow ? iterable.label : iterable.batches->y;
  TensorType xBatch = substitute(loop.vars[0].symbol->type.tensor);
  TensorType yBatch = substitute(loop.vars[1].symbol->type.tensor);
  ir::Value *n = rows(x, loc);
  ir::Value *one = constant(kI32, {1}, loc);

  ir::Value *count = n, *size = nullptr, *order = nullptr;
  if (!rowByRow) {
    const BatchesObject &b = *iterable.batches;
    size = b.size;
    if (!isConstant(size) || size->def->attrs.data.empty() || size->def->attrs.data[0] <= 0)
      check(emit(OpKind::Gt, {size, constant(kI32, {0}, loc)}, TensorType{DType::Bool, {}}, loc),
            "the batch size must be positive, not {}", loc, {size});
    // ceil(n / size), as Python's (n + size - 1) // size
    count = emit(OpKind::Div, {emit(OpKind::Add, {n, emit(OpKind::Sub, {size, one}, kI32, loc)}, kI32, loc), size},
                 kI32, loc);
    std::vector<ir::Value *> operands = {n, b.shuffle};
    if (b.seed) operands.push_back(b.seed);
    order = emit(OpKind::LoaderOrder, operands, TensorType{DType::I32, {x->type.dims[0]}}, loc);
  }

  ir::Value *zero = constant(kI32, {0}, loc);
  ir::Op *op = module_->append(region(), OpKind::For, {zero, count}, std::nullopt, loc);
  ir::Region *body = module_->addRegion(*op);
  ir::Value *index = module_->newValue(kI32, loop.vars[0].range.begin, body);
  body->args.push_back(index);
  regions_.push_back(body);
  loadCache_.emplace_back();
  ir::Value *xs, *ys;
  if (rowByRow) {
    ir::Attrs point;
    point.items = {IndexItem{false, 1, -1}};
    xs = emit(OpKind::Index, {x, index}, xBatch, loc, point);
    ys = emit(OpKind::Index, {y, index}, yBatch, loc, point);
  } else {
    ir::Value *lo = emit(OpKind::Mul, {index, size}, kI32, loc);
    ir::Value *hi = emit(OpKind::Add, {lo, size}, kI32, loc);
    ir::Value *picked =
        emit(OpKind::Index, {order, lo, hi}, TensorType{DType::I32, {xBatch.dims[0]}}, loc, rowSlice(1, 2));
    xs = emit(OpKind::Take, {x, picked}, xBatch, loc);
    ys = emit(OpKind::Take, {y, picked}, yBatch, loc);
  }
  env_[loop.vars[0].symbol] = valueOf(xs);
  env_[loop.vars[1].symbol] = valueOf(ys);
  if (rowByRow) {
    lowerBlock(loop.body);
  } else {
    batchLoops_.emplace_back(body, nullptr);
    lowerBlock(loop.body);
    progress(op, index, count, batchLoops_.back().second, loc);
    batchLoops_.pop_back();
  }
  loadCache_.pop_back();
  regions_.pop_back();
  forgetStoresIn(*op);
}

// The end of a batch loop's step: Progress with the batch, the batches, the
// enclosing loop's step and steps (0 and 0 without one) and the loss.
void Lowerer::progress(ir::Op *loop, ir::Value *batch, ir::Value *batches, ir::Value *loss, SourceLoc loc) {
  ir::Op *outer = loop->parentRegion ? loop->parentRegion->parent : nullptr;
  while (outer && outer->kind != OpKind::For) outer = outer->parentRegion ? outer->parentRegion->parent : nullptr;
  ir::Value *epoch = constant(kI32, {0}, loc), *epochs = epoch;
  if (outer && outer->regions.size() == 1 && outer->regions[0]->args.size() == 1) {
    ir::Value *lo = outer->operands[0];
    epoch = emit(OpKind::Sub, {outer->regions[0]->args[0], lo}, kI32, loc);
    epochs = emit(OpKind::Sub, {outer->operands[1], lo}, kI32, loc);
  }
  std::vector<ir::Value *> operands = {batch, batches, epoch, epochs};
  if (loss && loss->type.rank() == 0 && isFloat(loss->type.dtype)) operands.push_back(loss);
  module_->append(region(), OpKind::Progress, operands, std::nullopt, loc);
}

}  // namespace dlc::lower
