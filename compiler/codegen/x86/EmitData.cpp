// Data ops: the file loaders and safetensors save/load (dl_data.h), the
// permutations of split and batches (dl_dataset.h), Take (rows gathered by
// index) and Check (a run-time condition of the program).
//
// A loader's failure (a missing file, a malformed line, a shape that does not
// match) is the runtime's message: the generated code prints
// `error: <message>` and exits 2, as for every failing runtime call.
#include "codegen/x86/Emitter.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

void Emitter::emitData(const ir::Op &op) {
  switch (op.kind) {
  case OpKind::LoadCsv: return emitLoadCsv(op);
  case OpKind::LoadNpy:
  case OpKind::LoadIdx: return emitLoadArray(op);
  case OpKind::SaveSafetensors: return emitSaveSafetensors(op);
  case OpKind::LoadSafetensors: return emitLoadSafetensors(op);
  case OpKind::Plot:
  case OpKind::PlotGrid:
  case OpKind::PlotBoundary: return emitPlot(op);
  default: return internalError(op.loc, std::string("no code generation for '") + ir::spelling(op.kind) + "'");
  }
}

Value *Emitter::arrayOf(llvm::Type *type, const std::vector<Value *> &values, const char *name) {
  Value *array = entryAlloca(type, i64(static_cast<int64_t>(std::max<size_t>(values.size(), 1))), name);
  for (size_t i = 0; i < values.size(); ++i)
    b_.CreateStore(values[i], b_.CreateInBoundsGEP(type, array, i64(static_cast<int64_t>(i))));
  return array;
}

// dl_csv_load gives x (f32 [rows, features]) and y (i32 or f32 [rows]); the
// op's result puts each row's label after its features.
void Emitter::emitLoadCsv(const ir::Op &op) {
  const TensorType &type = op.result->type;
  if (type.rank() != 2 || !type.dims[1].isStatic() || type.dims[1].size < 2 || type.dtype != DType::F32)
    return internalError(op.loc, "load_csv gives f32[rows, features + 1], not " + type.str());
  const int64_t features = type.dims[1].size - 1;
  Value *xSlot = entryAlloca(b_.getPtrTy(), nullptr, "csv.x");
  Value *ySlot = entryAlloca(b_.getPtrTy(), nullptr, "csv.y");
  Value *rowsSlot = entryAlloca(b_.getInt64Ty(), nullptr, "csv.rows");
  callChecked("dl_csv_load", {ctx_, stringConstant(op.attrs.name), i64(features), i64(op.attrs.labelColumn),
                              i64(op.attrs.classes), i32(op.attrs.header), xSlot, ySlot, rowsSlot});
  Value *x = b_.CreateLoad(b_.getPtrTy(), xSlot), *y = b_.CreateLoad(b_.getPtrTy(), ySlot);
  Value *rows = b_.CreateLoad(b_.getInt64Ty(), rowsSlot);
  if (type.dims[0].isStatic())
    failIf(b_.CreateICmpNE(rows, i64(type.dims[0].size)), "'" + op.attrs.name + "' has {} rows, the program expects {}",
           op.loc, rows, i64(type.dims[0].size));
  RtTensor out = allocate(DType::F32, resultDims(type, {rows, nullptr}));
  RtTensor ys{op.attrs.classes > 0 ? DType::I32 : DType::F32, y, {rows}};
  loop(i64(0), rows, [&](Value *r) {
    Value *from = b_.CreateMul(r, i64(features)), *to = b_.CreateMul(r, i64(features + 1));
    memcpyElements(b_.CreateInBoundsGEP(b_.getFloatTy(), out.data, to),
                   b_.CreateInBoundsGEP(b_.getFloatTy(), x, from), i64(features), DType::F32);
    storeElement(out, b_.CreateAdd(to, i64(features)), convert(loadElement(ys, r), ys.dtype, DType::F32));
  });
  callRuntime("dl_data_free", b_.getVoidTy(), {x});
  callRuntime("dl_data_free", b_.getVoidTy(), {y});
  define(op, out);
}

