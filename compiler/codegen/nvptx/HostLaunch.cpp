// See HostLaunch.h. Sizes, broadcasting checks and the storage protocol are
// the x86 emitter's (EmitElementwise.cpp mapElements, EmitReduce.cpp,
// EmitHost.cpp Load/Store), so both programs fail the same way on bad sizes.
#include "codegen/nvptx/HostLaunch.h"

#include <algorithm>

#include <llvm/IR/Constants.h>

namespace dlc::codegen::nvptx {

using ir::OpKind;
using llvm::BasicBlock;
using llvm::Value;
using x86::RtTensor;

void DeviceLauncher::emitEnable() {
  auto &b = e_.b_;
  auto *init = llvm::ConstantDataArray::getString(e_.llvm_, ptx_);
  auto *global = new llvm::GlobalVariable(*e_.out_, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init,
                                          "dl_ptx");
  global->setAlignment(llvm::Align(16));
  e_.callChecked("dl_cuda_enable", {e_.ctx_, global});
  (void)b;
}

void DeviceLauncher::emitProgram() {
  auto &b = e_.b_;
  Value *activeSlot = e_.entryAlloca(b.getInt32Ty(), nullptr, "cuda.active");
  e_.callChecked("dl_cuda_start", {e_.ctx_, activeSlot});
  BasicBlock *device = BasicBlock::Create(e_.llvm_, "program.cuda", e_.main_);
  BasicBlock *host = BasicBlock::Create(e_.llvm_, "program.cpu", e_.main_);
  BasicBlock *join = BasicBlock::Create(e_.llvm_, "program.end", e_.main_);
  b.CreateCondBr(b.CreateICmpNE(b.CreateLoad(b.getInt32Ty(), activeSlot), e_.i32(0)), device, host);
  b.SetInsertPoint(device);
  onDevice_ = true;
  e_.emitRegion(e_.module_.main());
  onDevice_ = false;
  b.CreateBr(join);
  b.SetInsertPoint(host);
  e_.emitRegion(e_.module_.main());
  b.CreateBr(join);
  b.SetInsertPoint(join);
}

bool DeviceLauncher::emit(const ir::Op &op) {
  if (!onDevice_) return false;
  auto kernel = kernels_.find(&op);
  if (kernel != kernels_.end() && launchKernel(op, kernel->second)) return true;
  switch (op.kind) {
  case OpKind::Load: emitLoad(op); return true;
  case OpKind::Store: emitStore(op); return true;
  case OpKind::Reshape: onHost(op, 1, false); return true;  // shares operand 0's elements
  case OpKind::Checkpoint:
    // dl_checkpoint_step reads every storage from the host. (It saves only
    // every `every` steps, but the state is copied back at each: to improve.)
    storagesOnHost(true);
    onHost(op);
    return true;
  case OpKind::Resume:
    onHost(op);
    storagesOnHost(false);  // restored by the host
    return true;
  case OpKind::Transpose:
    if (e_.transposeViews_.count(&op) || op.operands[0]->type.rank() < 2) {
      onHost(op, 1, false);  // a view: no elements move
      return true;
    }
    break;
  default: break;
  }
  onHost(op);
  return true;
}

// ---- Host ops ---------------------------------------------------------------------

void DeviceLauncher::onHost(const ir::Op &op, size_t firstOperand, bool wrote) {
  for (size_t i = firstOperand; i < op.operands.size(); ++i) {
    auto it = e_.values_.find(op.operands[i]);
    if (it != e_.values_.end()) toHost(it->second);
  }
  e_.emitOnHost(op);
  if (wrote && op.result) {
    // A constant in read-only data never changes: its device copy, once made, stays current.
    auto it = e_.values_.find(op.result);
    if (it != e_.values_.end() && !llvm::isa<llvm::GlobalVariable>(it->second.data)) hostWrote(it->second);
  }
}

void DeviceLauncher::storagesOnHost(bool read) {
  auto &b = e_.b_;
  for (auto &[name, slot] : e_.storages_) {
    const TensorType &type = slot.storage->type;
    RtTensor t{type.dtype, b.CreateLoad(b.getPtrTy(), slot.data), {}};
    for (size_t d = 0; d < type.rank(); ++d)
      t.dims.push_back(type.dims[d].isStatic() ? static_cast<Value *>(e_.i64(type.dims[d].size))
                                               : b.CreateLoad(b.getInt64Ty(), slot.dims[d]));
    if (read) toHost(t);
    else hostWrote(t);
  }
}

void DeviceLauncher::toHost(const RtTensor &t) {
  if (t.data) e_.callChecked("dl_cuda_to_host", {e_.ctx_, t.data, bytes(t)});
}

void DeviceLauncher::hostWrote(const RtTensor &t) {
  if (t.data) e_.callRuntime("dl_cuda_host_wrote", e_.b_.getVoidTy(), {e_.ctx_, t.data, bytes(t)});
}

Value *DeviceLauncher::bytes(const RtTensor &t) {
  return e_.b_.CreateMul(e_.product(t.dims), e_.i64(x86::Emitter::elementSize(t.dtype)));
}

void DeviceLauncher::emitLoad(const ir::Op &op) {
  auto &b = e_.b_;
  x86::Emitter::StorageSlot *slot = e_.storageFor(op);
  if (!slot) return;
  const TensorType &type = slot->storage->type;
  Value *data = b.CreateLoad(b.getPtrTy(), slot->data);
  e_.failIf(b.CreateIsNull(data), "'" + op.attrs.name + "' is read before it is given a value", op.loc);
  std::vector<Value *> dims;
  for (size_t d = 0; d < type.rank(); ++d)
    dims.push_back(type.dims[d].isStatic() ? static_cast<Value *>(e_.i64(type.dims[d].size))
                                           : b.CreateLoad(b.getInt64Ty(), slot->dims[d]));
  if (op.result->type.rank() != type.rank() || op.result->type.dtype != type.dtype)
    return e_.internalError(op.loc, "load of '" + op.attrs.name + "' as " + op.result->type.str() +
                                        ", but it holds " + type.str());
  if (e_.inPlaceLoads_.count(&op)) return e_.define(op, RtTensor{type.dtype, data, e_.resultDims(op.result->type, dims)});
  RtTensor out = e_.allocate(type.dtype, e_.resultDims(op.result->type, dims));
  e_.callChecked("dl_cuda_copy", {e_.ctx_, out.data, data, bytes(out)});
  e_.define(op, out);
}

void DeviceLauncher::emitStore(const ir::Op &op) {
  auto &b = e_.b_;
  x86::Emitter::StorageSlot *slot = e_.storageFor(op);
  if (!slot) return;
  const RtTensor &value = e_.operand(op, 0);
  const TensorType &type = slot->storage->type;
  if (value.dtype != type.dtype || value.rank() != type.rank()) {
    // A converting store runs on the host; the new buffer is the host's.
    onHost(op, 0, false);
    RtTensor stored{type.dtype, b.CreateLoad(b.getPtrTy(), slot->data), value.dims};
    if (value.rank() == type.rank()) hostWrote(stored);
    return;
  }
  for (size_t d = 0; d < type.rank(); ++d)
    if (type.dims[d].isStatic() && !x86::Emitter::isConst(value.dims[d], type.dims[d].size))
      e_.failIf(b.CreateICmpNE(value.dims[d], e_.i64(type.dims[d].size)),
                "'" + op.attrs.name + "' holds size {} in dimension " + std::to_string(d) + ", not {}", op.loc,
                e_.i64(type.dims[d].size), value.dims[d]);
  Value *size = bytes(value);
  Value *newSlot = e_.entryAlloca(b.getPtrTy(), nullptr, "store.buffer");
  e_.callChecked("dl_buffer_alloc", {e_.ctx_, size, newSlot});
  Value *fresh = b.CreateLoad(b.getPtrTy(), newSlot);
  e_.callChecked("dl_cuda_copy", {e_.ctx_, fresh, value.data, size});
  e_.callRuntime("dl_buffer_free", b.getVoidTy(), {e_.ctx_, b.CreateLoad(b.getPtrTy(), slot->data)});
  b.CreateStore(fresh, slot->data);
  for (size_t d = 0; d < type.rank(); ++d) b.CreateStore(value.dims[d], slot->dims[d]);
}

// ---- Launches -----------------------------------------------------------------------

Value *DeviceLauncher::blocksFor(Value *threads) {
  auto &b = e_.b_;
  Value *blocks = b.CreateSDiv(b.CreateAdd(threads, e_.i64(kBlockThreads - 1)), e_.i64(kBlockThreads));
  Value *cap = e_.i64(int64_t(1) << 20);
  return b.CreateSelect(b.CreateICmpSGT(blocks, cap), cap, blocks);
}

void DeviceLauncher::launch(const ir::Op &op, const KernelInfo &info, Value *gridX, Value *gridY,
                            const std::vector<const RtTensor *> &tensors, const std::vector<Value *> &ints,
                            Value *name) {
  auto &b = e_.b_;
  auto *ptrArray = llvm::ArrayType::get(b.getPtrTy(), tensors.size());
  auto *byteArray = llvm::ArrayType::get(b.getInt64Ty(), tensors.size());
  auto *intArray = llvm::ArrayType::get(b.getInt64Ty(), std::max<size_t>(ints.size(), 1));
  Value *ptrs = e_.entryAlloca(ptrArray, nullptr, "launch.ptrs");
  Value *sizes = e_.entryAlloca(byteArray, nullptr, "launch.bytes");
  Value *params = e_.entryAlloca(intArray, nullptr, "launch.ints");
  for (size_t i = 0; i < tensors.size(); ++i) {
    b.CreateStore(tensors[i]->data, b.CreateConstInBoundsGEP2_64(ptrArray, ptrs, 0, i));
    b.CreateStore(bytes(*tensors[i]), b.CreateConstInBoundsGEP2_64(byteArray, sizes, 0, i));
  }
  for (size_t i = 0; i < ints.size(); ++i) b.CreateStore(ints[i], b.CreateConstInBoundsGEP2_64(intArray, params, 0, i));
  e_.callChecked("dl_cuda_launch",
                 {e_.ctx_, name ? name : e_.stringConstant(info.name), e_.stringConstant(e_.where(op.loc)), gridX, gridY,
                  e_.i64(kBlockThreads), ptrs, sizes, e_.i32(static_cast<int32_t>(tensors.size())), params,
                  e_.i32(static_cast<int32_t>(ints.size()))});
}

bool DeviceLauncher::launchKernel(const ir::Op &op, const KernelInfo &info) {
  // Operands that are region arguments (a loop index) are written by the host as it goes.
  for (const ir::Value *v : op.operands)
    if (!v->def)
      if (auto it = e_.values_.find(v); it != e_.values_.end()) hostWrote(it->second);
  switch (info.kind) {
  case KernelKind::Map: return launchMap(op, info);
  case KernelKind::Reduce: return op.kind == OpKind::ReduceTo ? launchReduceTo(op, info) : launchReduce(op, info);
  case KernelKind::Gemm: return launchGemm(op, info);
  case KernelKind::Transpose: return launchTranspose(op, info);
  }
  return false;
}

bool DeviceLauncher::launchMap(const ir::Op &op, const KernelInfo &info) {
  auto &b = e_.b_;
  const TensorType &type = op.result->type;
  std::vector<const RtTensor *> operands;
  for (size_t i = 0; i < op.operands.size(); ++i) operands.push_back(&e_.operand(op, i));
  const size_t rank = type.rank();
  // The result's sizes and the broadcasting checks, as mapElements has them.
  std::vector<Value *> dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    const Dim &rd = type.dims[d];
    Value *size = rd.isStatic() ? e_.i64(rd.size) : nullptr;
    for (const RtTensor *t : operands) {
      if (t->rank() > rank) {
        e_.internalError(op.loc, "an operand has a higher rank than the result " + type.str());
        return true;
      }
      if (d + t->rank() < rank) continue;
      Value *s = t->dims[d + t->rank() - rank];
      if (x86::Emitter::isConst(s, 1)) continue;
      if (!size) {
        size = s;
        continue;
      }
      auto *cs = llvm::dyn_cast<llvm::ConstantInt>(s);
      auto *csize = llvm::dyn_cast<llvm::ConstantInt>(size);
      if (cs && csize) continue;  // static sizes: checked by the x86 path's emitter and by sema
      Value *mismatch = b.CreateAnd(b.CreateICmpNE(s, size), b.CreateICmpNE(size, e_.i64(1)));
      e_.failIf(mismatch, "sizes {} and {} do not broadcast in dimension " + std::to_string(d), op.loc, s, size);
      if (!rd.isStatic()) size = b.CreateSelect(b.CreateICmpEQ(size, e_.i64(1)), s, size);
    }
    dims[d] = size ? size : e_.symbolSize(rd, op.loc);
  }
  RtTensor out = e_.allocate(type.dtype, dims);
  Value *total = e_.product(out.dims);
  std::vector<Value *> ints{total};
  if (!info.flat) {
    ints.insert(ints.end(), out.dims.begin(), out.dims.end());
    for (const RtTensor *t : operands) {
      std::vector<Value *> own = e_.contiguousStrides(t->dims), s(rank, e_.i64(0));
      for (size_t a = 0; a < t->rank(); ++a) {
        Value *size = t->dims[a];
        s[a + rank - t->rank()] = x86::Emitter::isConst(size, 1)
                                      ? e_.i64(0)
                                      : b.CreateSelect(b.CreateICmpEQ(size, e_.i64(1)), e_.i64(0), own[a]);
      }
      ints.insert(ints.end(), s.begin(), s.end());
    }
  }
  std::vector<const RtTensor *> tensors{&out};
  tensors.insert(tensors.end(), operands.begin(), operands.end());
  launch(op, info, blocksFor(total), e_.i64(1), tensors, ints);
  e_.define(op, out);
  return true;
}

