// Reductions (sum, mean, max, min, argmax, reduce_to) and matmul.
//
// Orders of summation follow PyTorch where it matters for its numbers: a
// matmul element sums k = 0..K-1 from zero in the element dtype (what the
// reference BLAS and ATen's small-matrix kernels do), a mean is the sum
// divided by the count, max/min propagate NaN, and argmax takes the first
// maximal index (NaN counting as the maximum, as in torch).
#include "codegen/x86/Emitter.h"
#include "codegen/x86/Gemm.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::BasicBlock;
using llvm::Value;

// out[o, j] = sum over k of in[o, k, j]: float sums in PyTorch's order
// (dl_sum_*), others (bool and i32 counts) from zero in order.
void Emitter::sumBlocks(const RtTensor &in, const RtTensor &out, Value *outer, Value *n, Value *inner) {
  if (isFloat(out.dtype) && in.dtype == out.dtype) {
    callRuntime(out.dtype == DType::F64 ? "dl_sum_f64" : "dl_sum_f32", b_.getVoidTy(), {in.data, out.data, outer, n, inner});
    return;
  }
  llvm::Type *ty = elementType(out.dtype);
  Value *accSlot = entryAlloca(ty, nullptr, "sum");
  loopNest({outer, inner}, [&](const Indices &idx) {
    Value *base = b_.CreateAdd(b_.CreateMul(idx[0], b_.CreateMul(n, inner)), idx[1]);
    b_.CreateStore(llvm::Constant::getNullValue(ty), accSlot);
    loop(i64(0), n, [&](Value *k) {
      Value *x = convert(loadElement(in, b_.CreateAdd(base, b_.CreateMul(k, inner))), in.dtype, out.dtype);
      Value *sum = b_.CreateLoad(ty, accSlot);
      b_.CreateStore(isFloat(out.dtype) ? b_.CreateFAdd(sum, x) : b_.CreateAdd(sum, x), accSlot);
    });
    storeElement(out, b_.CreateAdd(b_.CreateMul(idx[0], inner), idx[1]), b_.CreateLoad(ty, accSlot));
  });
}

void Emitter::emitReduce(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const TensorType &type = op.result->type;
  const size_t rank = in.rank();
  Value *outer = i64(1), *n = nullptr, *inner = i64(1);
  std::vector<Value *> dims;
  if (op.attrs.allAxes) {
    n = product(in.dims);
    if (op.attrs.keepdim) dims.assign(rank, i64(1));
  } else {
    int64_t axis = op.attrs.axis < 0 ? op.attrs.axis + static_cast<int64_t>(rank) : op.attrs.axis;
    if (axis < 0 || axis >= static_cast<int64_t>(rank))
      return internalError(op.loc, "reduction axis " + std::to_string(op.attrs.axis) + " out of range");
    size_t a = static_cast<size_t>(axis);
    outer = product(in.dims, 0, a);
    n = in.dims[a];
    inner = product(in.dims, a + 1);
    for (size_t d = 0; d < rank; ++d)
      if (d != a) dims.push_back(in.dims[d]);
      else if (op.attrs.keepdim) dims.push_back(i64(1));
  }
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  if (out.rank() != type.rank()) return internalError(op.loc, "reduction result rank does not match " + type.str());

  const bool extremum = op.kind == OpKind::ReduceMax || op.kind == OpKind::ReduceMin || op.kind == OpKind::Argmax;
  if (!extremum) {
    sumBlocks(in, out, outer, n, inner);
    if (op.kind == OpKind::Mean) {
      if (!isFloat(type.dtype)) return internalError(op.loc, "mean of a non-float tensor");
      llvm::Type *ty = elementType(type.dtype);
      loop(i64(0), b_.CreateMul(outer, inner), [&](Value *i) {
        storeElement(out, i, b_.CreateFDiv(loadElement(out, i), b_.CreateSIToFP(n, ty)));
      });
    }
    return define(op, out);
  }
  failIf(b_.CreateICmpEQ(n, i64(0)),
         std::string("cannot take '") + ir::spelling(op.kind) + "' over an empty dimension", op.loc);
  llvm::Type *accTy = elementType(in.dtype);
  Value *accSlot = entryAlloca(accTy, nullptr, "acc");
  Value *indexSlot = entryAlloca(b_.getInt64Ty(), nullptr, "acc.index");
  const bool fp = isFloat(in.dtype);

  loopNest({outer, inner}, [&](const Indices &idx) {
    Value *base = b_.CreateAdd(b_.CreateMul(idx[0], b_.CreateMul(n, inner)), idx[1]);
    auto element = [&](Value *k) { return loadElement(in, b_.CreateAdd(base, b_.CreateMul(k, inner))); };
    b_.CreateStore(element(i64(0)), accSlot);
    b_.CreateStore(i64(0), indexSlot);
    loop(i64(1), n, [&](Value *k) {
      Value *x = element(k), *best = b_.CreateLoad(accTy, accSlot);
      // NaN wins (torch propagates it) and stays; ties keep the first index.
      Value *better = op.kind == OpKind::ReduceMin ? (fp ? b_.CreateFCmpOLT(x, best) : b_.CreateICmpSLT(x, best))
                                                   : (fp ? b_.CreateFCmpOGT(x, best) : b_.CreateICmpSGT(x, best));
      Value *take = fp ? b_.CreateOr(better, b_.CreateAnd(isNaN(x), b_.CreateNot(isNaN(best)))) : better;
      b_.CreateStore(b_.CreateSelect(take, x, best), accSlot);
      b_.CreateStore(b_.CreateSelect(take, k, b_.CreateLoad(b_.getInt64Ty(), indexSlot)), indexSlot);
    });
    Value *result = op.kind == OpKind::Argmax
                        ? convert(b_.CreateTrunc(b_.CreateLoad(b_.getInt64Ty(), indexSlot), b_.getInt32Ty()), DType::I32,
                                  type.dtype)
                        : convert(b_.CreateLoad(accTy, accSlot), in.dtype, type.dtype);
    storeElement(out, b_.CreateAdd(b_.CreateMul(idx[0], inner), idx[1]), result);
  });
  define(op, out);
}

