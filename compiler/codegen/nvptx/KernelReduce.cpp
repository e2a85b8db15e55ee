// Reductions, the tiled GEMM and transpose as NVPTX kernels (Kernels.h has
// their parameters and launch shapes).
//
// A reduction keeps, per thread, a partial result (value, index, valid): sums
// add; max, min and argmax keep the CPU's answer whatever the order of
// combination: NaN wins, and among equal values (or NaNs) the lower index.
// Sums are combined in a tree, so they round differently from the CPU's
// sequential (pairwise for floats) order.
#include "codegen/nvptx/KernelEmitter.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsNVPTX.h>

namespace dlc::codegen::nvptx {

using ir::OpKind;
using llvm::BasicBlock;
using llvm::Value;

namespace {
constexpr int64_t kInvalid = INT64_MAX;  // the index of "no element yet"
constexpr int kWarps = kBlockThreads / 32;
constexpr int kGemmDepth = 16;  // k per shared-memory stage
}  // namespace

bool KernelEmitter::reduceSupported(const ir::Op &op) {
  if (!op.result || op.operands.empty()) return false;
  const DType in = op.operands[0]->type.dtype, out = op.result->type.dtype;
  switch (op.kind) {
  case OpKind::ReduceTo: return in == out && in != DType::Bool;
  case OpKind::Sum: return true;
  case OpKind::Mean: return isFloat(out);
  case OpKind::ReduceMax:
  case OpKind::ReduceMin:
  case OpKind::Argmax: return in != DType::Bool;
  default: return false;
  }
}

llvm::GlobalVariable *KernelEmitter::shared(llvm::Type *element, uint64_t count, const std::string &name) {
  auto *type = llvm::ArrayType::get(element, count);
  auto *g = new llvm::GlobalVariable(m_, type, false, llvm::GlobalValue::InternalLinkage, llvm::UndefValue::get(type),
                                     name, nullptr, llvm::GlobalValue::NotThreadLocal, emulate_ ? 0 : 3);
  g->setAlignment(llvm::Align(16));
  return g;
}

// shfl.sync.down over all 32 lanes, for any element type up to 64 bits.
Value *KernelEmitter::shuffleDown(Value *v, unsigned delta) {
  llvm::Type *type = v->getType();
  unsigned bits = type->getPrimitiveSizeInBits();
  auto shuffle32 = [&](Value *word) -> Value * {
    if (emulate_)
      return b_.CreateCall(m_.getOrInsertFunction("dl_emu_shfl_down", b_.getInt32Ty(), b_.getInt32Ty(), b_.getInt32Ty()),
                           {word, i32(static_cast<int32_t>(delta))});
    return b_.CreateIntrinsic(llvm::Intrinsic::nvvm_shfl_sync_down_i32, {},
                              {i32(-1), word, i32(static_cast<int32_t>(delta)), i32(0x1f)});
  };
  if (bits == 64) {
    Value *w = b_.CreateBitCast(v, b_.getInt64Ty());
    Value *lo = shuffle32(b_.CreateTrunc(w, b_.getInt32Ty()));
    Value *hi = shuffle32(b_.CreateTrunc(b_.CreateLShr(w, 32), b_.getInt32Ty()));
    Value *joined = b_.CreateOr(b_.CreateZExt(lo, b_.getInt64Ty()), b_.CreateShl(b_.CreateZExt(hi, b_.getInt64Ty()), 32));
    return b_.CreateBitCast(joined, type);
  }
  if (bits == 32) return b_.CreateBitCast(shuffle32(b_.CreateBitCast(v, b_.getInt32Ty())), type);
  return b_.CreateTrunc(shuffle32(b_.CreateZExt(v, b_.getInt32Ty())), type);  // i8
}

void KernelEmitter::buildReduce(const ir::Op &op, const KernelInfo &info) {
  const OpKind kind = op.kind == OpKind::ReduceTo ? OpKind::Sum : op.kind;
  const DType inT = op.operands[0]->type.dtype, outT = op.result->type.dtype;
  const bool sum = kind == OpKind::Sum || kind == OpKind::Mean;
  const DType accT = sum ? outT : inT;  // sums accumulate in the result's dtype, as on the CPU
  const bool fp = isFloat(accT);
  llvm::Type *accTy = elementType(accT);
  kernel(info.name, 2, 3);
  Value *out = f_->getArg(0), *in = f_->getArg(1);
  Value *outer = f_->getArg(2), *n = f_->getArg(3), *inner = f_->getArg(4);
  Value *tid = special(llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x);
  Value *block = special(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x);
  Value *blocks = special(llvm::Intrinsic::nvvm_read_ptx_sreg_nctaid_x);
  Value *threads = special(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x);

  Value *accSlot = b_.CreateAlloca(accTy, nullptr, "acc");
  Value *indexSlot = b_.CreateAlloca(b_.getInt64Ty(), nullptr, "acc.index");
  auto reset = [&]() {
    b_.CreateStore(llvm::Constant::getNullValue(accTy), accSlot);
    b_.CreateStore(i64(kInvalid), indexSlot);
  };
  // acc = combine(acc, (x, k)), x already in accT.
  auto combine = [&](Value *x, Value *k) {
    Value *acc = b_.CreateLoad(accTy, accSlot), *at = b_.CreateLoad(b_.getInt64Ty(), indexSlot);
    if (sum) {
      b_.CreateStore(fp ? b_.CreateFAdd(acc, x) : b_.CreateAdd(acc, x), accSlot);
      b_.CreateStore(i64(0), indexSlot);
      return;
    }
    Value *better = kind == OpKind::ReduceMin ? (fp ? b_.CreateFCmpOLT(x, acc) : b_.CreateICmpSLT(x, acc))
                                              : (fp ? b_.CreateFCmpOGT(x, acc) : b_.CreateICmpSGT(x, acc));
    Value *equal = fp ? b_.CreateFCmpOEQ(x, acc) : b_.CreateICmpEQ(x, acc);
    if (fp) {
      Value *xNaN = isNaN(x), *accNaN = isNaN(acc);
      better = b_.CreateOr(b_.CreateAnd(xNaN, b_.CreateNot(accNaN)), b_.CreateAnd(better, b_.CreateNot(accNaN)));
      equal = b_.CreateOr(equal, b_.CreateAnd(xNaN, accNaN));
    }
    Value *valid = b_.CreateICmpNE(k, i64(kInvalid));
    Value *take = b_.CreateOr(b_.CreateICmpEQ(at, i64(kInvalid)),
                              b_.CreateAnd(valid, b_.CreateOr(better, b_.CreateAnd(equal, b_.CreateICmpSLT(k, at)))));
    b_.CreateStore(b_.CreateSelect(take, x, acc), accSlot);
    b_.CreateStore(b_.CreateSelect(take, k, at), indexSlot);
  };
  auto element = [&](Value *base, Value *k) {
    return convert(load(inT, in, b_.CreateAdd(base, b_.CreateMul(k, inner))), inT, accT);
  };
  auto finish = [&](Value *o) {
    Value *acc = b_.CreateLoad(accTy, accSlot);
    Value *result;
    if (kind == OpKind::Mean) result = b_.CreateFDiv(acc, b_.CreateSIToFP(n, accTy));
    else if (kind == OpKind::Argmax)
      result = convert(b_.CreateTrunc(b_.CreateLoad(b_.getInt64Ty(), indexSlot), b_.getInt32Ty()), DType::I32, outT);
    else result = convert(acc, accT, outT);
    store(outT, out, o, result);
  };

  BasicBlock *rows = BasicBlock::Create(c_, "rows", f_), *columns = BasicBlock::Create(c_, "columns", f_);
  b_.CreateCondBr(b_.CreateICmpEQ(inner, i64(1)), rows, columns);

  // inner > 1: a thread per output, k in order; neighbouring threads read neighbouring elements.
  b_.SetInsertPoint(columns);
  loop(b_.CreateAdd(b_.CreateMul(block, threads), tid), b_.CreateMul(outer, inner), b_.CreateMul(blocks, threads),
       [&](Value *o) {
         Value *base = b_.CreateAdd(b_.CreateMul(b_.CreateUDiv(o, inner), b_.CreateMul(n, inner)), b_.CreateURem(o, inner));
         reset();
         loop(i64(0), n, i64(1), [&](Value *k) { combine(element(base, k), k); });
         finish(o);
       });
  b_.CreateRetVoid();

  // inner == 1: a block per output row; threads stride over k, then warps
  // combine by shuffles and the warps' results meet in shared memory.
  b_.SetInsertPoint(rows);
  llvm::GlobalVariable *sharedAcc = shared(accTy, kWarps, info.name + ".acc");
  llvm::GlobalVariable *sharedIndex = shared(b_.getInt64Ty(), kWarps, info.name + ".index");
  Value *lane = b_.CreateAnd(tid, i64(31)), *warp = b_.CreateLShr(tid, 5);
  auto warpCombine = [&]() {
    for (unsigned delta = 16; delta >= 1; delta /= 2) {
      Value *x = shuffleDown(b_.CreateLoad(accTy, accSlot), delta);
      Value *k = shuffleDown(b_.CreateLoad(b_.getInt64Ty(), indexSlot), delta);
      // Lanes past the warp's end get their own value back: only lane 0's result is used.
      combine(x, k);
    }
  };
  loop(block, outer, blocks, [&](Value *row) {
    Value *base = b_.CreateMul(row, n);
    reset();
    loop(tid, n, threads, [&](Value *k) { combine(element(base, k), k); });
    warpCombine();
    auto *write = BasicBlock::Create(c_, "warp.write", f_), *written = BasicBlock::Create(c_, "warp.written", f_);
    b_.CreateCondBr(b_.CreateICmpEQ(lane, i64(0)), write, written);
    b_.SetInsertPoint(write);
    b_.CreateStore(b_.CreateLoad(accTy, accSlot), b_.CreateInBoundsGEP(accTy, sharedAcc, warp));
    b_.CreateStore(b_.CreateLoad(b_.getInt64Ty(), indexSlot), b_.CreateInBoundsGEP(b_.getInt64Ty(), sharedIndex, warp));
    b_.CreateBr(written);
    b_.SetInsertPoint(written);
    barrier();
    auto *last = BasicBlock::Create(c_, "block.combine", f_), *done = BasicBlock::Create(c_, "block.done", f_);
    b_.CreateCondBr(b_.CreateICmpEQ(warp, i64(0)), last, done);
    b_.SetInsertPoint(last);
    Value *have = b_.CreateICmpULT(lane, i64(kWarps));
    Value *at = b_.CreateSelect(have, lane, i64(0));
    Value *x = b_.CreateLoad(accTy, b_.CreateInBoundsGEP(accTy, sharedAcc, at));
    Value *k = b_.CreateLoad(b_.getInt64Ty(), b_.CreateInBoundsGEP(b_.getInt64Ty(), sharedIndex, at));
    b_.CreateStore(b_.CreateSelect(have, x, llvm::Constant::getNullValue(accTy)), accSlot);
    b_.CreateStore(b_.CreateSelect(have, k, i64(kInvalid)), indexSlot);
    if (sum) b_.CreateStore(i64(0), indexSlot);
    warpCombine();
    auto *store0 = BasicBlock::Create(c_, "row.store", f_);
    b_.CreateCondBr(b_.CreateICmpEQ(lane, i64(0)), store0, done);
    b_.SetInsertPoint(store0);
    finish(row);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    barrier();  // shared memory is reused by the next row
  });
  b_.CreateRetVoid();
}

void KernelEmitter::buildGemm(const ir::Op &op, const KernelInfo &info) {
  for (int tile : kGemmTiles) buildGemmTile(op, info.name + "_t" + std::to_string(tile), tile);
}

void KernelEmitter::buildGemmTile(const ir::Op &op, const std::string &name, int tile) {
  const DType t = op.result->type.dtype;
  llvm::Type *ty = elementType(t);
  kernel(name, 3, 7);
  Value *c = f_->getArg(0), *a = f_->getArg(1), *bm = f_->getArg(2);
  Value *M = f_->getArg(3), *N = f_->getArg(4), *K = f_->getArg(5);
  Value *rsA = f_->getArg(6), *csA = f_->getArg(7), *rsB = f_->getArg(8), *csB = f_->getArg(9);
  const int depth = kGemmDepth, side = 16, micro = tile / side;  // 16 × 16 threads
  llvm::GlobalVariable *tileA = shared(ty, depth * tile, name + ".a");  // [k][row]
  llvm::GlobalVariable *tileB = shared(ty, depth * tile, name + ".b");  // [k][column]
  Value *tid = special(llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x);
  Value *rowBase = b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_y), i64(tile));
  Value *colBase = b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x), i64(tile));
  Value *tx = b_.CreateURem(tid, i64(side)), *ty_ = b_.CreateUDiv(tid, i64(side));
  Value *zero = llvm::ConstantFP::get(ty, 0.0);
  std::vector<Value *> acc(micro * micro);
  for (auto &slot : acc) {
    slot = b_.CreateAlloca(ty);
    b_.CreateStore(zero, slot);
  }
  const int loads = depth * tile / kBlockThreads;
  // Element (i, j) of an operand with `rows` x `cols` elements and strides
  // rs, cs; zero outside it (the address is clamped, so nothing out of
  // bounds is read).
  auto elementOrZero = [&](Value *base, Value *i, Value *j, Value *rows, Value *cols, Value *rs, Value *cs) {
    Value *inside = b_.CreateAnd(b_.CreateICmpSLT(i, rows), b_.CreateICmpSLT(j, cols));
    Value *offset = b_.CreateSelect(inside, b_.CreateAdd(b_.CreateMul(i, rs), b_.CreateMul(j, cs)), i64(0));
    return b_.CreateSelect(inside, load(t, base, offset), zero);
  };
  loop(i64(0), K, i64(depth), [&](Value *k0) {
    for (int l = 0; l < loads; ++l) {
      Value *e = b_.CreateAdd(tid, i64(l * kBlockThreads));
      // A: `tile` rows × 16 k; consecutive threads take consecutive k of a row.
      Value *r = b_.CreateUDiv(e, i64(depth)), *kk = b_.CreateURem(e, i64(depth));
      Value *x = elementOrZero(a, b_.CreateAdd(rowBase, r), b_.CreateAdd(k0, kk), M, K, rsA, csA);
      b_.CreateStore(x, b_.CreateInBoundsGEP(ty, tileA, b_.CreateAdd(b_.CreateMul(kk, i64(tile)), r)));
      // B: 16 k × `tile` columns; consecutive threads take consecutive columns.
      Value *kb = b_.CreateUDiv(e, i64(tile)), *col = b_.CreateURem(e, i64(tile));
      Value *y = elementOrZero(bm, b_.CreateAdd(k0, kb), b_.CreateAdd(colBase, col), K, N, rsB, csB);
      b_.CreateStore(y, b_.CreateInBoundsGEP(ty, tileB, b_.CreateAdd(b_.CreateMul(kb, i64(tile)), col)));
    }
    barrier();
    for (int kk = 0; kk < depth; ++kk) {
      std::vector<Value *> as(micro), bs(micro);
      for (int i = 0; i < micro; ++i) {
        Value *ai = b_.CreateAdd(i64(kk * tile + i), b_.CreateMul(ty_, i64(micro)));
        as[i] = b_.CreateLoad(ty, b_.CreateInBoundsGEP(ty, tileA, ai));
        Value *bi = b_.CreateAdd(i64(kk * tile + i), b_.CreateMul(tx, i64(micro)));
        bs[i] = b_.CreateLoad(ty, b_.CreateInBoundsGEP(ty, tileB, bi));
      }
      for (int i = 0; i < micro; ++i)
        for (int j = 0; j < micro; ++j) {
          Value *slot = acc[i * micro + j];
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(ty, slot), b_.CreateFMul(as[i], bs[j])), slot);
        }
    }
    barrier();
  });
  for (int i = 0; i < micro; ++i)
    for (int j = 0; j < micro; ++j) {
      Value *row = b_.CreateAdd(rowBase, b_.CreateAdd(b_.CreateMul(ty_, i64(micro)), i64(i)));
      Value *col = b_.CreateAdd(colBase, b_.CreateAdd(b_.CreateMul(tx, i64(micro)), i64(j)));
      auto *write = BasicBlock::Create(c_, "c.write", f_), *next = BasicBlock::Create(c_, "c.next", f_);
      b_.CreateCondBr(b_.CreateAnd(b_.CreateICmpSLT(row, M), b_.CreateICmpSLT(col, N)), write, next);
      b_.SetInsertPoint(write);
      store(t, c, b_.CreateAdd(b_.CreateMul(row, N), col), b_.CreateLoad(ty, acc[i * micro + j]));
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
    }
  b_.CreateRetVoid();
}

void KernelEmitter::buildTranspose(const ir::Op &op, const KernelInfo &info) {
  const DType t = op.result->type.dtype;
  kernel(info.name, 2, 3);
  Value *out = f_->getArg(0), *in = f_->getArg(1);
  Value *batch = f_->getArg(2), *rows = f_->getArg(3), *cols = f_->getArg(4);
  Value *matrix = b_.CreateMul(rows, cols);
  Value *first = b_.CreateAdd(b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x),
                                           special(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x)),
                              special(llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x));
  Value *step = b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_nctaid_x),
                             special(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x));
  loop(first, b_.CreateMul(batch, matrix), step, [&](Value *e) {
    // out[b, j, i] = in[b, i, j]; e walks the output in order.
    Value *bIndex = b_.CreateUDiv(e, matrix), *rest = b_.CreateURem(e, matrix);
    Value *j = b_.CreateUDiv(rest, rows), *i = b_.CreateURem(rest, rows);
    Value *source = b_.CreateAdd(b_.CreateMul(bIndex, matrix), b_.CreateAdd(b_.CreateMul(i, cols), j));
    store(t, out, e, load(t, in, source));
  });
  b_.CreateRetVoid();
}

}  // namespace dlc::codegen::nvptx