// The Reduce kernel (KernelReduce.cpp) over `in` seen as [outer, n, inner]:
// with inner 1 it runs a block per output row (at most 2^20 blocks, which
// stride), otherwise a thread per output.
void DeviceLauncher::launchReduction(const ir::Op &op, const KernelInfo &info, const RtTensor &out,
                                     const RtTensor &in, Value *outer, Value *n, Value *inner) {
  auto &b = e_.b_;
  Value *rows = b.CreateICmpEQ(inner, e_.i64(1));
  Value *grid = b.CreateSelect(rows, b.CreateSelect(b.CreateICmpSGT(outer, e_.i64(1 << 20)), e_.i64(1 << 20), outer),
                               blocksFor(b.CreateMul(outer, inner)));
  launch(op, info, grid, e_.i64(1), {&out, &in}, {outer, n, inner});
  e_.define(op, out);
}

bool DeviceLauncher::launchReduce(const ir::Op &op, const KernelInfo &info) {
  auto &b = e_.b_;
  const RtTensor &in = e_.operand(op, 0);
  const TensorType &type = op.result->type;
  const size_t rank = in.rank();
  Value *outer = e_.i64(1), *n = nullptr, *inner = e_.i64(1);
  std::vector<Value *> dims;
  if (op.attrs.allAxes) {
    n = e_.product(in.dims);
    if (op.attrs.keepdim) dims.assign(rank, e_.i64(1));
  } else {
    int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + static_cast<int64_t>(rank) : op.attrs.axis;
    if (axis < 0 || axis >= static_cast<int64_t>(rank)) return false;  // the host path reports it
    size_t a = static_cast<size_t>(axis);
    outer = e_.product(in.dims, 0, a);
    n = in.dims[a];
    inner = e_.product(in.dims, a + 1);
    for (size_t d = 0; d < rank; ++d)
      if (d != a) dims.push_back(in.dims[d]);
      else if (op.attrs.keepdim) dims.push_back(e_.i64(1));
  }
  if (op.kind == OpKind::ReduceMax || op.kind == OpKind::ReduceMin || op.kind == OpKind::Argmax)
    e_.failIf(b.CreateICmpEQ(n, e_.i64(0)),
              std::string("cannot take '") + ir::spelling(op.kind) + "' over an empty dimension", op.loc);
  RtTensor out = e_.allocate(type.dtype, e_.resultDims(type, dims));
  launchReduction(op, info, out, in, outer, n, inner);
  return true;
}