void Emitter::emitMatMul(const ir::Op &op) {
  const RtTensor &a = operand(op, 0), &bm = operand(op, 1);
  const TensorType &type = op.result->type;
  if (a.rank() < 2 || bm.rank() < 2 || type.rank() < 2)
    return internalError(op.loc, "matmul needs operands of rank 2 or more");
  const size_t ra = a.rank(), rb = bm.rank(), rank = type.rank();
  Value *rows = a.dims[ra - 2], *inner = a.dims[ra - 1], *cols = bm.dims[rb - 1];
  Value *innerB = bm.dims[rb - 2];
  if (!llvm::isa<llvm::ConstantInt>(inner) || !llvm::isa<llvm::ConstantInt>(innerB))
    failIf(b_.CreateICmpNE(inner, innerB), "matrix product needs matching inner dimensions, got {} and {}", op.loc,
           inner, innerB);

  // Batch dims broadcast like an elementwise op's.
  const size_t batch = rank - 2;
  std::vector<Value *> dims(rank);
  std::vector<Value *> strideA(batch, i64(0)), strideB(batch, i64(0));
  Value *matA = b_.CreateMul(rows, inner), *matB = b_.CreateMul(innerB, cols);
  std::vector<Value *> batchA(a.dims.begin(), a.dims.end() - 2), batchB(bm.dims.begin(), bm.dims.end() - 2);
  std::vector<Value *> ownA = contiguousStrides(batchA), ownB = contiguousStrides(batchB);
  for (size_t d = 0; d < batch; ++d) {
    Value *size = type.dims[d].isStatic() ? i64(type.dims[d].size) : nullptr;
    auto take = [&](const std::vector<Value *> &bd, const std::vector<Value *> &own, Value *mat,
                    std::vector<Value *> &stride) {
      if (d + bd.size() < batch) return;
      size_t k = d + bd.size() - batch;
      Value *s = bd[k];
      stride[d] = isConst(s, 1) ? i64(0)
                                : b_.CreateSelect(b_.CreateICmpEQ(s, i64(1)), i64(0), b_.CreateMul(own[k], mat));
      if (isConst(s, 1)) return;
      if (!size) {
        size = s;
      } else if (!(llvm::isa<llvm::ConstantInt>(s) && llvm::isa<llvm::ConstantInt>(size))) {
        failIf(b_.CreateAnd(b_.CreateICmpNE(s, size), b_.CreateICmpNE(size, i64(1))),
               "matrix product's batch sizes {} and {} do not broadcast", op.loc, s, size);
        if (!type.dims[d].isStatic()) size = b_.CreateSelect(b_.CreateICmpEQ(size, i64(1)), s, size);
      }
    };
    take(batchA, ownA, matA, strideA);
    take(batchB, ownB, matB, strideB);
    dims[d] = size ? size : symbolSize(type.dims[d], op.loc);
  }
  dims[rank - 2] = rows;
  dims[rank - 1] = cols;
  RtTensor out = allocate(type.dtype, resultDims(type, dims));

  const DType acc = type.dtype;
  if (isFloat(acc) && a.dtype == acc && bm.dtype == acc) {
    // Each matrix of the batch through the generated GEMM (Gemm.h).
    std::vector<Value *> batchDims(out.dims.begin(), out.dims.begin() + static_cast<long>(batch));
    std::vector<Value *> outStrides = contiguousStrides(out.dims);
    outStrides.resize(batch);
    llvm::Type *ty = elementType(acc);
    // A transposed view (rank 2 only) is read along its source's rows.
    bool viewA = transposedValues_.count(op.operands[0]) > 0, viewB = transposedValues_.count(op.operands[1]) > 0;
    Value *rsA = viewA ? i64(1) : inner, *csA = viewA ? rows : i64(1);
    Value *rsB = viewB ? i64(1) : cols, *csB = viewB ? innerB : i64(1);
    loopNest(batchDims, [&](const Indices &idx) {
      callGemm(acc, b_.CreateInBoundsGEP(ty, a.data, dot(idx, strideA)),
               b_.CreateInBoundsGEP(ty, bm.data, dot(idx, strideB)),
               b_.CreateInBoundsGEP(ty, out.data, dot(idx, outStrides)), rows, cols, inner, rsA, csA, rsB, csB);
    });
    define(op, out);
    return;
  }
  llvm::Type *accTy = elementType(acc);
  Value *accSlot = entryAlloca(accTy, nullptr, "dot");
  std::vector<Value *> outStrides = contiguousStrides(out.dims);
  loopNest(out.dims, [&](const Indices &idx) {
    Indices batchIdx(idx.begin(), idx.begin() + static_cast<long>(batch));
    Value *i = idx[batch], *j = idx[batch + 1];
    Value *baseA = b_.CreateAdd(dot(batchIdx, strideA), b_.CreateMul(i, inner));
    Value *baseB = b_.CreateAdd(dot(batchIdx, strideB), j);
    b_.CreateStore(llvm::Constant::getNullValue(accTy), accSlot);
    loop(i64(0), inner, [&](Value *k) {
      Value *x = convert(loadElement(a, b_.CreateAdd(baseA, k)), a.dtype, acc);
      Value *y = convert(loadElement(bm, b_.CreateAdd(baseB, b_.CreateMul(k, cols))), bm.dtype, acc);
      b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(accTy, accSlot), b_.CreateFMul(x, y)), accSlot);
    });
    storeElement(out, dot(idx, outStrides), b_.CreateLoad(accTy, accSlot));
  });
  define(op, out);
}

