// Host-side ops: constants, creation and random tensors (the context's
// generator, drawn in row-major order as torch draws), seed, storage
// (Load/Store), print and size.
#include "codegen/x86/Emitter.h"

#include <algorithm>

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

// dl_dtype's numbering (dl_runtime.h).
int32_t Emitter::runtimeDType(DType dtype) {
  switch (dtype) {
  case DType::F32: return 0;
  case DType::F64: return 1;
  case DType::I32: return 2;
  case DType::Bool: return 3;
  }
  return 0;
}

// ---- Constants and creation -------------------------------------------------------

// A number as an element of `dtype`: f32 rounded to nearest, i32 toward zero.
llvm::Constant *Emitter::constantElement(DType dtype, double value) {
  llvm::Type *ty = elementType(dtype);
  switch (dtype) {
  case DType::F32: return llvm::ConstantFP::get(ty, static_cast<double>(static_cast<float>(value)));
  case DType::F64: return llvm::ConstantFP::get(ty, value);
  case DType::I32: return llvm::ConstantInt::get(ty, static_cast<uint64_t>(static_cast<int64_t>(value)), true);
  case DType::Bool: return llvm::ConstantInt::get(ty, value != 0 ? 1 : 0);
  }
  return nullptr;
}

void Emitter::emitConstant(const ir::Op &op) {
  const TensorType &type = op.result->type;
  const auto &data = op.attrs.data;
  std::optional<int64_t> count = type.staticElementCount();
  if (!count) return internalError(op.loc, "a constant needs a static shape, not " + type.str());
  std::vector<Value *> dims = resultDims(type, {});
  if (data.size() != static_cast<size_t>(*count) && data.size() != 1)
    return internalError(op.loc, "a constant of " + type.str() + " has " + std::to_string(data.size()) + " elements");
  llvm::Type *ty = elementType(type.dtype);
  auto element = [&](double d) { return constantElement(type.dtype, d); };
  if (data.size() == 1 && *count > 4096) {  // one value, many elements: fill at run time
    RtTensor out = allocate(type.dtype, dims);
    loop(i64(0), product(dims), [&](Value *i) { storeElement(out, i, element(data[0])); });
    return define(op, out);
  }
  std::vector<llvm::Constant *> elements;
  for (int64_t i = 0; i < *count; ++i) elements.push_back(element(data.size() == 1 ? data[0] : data[static_cast<size_t>(i)]));
  if (elements.empty()) elements.push_back(element(0));  // a valid address for an empty tensor
  auto *arrayTy = llvm::ArrayType::get(ty, elements.size());
  auto *global = new llvm::GlobalVariable(*out_, arrayTy, true, llvm::GlobalValue::PrivateLinkage,
                                          llvm::ConstantArray::get(arrayTy, elements), "const");
  global->setAlignment(llvm::Align(32));
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  define(op, RtTensor{type.dtype, global, dims});
}

std::vector<Value *> Emitter::creationDims(const ir::Op &op, size_t first) {
  std::vector<Value *> dims;
  size_t next = first;
  for (const Dim &d : op.result->type.dims) {
    if (d.isStatic()) {
      dims.push_back(i64(d.size));
    } else if (next < op.operands.size()) {
      Value *n = b_.CreateSExt(scalar(op.operands[next++], DType::I32), b_.getInt64Ty());
      failIf(b_.CreateICmpSLT(n, i64(0)), "negative size {} for a new tensor", op.loc, n);
      dims.push_back(n);
    } else {
      dims.push_back(symbolSize(d, op.loc));
    }
  }
  return dims;
}

void Emitter::emitCreation(const ir::Op &op) {
  const TensorType &type = op.result->type;
  RtTensor out = allocate(type.dtype, creationDims(op, 0));
  if (op.kind == OpKind::Fill) {
    Value *v = constantElement(type.dtype, op.attrs.value);
    loop(i64(0), product(out.dims), [&](Value *i) { storeElement(out, i, v); });
  } else {  // Arange: 0, 1, ..., n-1
    if (out.rank() != 1) return internalError(op.loc, "arange makes a rank-1 tensor");
    loop(i64(0), out.dims[0], [&](Value *i) {
      storeElement(out, i, convert(b_.CreateTrunc(i, b_.getInt32Ty()), DType::I32, type.dtype));
    });
  }
  define(op, out);
}