// The file must have the result's rank and its static sizes; symbolic sizes
// take the file's, and must agree where a symbol repeats or is already bound.
void Emitter::emitLoadArray(const ir::Op &op) {
  const TensorType &type = op.result->type;
  const int rank = static_cast<int>(type.rank());
  std::vector<Value *> wanted;
  for (const Dim &d : type.dims) wanted.push_back(i64(d.isStatic() ? d.size : -1));
  Value *want = arrayOf(b_.getInt64Ty(), wanted, "array.want");
  Value *got = arrayOf(b_.getInt64Ty(), std::vector<Value *>(type.rank(), i64(0)), "array.dims");
  Value *dataSlot = entryAlloca(b_.getPtrTy(), nullptr, "array.data");
  callChecked(op.kind == OpKind::LoadNpy ? "dl_npy_load" : "dl_idx_load",
              {ctx_, stringConstant(op.attrs.name), i32(runtimeDType(type.dtype)), i32(rank), want, dataSlot, got});
  Value *data = b_.CreateLoad(b_.getPtrTy(), dataSlot);
  scopes_.back().owned.push_back(data);  // the loaders' buffers are dl_buffer_free's
  std::vector<Value *> dims;
  std::map<const DimSymbol *, Value *> seen;
  for (size_t d = 0; d < type.rank(); ++d) {
    if (type.dims[d].isStatic()) {
      dims.push_back(i64(type.dims[d].size));
      continue;
    }
    Value *size = b_.CreateLoad(b_.getInt64Ty(), b_.CreateInBoundsGEP(b_.getInt64Ty(), got, i64(static_cast<int64_t>(d))));
    const DimSymbol *symbol = type.dims[d].symbol;
    auto bound = symbols_.find(symbol);
    auto [it, first] = seen.emplace(symbol, bound != symbols_.end() ? bound->second : size);
    if (!first || bound != symbols_.end())
      failIf(b_.CreateICmpNE(size, it->second),
             "'" + op.attrs.name + "' has size {} where the program expects " + symbol->name + " = {}", op.loc, size,
             it->second);
    dims.push_back(size);
  }
  define(op, RtTensor{type.dtype, data, dims});
}

void Emitter::emitSaveSafetensors(const ir::Op &op) {
  if (op.attrs.text.size() != op.operands.size()) return internalError(op.loc, "save needs one name per tensor");
  std::vector<Value *> names, dtypes, ranks, dims, data;
  for (size_t i = 0; i < op.operands.size(); ++i) {
    const RtTensor &t = operand(op, i);
    names.push_back(stringConstant(op.attrs.text[i]));
    dtypes.push_back(i32(runtimeDType(t.dtype)));
    ranks.push_back(i32(static_cast<int32_t>(t.rank())));
    dims.push_back(arrayOf(b_.getInt64Ty(), t.dims, "save.dims"));
    data.push_back(t.data);
  }
  callChecked("dl_safetensors_save",
              {ctx_, stringConstant(op.attrs.name), i64(static_cast<int64_t>(names.size())),
               arrayOf(b_.getPtrTy(), names, "save.names"), arrayOf(b_.getInt32Ty(), dtypes, "save.dtypes"),
               arrayOf(b_.getInt32Ty(), ranks, "save.ranks"), arrayOf(b_.getPtrTy(), dims, "save.shapes"),
               arrayOf(b_.getPtrTy(), data, "save.data")});
}

// Every tensor is read (and checked) before any region runs, so a failing
// load changes no parameter.
void Emitter::emitLoadSafetensors(const ir::Op &op) {
  if (op.attrs.text.size() != op.regions.size()) return internalError(op.loc, "load needs one region per tensor");
  std::vector<Value *> names, dtypes, ranks, dims, data;
  std::vector<RtTensor> read;
  for (size_t i = 0; i < op.regions.size(); ++i) {
    const ir::Region &r = *op.regions[i];
    if (r.args.size() != 1) return internalError(op.loc, "each region of load takes the tensor read");
    const TensorType &type = r.args[0]->type;
    read.push_back(allocate(type.dtype, resultDims(type, {})));
    names.push_back(stringConstant(op.attrs.text[i]));
    dtypes.push_back(i32(runtimeDType(type.dtype)));
    ranks.push_back(i32(static_cast<int32_t>(type.rank())));
    dims.push_back(arrayOf(b_.getInt64Ty(), read.back().dims, "load.dims"));
    data.push_back(read.back().data);
  }
  callChecked("dl_safetensors_load",
              {ctx_, stringConstant(op.attrs.name), i64(static_cast<int64_t>(names.size())),
               arrayOf(b_.getPtrTy(), names, "load.names"), arrayOf(b_.getInt32Ty(), dtypes, "load.dtypes"),
               arrayOf(b_.getInt32Ty(), ranks, "load.ranks"), arrayOf(b_.getPtrTy(), dims, "load.shapes"),
               arrayOf(b_.getPtrTy(), data, "load.data")});
  for (size_t i = 0; i < op.regions.size(); ++i) {
    values_[op.regions[i]->args[0]] = read[i];
    emitRegion(*op.regions[i]);
  }
}