void Emitter::callGemm(DType dtype, Value *a, Value *b, Value *c, Value *rows, Value *cols, Value *inner, Value *rsA,
                       Value *csA, Value *rsB, Value *csB, Value *epilogue, Value *epilogueArgs) {
  llvm::StructType *argsTy = x86::gemmArgsType(llvm_);
  Value *args = entryAlloca(argsTy, nullptr, "gemm.args");
  Value *none = llvm::ConstantPointerNull::get(b_.getPtrTy());
  // Below about 40 us of work, waking the other threads costs more than it saves.
  constexpr int64_t kParallelMultiplyAdds = int64_t(1) << 20;
  Value *work = b_.CreateMul(b_.CreateMul(rows, cols), inner);
  Value *parallelWork = b_.CreateICmpSGE(work, i64(kParallelMultiplyAdds));
  // Threads take panels of columns when there are at least 4 times as many
  // columns as rows (X @ W at a small batch: each thread then packs only
  // its own panels of B, and all of the smaller A), else blocks of rows,
  // which keep each thread's rows of the activations in its own caches from
  // one layer to the next. 128 x 784 x 512 alone ran 14 % faster by
  // columns, and the 784 MLP no faster. Serially the task takes every row
  // block.
  Value *byColumns = b_.CreateAnd(parallelWork, b_.CreateICmpSGE(cols, b_.CreateMul(rows, i64(4))));
  Value *fields[] = {rows, cols, inner, a, b, c, rsA, csA, rsB, csB, epilogue ? epilogue : none,
                     epilogueArgs ? epilogueArgs : none, b_.CreateZExt(byColumns, b_.getInt64Ty()), none,
                     i64(0), i64(INT64_MAX)};
  for (unsigned i = 0; i < std::size(fields); ++i) b_.CreateStore(fields[i], b_.CreateStructGEP(argsTy, args, i));
  llvm::Function *task = x86::gemmTask(*out_, dtype);
  Value *blocks = b_.CreateSDiv(b_.CreateAdd(rows, i64(x86::kGemmRows - 1)), i64(x86::kGemmRows));
  Value *panels = b_.CreateSDiv(b_.CreateAdd(cols, i64(x86::kGemmColumns - 1)), i64(x86::kGemmColumns));
  BasicBlock *parallel = BasicBlock::Create(llvm_, "gemm.parallel", main_);
  BasicBlock *serial = BasicBlock::Create(llvm_, "gemm.serial", main_);
  BasicBlock *done = BasicBlock::Create(llvm_, "gemm.done", main_);
  b_.CreateCondBr(parallelWork, parallel, serial);
  b_.SetInsertPoint(parallel);
  // A product of at least 2^27 multiply-adds (n = 512 and up) split by
  // rows is cut into 4 chunks per thread, taken by whichever thread is
  // free, so that a vCPU the host slows down does not hold the other up: at
  // n = 2048, beside a process taking a third of one vCPU, whole runs took
  // 0.94 (0.88-0.97) of the time with one chunk per thread; on a quiet
  // machine, the same. Only where B is shared or tiny, since each chunk
  // packs the B it uses. Smaller products keep one chunk per thread, so
  // that each thread's rows of the activations stay in its caches from one
  // layer to the next.
  constexpr int64_t kDynamicMultiplyAdds = int64_t(1) << 27;
  x86::SharedB share = x86::sharedB(b_, dtype, rows, inner, cols);
  Value *dynamic = b_.CreateAnd(b_.CreateNot(byColumns), b_.CreateICmpSGE(work, i64(kDynamicMultiplyAdds)));
  dynamic = b_.CreateAnd(dynamic, b_.CreateOr(share.worth, share.cheap));
  Value *chunksPerThread = b_.CreateSelect(dynamic, b_.getInt32(4), b_.getInt32(1));
  // Split by rows, every thread would pack all of B: when that is worth it
  // (x86::sharedB), B is packed once for all of them, in parallel, before
  // they multiply (all of it, or a few K blocks at a time). The 784 MLP, whose
  // row-split products have B of 32-128 Ki elements, ran 0.96 (0.95-0.98)
  // of the time.
  BasicBlock *shareBB = BasicBlock::Create(llvm_, "gemm.share", main_);
  BasicBlock *splitBB = BasicBlock::Create(llvm_, "gemm.split", main_);
  b_.CreateCondBr(b_.CreateAnd(b_.CreateNot(byColumns), share.worth), shareBB, splitBB);
  b_.SetInsertPoint(shareBB);
  Value *slot = entryAlloca(b_.getPtrTy(), nullptr, "shared.b");
  callChecked("dl_buffer_alloc", {ctx_, b_.CreateMul(share.elements, i64(elementSize(dtype))), slot});
  Value *buffer = b_.CreateLoad(b_.getPtrTy(), slot);
  b_.CreateStore(buffer, b_.CreateStructGEP(argsTy, args, 13));
  loop(i64(0), share.phases, [&](Value *phase) {
    Value *first = b_.CreateMul(phase, share.phaseBlocks);
    Value *end = b_.CreateAdd(first, share.phaseBlocks);
    end = b_.CreateSelect(b_.CreateICmpSLT(end, share.blocks), end, share.blocks);
    b_.CreateStore(first, b_.CreateStructGEP(argsTy, args, 14));
    b_.CreateStore(end, b_.CreateStructGEP(argsTy, args, 15));
    Value *units = b_.CreateMul(b_.CreateSub(end, first), share.panels);
    callChecked("dl_parallel_for", {ctx_, units, x86::gemmShareTask(*out_, dtype), args});
    callChecked("dl_parallel_for_chunks", {ctx_, blocks, chunksPerThread, task, args});
  });
  callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, buffer});
  b_.CreateBr(done);
  b_.SetInsertPoint(splitBB);
  callChecked("dl_parallel_for_chunks", {ctx_, b_.CreateSelect(byColumns, panels, blocks), chunksPerThread, task, args});
  b_.CreateBr(done);
  b_.SetInsertPoint(serial);
  b_.CreateCall(task, {args, i64(0), blocks});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