void Emitter::emitRandom(const ir::Op &op) {
  const TensorType &type = op.result->type;
  const bool twoScalars = op.kind == OpKind::Uniform || op.kind == OpKind::Normal;
  std::vector<Value *> dims = creationDims(op, twoScalars ? 2 : 0);
  RtTensor out = allocate(type.dtype, dims);
  Value *n = product(out.dims);
  const char *suffix = type.dtype == DType::F64 ? "_f64" : "_f32";
  if (op.kind == OpKind::Randint) {
    if (type.dtype == DType::F32 || type.dtype == DType::I32) {
      callChecked(type.dtype == DType::F32 ? "dl_randint_f32" : "dl_randint_i32",
                  {ctx_, out.data, n, i64(op.attrs.lo), i64(op.attrs.hi)});
    } else {  // the same draws as i32, converted
      RtTensor drawn = allocate(DType::I32, dims);
      callChecked("dl_randint_i32", {ctx_, drawn.data, n, i64(op.attrs.lo), i64(op.attrs.hi)});
      loop(i64(0), n, [&](Value *i) { storeElement(out, i, convert(loadElement(drawn, i), DType::I32, type.dtype)); });
    }
    return define(op, out);
  }
  if (!isFloat(type.dtype)) return internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' makes floats");
  switch (op.kind) {
  case OpKind::Rand: callChecked(std::string("dl_rand") + suffix, {ctx_, out.data, n}); break;
  case OpKind::Randn: callChecked(std::string("dl_randn") + suffix, {ctx_, out.data, n}); break;
  case OpKind::Uniform:
  case OpKind::Normal: {
    Value *p = scalar(op.operands[0], DType::F64), *q = scalar(op.operands[1], DType::F64);
    callChecked(std::string(op.kind == OpKind::Uniform ? "dl_uniform" : "dl_normal") + suffix, {ctx_, out.data, n, p, q});
    break;
  }
  default: return internalError(op.loc, "unknown random op");
  }
  define(op, out);
}

void Emitter::emitSeed(const ir::Op &op) {
  Value *seed = b_.CreateSExt(scalar(op.operands[0], DType::I32), b_.getInt64Ty());
  callChecked("dl_generator_seed", {ctx_, seed});
}

// ---- Storage ------------------------------------------------------------------------

void Emitter::declareStorages() {
  for (const ir::Storage &s : module_.storages) {
    StorageSlot slot;
    slot.storage = &s;
    slot.data = entryAlloca(b_.getPtrTy(), nullptr, "storage");
    b_.CreateStore(llvm::ConstantPointerNull::get(b_.getPtrTy()), slot.data);
    if (s.type.rank() > 0)
      slot.dimsArray = entryAlloca(b_.getInt64Ty(), i64(static_cast<int64_t>(s.type.rank())), "storage.dims");
    for (size_t d = 0; d < s.type.rank(); ++d) {
      slot.dims.push_back(b_.CreateInBoundsGEP(b_.getInt64Ty(), slot.dimsArray, i64(static_cast<int64_t>(d))));
      b_.CreateStore(i64(0), slot.dims.back());
    }
    storages_[s.name] = std::move(slot);
  }
}

void Emitter::freeStorages() {
  for (auto &[name, slot] : storages_)
    callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, b_.CreateLoad(b_.getPtrTy(), slot.data)});
}

Emitter::StorageSlot *Emitter::storageFor(const ir::Op &op) {
  auto it = storages_.find(op.attrs.name);
  if (it != storages_.end()) return &it->second;
  internalError(op.loc, "no storage named '" + op.attrs.name + "'");
  return nullptr;
}