// Randperm (n, seed?) and LoaderOrder (n, shuffle, seed?): an i32[n] order of rows.
void Emitter::emitRandperm(const ir::Op &op) {
  const TensorType &type = op.result->type;
  const bool loader = op.kind == OpKind::LoaderOrder;
  const size_t fixed = loader ? 2 : 1;  // operands before the optional seed
  if (op.operands.size() < fixed || op.operands.size() > fixed + 1 || type.rank() != 1 || type.dtype != DType::I32)
    return internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' has the wrong operands or type");
  Value *n = b_.CreateSExt(scalar(op.operands[0], DType::I32), b_.getInt64Ty());
  if (type.dims[0].isStatic())
    failIf(b_.CreateICmpNE(n, i64(type.dims[0].size)), "an order of {} rows where the program expects {}", op.loc, n,
           i64(type.dims[0].size));
  RtTensor out = allocate(DType::I32, resultDims(type, {n}));
  const bool seeded = op.operands.size() == fixed + 1;
  Value *seed = seeded ? b_.CreateSExt(scalar(op.operands[fixed], DType::I32), b_.getInt64Ty()) : i64(0);
  if (loader) {
    Value *shuffle = b_.CreateZExt(scalar(op.operands[1], DType::Bool), b_.getInt32Ty());
    callChecked("dl_loader_order_i32", {ctx_, out.data, n, shuffle, i32(seeded ? 1 : 0), seed});
  } else if (seeded) {
    callChecked("dl_randperm_seeded_i32", {ctx_, out.data, n, seed});
  } else {
    callChecked("dl_randperm_i32", {ctx_, out.data, n});
  }
  define(op, out);
}

// out[j] = in[indices[j]] along the first dim (torch.index_select(in, 0, indices)).
void Emitter::emitTake(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const RtTensor &indices = operand(op, 1);
  const TensorType &type = op.result->type;
  if (in.rank() == 0 || indices.rank() != 1 || type.rank() != in.rank() || in.dtype != type.dtype)
    return internalError(op.loc, "take needs rows of the result's dtype and an i32 vector of indices");
  std::vector<Value *> dims = in.dims;
  dims[0] = indices.dims[0];
  for (size_t d = 0; d < type.rank(); ++d)
    if (type.dims[d].isStatic() && !isConst(dims[d], type.dims[d].size))
      failIf(b_.CreateICmpNE(dims[d], i64(type.dims[d].size)), "taking {} rows where the program expects {}", op.loc,
             dims[d], i64(type.dims[d].size));
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  Value *row = product(in.dims, 1);
  llvm::Type *ty = elementType(type.dtype);
  loop(i64(0), indices.dims[0], [&](Value *j) {
    Value *r = b_.CreateSExt(loadElement(indices, j), b_.getInt64Ty());
    failIf(b_.CreateOr(b_.CreateICmpSLT(r, i64(0)), b_.CreateICmpSGE(r, in.dims[0])),
           "row index {} is out of range for {} rows", op.loc, r, in.dims[0]);
    memcpyElements(b_.CreateInBoundsGEP(ty, out.data, b_.CreateMul(j, row)),
                   b_.CreateInBoundsGEP(ty, in.data, b_.CreateMul(r, row)), row, type.dtype);
  });
  define(op, out);
}

void Emitter::emitCheck(const ir::Op &op) {
  if (op.operands.empty() || op.operands.size() > 3 || op.attrs.text.size() != 1)
    return internalError(op.loc, "check needs a condition, at most two values and a message");
  Value *holds = b_.CreateICmpNE(scalar(op.operands[0], DType::Bool), b_.getInt8(0));
  Value *a = op.operands.size() > 1 ? scalar(op.operands[1], DType::I32) : nullptr;
  Value *b = op.operands.size() > 2 ? scalar(op.operands[2], DType::I32) : nullptr;
  failIf(b_.CreateNot(holds), op.attrs.text[0], op.loc, a, b);
}

}  // namespace dlc::codegen::x86