// reduce_to on the device when its summed dims form one block (the x86
// emitter's sumBlocks case); otherwise false, and it runs on the host.
bool DeviceLauncher::launchReduceTo(const ir::Op &op, const KernelInfo &info) {
  auto &b = e_.b_;
  const RtTensor &in = e_.operand(op, 0);
  const TensorType &type = op.result->type;
  const size_t rank = in.rank(), r = type.rank();
  if (r > rank) return false;
  const size_t lead = rank - r;
  std::vector<Value *> known;
  for (size_t j = 0; j < r; ++j) known.push_back(in.dims[lead + j]);
  std::vector<Value *> outDims = e_.resultDims(type, known);
  auto isOne = [](Value *v) { return x86::Emitter::isConst(v, 1); };
  std::vector<bool> summed(rank, false);
  for (size_t a = 0; a < rank; ++a) summed[a] = !isOne(in.dims[a]) && (a < lead || isOne(outDims[a - lead]));
  size_t first = 0;
  while (first < rank && !summed[first]) ++first;
  size_t last = first;
  while (last < rank && (summed[last] || isOne(in.dims[last]))) ++last;
  if (std::find(summed.begin() + static_cast<long>(last), summed.end(), true) != summed.end()) return false;
  RtTensor out = e_.allocate(type.dtype, outDims);
  for (size_t j = 0; j < r; ++j)
    if (!isOne(out.dims[j]) && out.dims[j] != in.dims[lead + j])
      e_.failIf(b.CreateICmpNE(out.dims[j], in.dims[lead + j]), "cannot sum size {} down to size {}", op.loc,
                in.dims[lead + j], out.dims[j]);
  Value *outer = e_.product(in.dims, 0, first), *n = e_.product(in.dims, first, last), *inner = e_.product(in.dims, last);
  launchReduction(op, info, out, in, outer, n, inner);
  return true;
}