void Emitter::emitLoad(const ir::Op &op) {
  StorageSlot *slot = storageFor(op);
  if (!slot) return;
  const TensorType &type = slot->storage->type;
  Value *data = b_.CreateLoad(b_.getPtrTy(), slot->data);
  failIf(b_.CreateIsNull(data), "'" + op.attrs.name + "' is read before it is given a value", op.loc);
  std::vector<Value *> dims;
  for (size_t d = 0; d < type.rank(); ++d)
    dims.push_back(type.dims[d].isStatic() ? static_cast<Value *>(i64(type.dims[d].size)) : b_.CreateLoad(b_.getInt64Ty(), slot->dims[d]));
  if (op.result->type.rank() != type.rank() || op.result->type.dtype != type.dtype)
    return internalError(op.loc, "load of '" + op.attrs.name + "' as " + op.result->type.str() + ", but it holds " +
                                     type.str());
  if (inPlaceLoads_.count(&op)) {
    // Shares the storage's buffer, which outlives every use (InPlaceLoads.h).
    return define(op, RtTensor{type.dtype, data, resultDims(op.result->type, dims)});
  }
  RtTensor out = allocate(type.dtype, resultDims(op.result->type, dims));
  memcpyElements(out.data, data, product(out.dims), type.dtype);
  define(op, out);
}

void Emitter::emitStore(const ir::Op &op) {
  StorageSlot *slot = storageFor(op);
  if (!slot) return;
  const RtTensor &value = operand(op, 0);
  const TensorType &type = slot->storage->type;
  if (value.rank() != type.rank())
    return internalError(op.loc, "store of a rank-" + std::to_string(value.rank()) + " value into '" +
                                     op.attrs.name + "' of " + type.str());
  for (size_t d = 0; d < type.rank(); ++d)
    if (type.dims[d].isStatic() && !isConst(value.dims[d], type.dims[d].size))
      failIf(b_.CreateICmpNE(value.dims[d], i64(type.dims[d].size)),
             "'" + op.attrs.name + "' holds size {} in dimension " + std::to_string(d) + ", not {}", op.loc,
             i64(type.dims[d].size), value.dims[d]);
  if (inPlaceStores_.count(&op)) {
    // The value was computed over the storage's own buffer (InPlaceLoads.h).
    for (size_t d = 0; d < type.rank(); ++d) b_.CreateStore(value.dims[d], slot->dims[d]);
    return;
  }
  Value *count = product(value.dims);
  if (value.dtype == type.dtype && takeBuffer(op, value)) {
    // The value's buffer becomes the storage's (no copy): nothing reads it
    // after this Store, so only the storage refers to it from here on.
    callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, b_.CreateLoad(b_.getPtrTy(), slot->data)});
    b_.CreateStore(value.data, slot->data);
    for (size_t d = 0; d < type.rank(); ++d) b_.CreateStore(value.dims[d], slot->dims[d]);
    return;
  }
  Value *newSlot = entryAlloca(b_.getPtrTy(), nullptr, "store.buffer");
  callChecked("dl_buffer_alloc", {ctx_, b_.CreateMul(count, i64(elementSize(type.dtype))), newSlot});
  RtTensor stored{type.dtype, b_.CreateLoad(b_.getPtrTy(), newSlot), value.dims};
  if (value.dtype == type.dtype) {
    memcpyElements(stored.data, value.data, count, type.dtype);
  } else {
    loop(i64(0), count, [&](Value *i) {
      storeElement(stored, i, convert(loadElement(value, i), value.dtype, type.dtype));
    });
  }
  callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, b_.CreateLoad(b_.getPtrTy(), slot->data)});
  b_.CreateStore(stored.data, slot->data);
  for (size_t d = 0; d < type.rank(); ++d) b_.CreateStore(value.dims[d], slot->dims[d]);
}