// The inverse of broadcast_to: sums the operand over the dims the result
// lacks or has as 1, adding each output's contributions in row-major order.
void Emitter::emitReduceTo(const ir::Op &op) {
  const RtTensor &in = operand(op, 0);
  const TensorType &type = op.result->type;
  const size_t rank = in.rank(), r = type.rank();
  if (r > rank) return internalError(op.loc, "reduce_to cannot raise the rank to " + type.str());
  const size_t lead = rank - r;
  std::vector<Value *> dims;
  for (size_t j = 0; j < r; ++j) dims.push_back(in.dims[lead + j]);
  RtTensor out = allocate(type.dtype, resultDims(type, dims));
  for (size_t j = 0; j < r; ++j)
    if (!isConst(out.dims[j], 1) && out.dims[j] != in.dims[lead + j])
      failIf(b_.CreateICmpNE(out.dims[j], in.dims[lead + j]), "cannot sum size {} down to size {}", op.loc,
             in.dims[lead + j], out.dims[j]);

  // The summed dims (leading ones, and those that become 1): when they are
  // one block, as torch's iterator coalesces them, sum in torch's order.
  std::vector<bool> summed(rank, false);
  for (size_t a = 0; a < rank; ++a)
    summed[a] = !isConst(in.dims[a], 1) && (a < lead || isConst(out.dims[a - lead], 1));
  size_t first = 0, last = 0;  // [first, last): the block of summed dims
  while (first < rank && !summed[first]) ++first;
  last = first;
  while (last < rank && (summed[last] || isConst(in.dims[last], 1))) ++last;
  bool block = std::find(summed.begin() + static_cast<long>(last), summed.end(), true) == summed.end();
  if (block) {
    sumBlocks(in, out, product(in.dims, 0, first), product(in.dims, first, last), product(in.dims, last));
    return define(op, out);
  }

  llvm::Type *ty = elementType(type.dtype);
  Value *count = product(out.dims);
  loop(i64(0), count, [&](Value *i) { storeElement(out, i, llvm::Constant::getNullValue(ty)); });
  std::vector<Value *> own = contiguousStrides(out.dims), strides(rank, i64(0));
  for (size_t j = 0; j < r; ++j)
    strides[lead + j] = isConst(out.dims[j], 1) ? i64(0) : own[j];
  std::vector<Value *> inStrides = contiguousStrides(in.dims);
  const bool fp = isFloat(type.dtype);
  loopNest(in.dims, [&](const Indices &idx) {
    Value *o = dot(idx, strides);
    Value *x = convert(loadElement(in, dot(idx, inStrides)), in.dtype, type.dtype);
    Value *sum = loadElement(out, o);
    storeElement(out, o, fp ? b_.CreateFAdd(sum, x) : b_.CreateAdd(sum, x));
  });
  define(op, out);
}

}  // namespace dlc::codegen::x86