bool DeviceLauncher::launchGemm(const ir::Op &op, const KernelInfo &info) {
  auto &b = e_.b_;
  const RtTensor &a = e_.operand(op, 0), &bm = e_.operand(op, 1);
  if (a.rank() != 2 || bm.rank() != 2) return false;
  Value *rows = a.dims[0], *inner = a.dims[1], *cols = bm.dims[1], *innerB = bm.dims[0];
  if (!llvm::isa<llvm::ConstantInt>(inner) || !llvm::isa<llvm::ConstantInt>(innerB))
    e_.failIf(b.CreateICmpNE(inner, innerB), "matrix product needs matching inner dimensions, got {} and {}", op.loc,
              inner, innerB);
  RtTensor out = e_.allocate(op.result->type.dtype, e_.resultDims(op.result->type, {rows, cols}));
  // A transposed view is read along its source's rows (TransposeViews.h).
  bool viewA = e_.transposedValues_.count(op.operands[0]) > 0, viewB = e_.transposedValues_.count(op.operands[1]) > 0;
  Value *rsA = viewA ? e_.i64(1) : inner, *csA = viewA ? rows : e_.i64(1);
  Value *rsB = viewB ? e_.i64(1) : cols, *csB = viewB ? innerB : e_.i64(1);
  // The largest tile that still makes about 132 blocks (an H100's multiprocessors).
  auto tiles = [&](Value *v, int tile) { return b.CreateSDiv(b.CreateAdd(v, e_.i64(tile - 1)), e_.i64(tile)); };
  Value *name = e_.stringConstant(info.name + "_t32");
  Value *gridX = tiles(cols, 32), *gridY = tiles(rows, 32);
  for (int tile : {64, 128}) {
    Value *blocks = b.CreateMul(tiles(cols, tile), tiles(rows, tile));
    Value *use = b.CreateICmpSGE(blocks, e_.i64(132));
    name = b.CreateSelect(use, e_.stringConstant(info.name + "_t" + std::to_string(tile)), name);
    gridX = b.CreateSelect(use, tiles(cols, tile), gridX);
    gridY = b.CreateSelect(use, tiles(rows, tile), gridY);
  }
  launch(op, info, gridX, gridY, {&out, &a, &bm}, {rows, cols, inner, rsA, csA, rsB, csB}, name);
  e_.define(op, out);
  return true;
}

bool DeviceLauncher::launchTranspose(const ir::Op &op, const KernelInfo &info) {
  const RtTensor &in = e_.operand(op, 0);
  const size_t rank = in.rank();
  if (rank < 2) return false;
  std::vector<Value *> dims = in.dims;
  std::swap(dims[rank - 1], dims[rank - 2]);
  RtTensor out = e_.allocate(op.result->type.dtype, e_.resultDims(op.result->type, dims));
  Value *batch = e_.product(in.dims, 0, rank - 2);
  launch(op, info, blocksFor(e_.product(out.dims)), e_.i64(1), {&out, &in}, {batch, in.dims[rank - 2], in.dims[rank - 1]});
  e_.define(op, out);
  return true;
}

}  // namespace dlc::codegen::nvptx