// Whether `store` may take its value's buffer instead of copying it: the
// buffer is one the current region allocated (so it is freed at the region's
// end unless taken), and no value sharing its elements (the value itself, a
// reshape or transpose view of it, what it is a view of) is read in or after
// the next op that stores to the same storage (which frees the buffer), in
// this region or nested in a later op. Then the buffer is removed from the
// region's list and the storage owns it; reads before that next Store see
// the same elements as before.
bool Emitter::takeBuffer(const ir::Op &store, const RtTensor &value) {
  std::vector<Value *> &owned = scopes_.back().owned;
  auto it = std::find(owned.begin(), owned.end(), value.data);
  const ir::Region *region = store.parentRegion;
  if (it == owned.end() || !region) return false;
  std::unordered_set<const ir::Value *> sharing;
  for (const auto &[v, t] : values_)
    if (t.data == value.data) sharing.insert(v);
  size_t at = 0;
  while (at < region->ops.size() && region->ops[at].get() != &store) ++at;
  if (at == region->ops.size()) return false;
  std::function<bool(const ir::Op &)> reads = [&](const ir::Op &op) {
    for (const ir::Value *v : op.operands)
      if (sharing.count(v)) return true;
    for (auto &inner : op.regions)
      for (auto &innerOp : inner->ops)
        if (reads(*innerOp)) return true;
    return false;
  };
  // The storage frees the buffer at its next Store: every read must come before that.
  size_t end = region->ops.size();
  for (size_t j = at + 1; j < end; ++j)
    if (ir::storesTo(*region->ops[j], store.attrs.name)) end = j;
  for (size_t j = at + 1; j < region->ops.size(); ++j)
    if (reads(*region->ops[j]) && j >= end) return false;
  owned.erase(it);
  return true;
}

// ---- Print and size ---------------------------------------------------------------

// Text pieces and values alternate (text[0], value 0, text[1], ..., text[n]);
// empty pieces are skipped, and one space separates the rest, as Python's
// print(a, b, c) does.
void Emitter::emitPrint(const ir::Op &op) {
  const auto &text = op.attrs.text;
  Value *precision = i32(op.attrs.precision);
  bool first = true;
  auto separate = [&]() {
    if (!first) callChecked("dl_print_separator", {ctx_, stdout_});
    first = false;
  };
  for (size_t i = 0; i <= op.operands.size(); ++i) {
    if (i < text.size() && !text[i].empty()) {
      separate();
      callChecked("dl_print_string", {ctx_, stdout_, stringConstant(text[i])});
    }
    if (i == op.operands.size()) break;
    const RtTensor &v = operand(op, i);
    separate();
    if (v.rank() == 0) {
      Value *x = loadElement(v, i64(0));
      if (isFloat(v.dtype))
        callChecked("dl_print_scalar", {ctx_, stdout_, convert(x, v.dtype, DType::F64), precision});
      else if (v.dtype == DType::I32)
        callChecked("dl_print_i64", {ctx_, stdout_, b_.CreateSExt(x, b_.getInt64Ty())});
      else
        callChecked("dl_print_bool", {ctx_, stdout_, b_.CreateZExt(x, b_.getInt32Ty())});
      continue;
    }
    Value *dims = entryAlloca(b_.getInt64Ty(), i64(static_cast<int64_t>(v.rank())), "print.dims");
    for (size_t d = 0; d < v.rank(); ++d)
      b_.CreateStore(v.dims[d], b_.CreateInBoundsGEP(b_.getInt64Ty(), dims, i64(static_cast<int64_t>(d))));
    callChecked("dl_print_tensor", {ctx_, stdout_, i32(runtimeDType(v.dtype)), v.data,
                                    i32(static_cast<int32_t>(v.rank())), dims, precision});
  }
  callChecked("dl_print_end", {ctx_, stdout_});
}

void Emitter::emitSizeOf(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + static_cast<int64_t>(in.rank()) : op.attrs.axis;
  if (axis < 0 || axis >= static_cast<int64_t>(in.rank()))
    return internalError(op.loc, "size of dimension " + std::to_string(op.attrs.axis) + " of a rank-" +
                                     std::to_string(in.rank()) + " value");
  RtTensor out = allocate(op.result->type.dtype, {});
  Value *size = in.dims[static_cast<size_t>(axis)];
  storeElement(out, i64(0), convert(b_.CreateTrunc(size, b_.getInt32Ty()), DType::I32, out.dtype));
  define(op, out);
}

}  // namespace dlc::codegen::x86
