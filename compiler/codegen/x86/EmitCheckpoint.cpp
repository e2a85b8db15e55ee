// Checkpoints and the progress line (dl_training.h): Resume, ResumeIndex and
// Checkpoint, which passes/Resumable.cpp places, and Progress, which a batch
// loop's lowering puts at the end of each step.
//
// The checkpoint functions take every storage of the program at once, as
// arrays in main's frame filled when main starts (the storage table): their
// names, dtypes, ranks and static sizes (-1 where symbolic), and the
// addresses of each storage's buffer pointer and sizes, so that a checkpoint
// reads the storages as they are and a restore replaces them. A fingerprint
// of the storages and the loop depth tells a checkpoint of another program.
// Functions' return slots are left out (they are never live at a checkpoint).
#include "codegen/x86/Emitter.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

namespace {

bool hasCheckpoint(const ir::Region &region) {
  for (auto &op : region.ops) {
    if (op->kind == OpKind::Checkpoint) return true;
    for (auto &inner : op->regions)
      if (hasCheckpoint(*inner)) return true;
  }
  return false;
}

// FNV-1a, 64 bits.
uint64_t fingerprintOf(const std::string &text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

void Emitter::prepareCheckpoints() {
  if (!hasCheckpoint(module_.main())) {
    callChecked("dl_checkpoint_none", {ctx_});
    return;
  }
  std::vector<Value *> names, dtypes, ranks, staticDims, buffers, dims;
  std::string description;
  for (const auto &[name, slot] : storages_) {
    // A function's return slot is written and read within the inlined call,
    // which never contains the checkpoint: it holds nothing to resume.
    if (name.rfind("return.", 0) == 0) continue;
    const TensorType &type = slot.storage->type;
    names.push_back(stringConstant(name));
    dtypes.push_back(i32(runtimeDType(type.dtype)));
    ranks.push_back(i32(static_cast<int32_t>(type.rank())));
    std::vector<Value *> sizes;
    for (const Dim &d : type.dims) sizes.push_back(i64(d.isStatic() ? d.size : -1));
    staticDims.push_back(sizes.empty() ? static_cast<Value *>(llvm::ConstantPointerNull::get(b_.getPtrTy()))
                                       : arrayOf(b_.getInt64Ty(), sizes, "storage.static"));
    buffers.push_back(slot.data);
    dims.push_back(slot.dimsArray ? slot.dimsArray
                                  : static_cast<Value *>(llvm::ConstantPointerNull::get(b_.getPtrTy())));
    description += name + " " + std::to_string(static_cast<int>(slot.storage->kind)) + " " + type.str() + ";";
  }
  storageTable_.names = arrayOf(b_.getPtrTy(), names, "storage.names");
  storageTable_.dtypes = arrayOf(b_.getInt32Ty(), dtypes, "storage.dtypes");
  storageTable_.ranks = arrayOf(b_.getInt32Ty(), ranks, "storage.ranks");
  storageTable_.staticDims = arrayOf(b_.getPtrTy(), staticDims, "storage.staticdims");
  storageTable_.buffers = arrayOf(b_.getPtrTy(), buffers, "storage.buffers");
  storageTable_.dims = arrayOf(b_.getPtrTy(), dims, "storage.dimarrays");
  storageTable_.count = static_cast<int64_t>(names.size());
  storageTable_.fingerprint = fingerprintOf(description);
}

void Emitter::emitCheckpointOp(const ir::Op &op) {
  const StorageTable &t = storageTable_;
  // Checkpoint and Resume: the fingerprint also covers the loop depth.
  const int32_t depth = static_cast<int32_t>(op.attrs.axis);
  Value *fingerprint = i64(static_cast<int64_t>(t.fingerprint ^ (static_cast<uint64_t>(depth) * 0x9E3779B97F4A7C15ULL)));
  switch (op.kind) {
  case OpKind::Resume:
    if (!t.names) return internalError(op.loc, "resume without a checkpoint");
    return callChecked("dl_checkpoint_restore",
                       {ctx_, stringConstant(op.attrs.name), fingerprint, i32(depth), i64(t.count), t.names, t.dtypes,
                        t.ranks, t.staticDims, t.buffers, t.dims});
  case OpKind::ResumeIndex: {
    Value *index = callRuntime("dl_checkpoint_position", b_.getInt64Ty(), {ctx_, i32(static_cast<int32_t>(op.attrs.axis))});
    RtTensor out = allocate(DType::I32, {});
    storeElement(out, i64(0), b_.CreateTrunc(index, b_.getInt32Ty()));
    return define(op, out);
  }
  case OpKind::Checkpoint: {
    if (!t.names) return internalError(op.loc, "checkpoint without a storage table");
    // The indices of the enclosing loops, outermost first.
    std::vector<Value *> position;
    for (const ir::Region *r = op.parentRegion; r && r->parent; r = r->parent->parentRegion)
      if (r->parent->kind == OpKind::For && r->args.size() == 1)
        position.insert(position.begin(), b_.CreateSExt(scalar(r->args[0], DType::I32), b_.getInt64Ty()));
    if (static_cast<int32_t>(position.size()) != depth)
      return internalError(op.loc, "a checkpoint whose loops are not its recorded depth");
    Value *every = b_.CreateSExt(scalar(op.operands[0], DType::I32), b_.getInt64Ty());
    failIf(b_.CreateICmpSLT(every, i64(1)), "'every:' of checkpoint must be at least 1, not {}", op.loc, every);
    return callChecked("dl_checkpoint_step",
                       {ctx_, stringConstant(op.attrs.name), fingerprint, every, i32(depth),
                        arrayOf(b_.getInt64Ty(), position, "checkpoint.position"), i64(t.count), t.names, t.dtypes,
                        t.ranks, t.buffers, t.dims});
  }
  case OpKind::Progress: {
    if (op.operands.size() < 4 || op.operands.size() > 5)
      return internalError(op.loc, "progress takes batch, batches, epoch, epochs and an optional loss");
    std::vector<Value *> args = {ctx_};
    for (size_t i : {2, 3, 0, 1}) args.push_back(b_.CreateSExt(scalar(op.operands[i], DType::I32), b_.getInt64Ty()));
    const bool hasLoss = op.operands.size() == 5;
    args.push_back(i32(hasLoss ? 1 : 0));
    args.push_back(hasLoss ? scalar(op.operands[4], DType::F64)
                           : static_cast<Value *>(llvm::ConstantFP::get(b_.getDoubleTy(), 0.0)));
    return callChecked("dl_progress_update", args);
  }
  default:
    return internalError(op.loc, std::string("no code generation for '") + ir::spelling(op.kind) + "'");
  }
}

}  // namespace dlc::codegen::x86
