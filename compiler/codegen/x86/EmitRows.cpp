// fused_rows kernels (passes/FuseRows.h): one loop over the rows of the
// kernel's row space [R..., C]; in each row the body's ops run in order, a
// full-row op as a loop over the C columns into a row buffer in main's frame,
// a reduction over its operand's row (dl_sum_* on the row, or the in-order
// scan of a maximum), an op on one value per row as scalar code. The values
// are those of the unfused ops: a row's dl_sum is the sum the whole-tensor
// dl_sum computes for that row, and elementwise ops keep their arithmetic.
#include "codegen/x86/Emitter.h"
#include "ir/RowSpace.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using ir::RowAccess;
using llvm::Value;

namespace {

bool isRowReduction(const ir::Op &op) {
  return ir::category(op.kind) == ir::Category::Reduce || op.kind == OpKind::ReduceTo;
}

}  // namespace

// dl_sum's order for a row of n contiguous elements with L <= n < 4 L, L
// the vector lanes (8 floats, 4 doubles): torch's vectorized_inner_sum with
// no cascade in any lane (runtime/core/Sum.cpp, shortInnerVectorSum). Lane
// l sums x[l], x[L + l], ... from zero; the tail past the last whole vector
// is summed from zero, then the lanes are added to it in order, and the
// result to a zero. Written out here, a softmax over 10 classes sums its
// row in 10 additions instead of a call per row. Null for other lengths
// (the caller calls dl_sum).
Value *Emitter::shortRowSum(const RtTensor &row, int64_t n, DType dtype) {
  const int64_t lanes = dtype == DType::F64 ? 4 : dtype == DType::F32 ? 8 : 0;
  if (lanes == 0 || n < lanes || n >= 4 * lanes) return nullptr;
  llvm::Type *ty = elementType(dtype);
  auto *vectorTy = llvm::FixedVectorType::get(ty, static_cast<unsigned>(lanes));
  Value *zero = llvm::ConstantFP::get(ty, 0.0);
  const int64_t vectors = n / lanes;
  // The lanes as one vector: lane l's additions in order, as vector adds.
  Value *lane = llvm::Constant::getNullValue(vectorTy);
  const llvm::Align align(dtype == DType::F64 ? 8 : 4);
  for (int64_t i = 0; i < vectors; ++i)
    lane = b_.CreateFAdd(lane, b_.CreateAlignedLoad(vectorTy, b_.CreateInBoundsGEP(ty, row.data, i64(i * lanes)), align));
  Value *total = zero;
  for (int64_t k = vectors * lanes; k < n; ++k) total = b_.CreateFAdd(total, loadElement(row, i64(k)));
  for (int64_t l = 0; l < lanes; ++l) total = b_.CreateFAdd(total, b_.CreateExtractElement(lane, static_cast<uint64_t>(l)));
  return b_.CreateFAdd(zero, total);
}

void Emitter::emitFusedRows(const ir::Op &op) {
  const ir::Region &body = *op.regions.at(0);
  Shape full;
  for (auto &inner : body.ops)
    if (isRowReduction(*inner) && !inner->operands.empty()) {
      full = inner->operands[0]->type.dims;
      break;
    }
  if (!ir::isRowSpace(full)) return internalError(op.loc, "fused_rows without a reduction over a row space");
  const int64_t columns = full.back().size;
  const size_t rank = full.size();

  std::unordered_map<const ir::Value *, const RtTensor *> external;
  for (size_t k = 0; k < op.operands.size(); ++k) external[op.operands[k]] = &operand(op, k);
  std::vector<Value *> fullDims = resultDims(TensorType{DType::F32, full}, {});
  // Operands whose sizes are known only at run time must match the row space, as the unfused ops check.
  for (size_t k = 0; k < op.operands.size(); ++k) {
    const RtTensor &t = *external[op.operands[k]];
    const Shape &dims = op.operands[k]->type.dims;
    if (dims != full && !(dims.size() + 1 >= rank && ir::isRowScalar(dims, full))) continue;
    for (size_t d = 0; d + 1 < rank && d < t.rank(); ++d)
      if (!llvm::isa<llvm::ConstantInt>(t.dims[d]) && t.dims[d] != fullDims[d])
        failIf(b_.CreateICmpNE(t.dims[d], fullDims[d]), "sizes {} and {} do not broadcast in dimension " + std::to_string(d),
               op.loc, t.dims[d], fullDims[d]);
  }
  Value *rows = product(fullDims, 0, rank - 1);

  // The outputs: the result, then the extra outputs.
  std::vector<const ir::Value *> outputs{body.ops.back()->result};
  for (double d : op.attrs.data) {
    size_t n = static_cast<size_t>(d);
    if (n >= body.ops.size() || !body.ops[n]->result) return internalError(op.loc, "a kernel output out of range");
    outputs.push_back(body.ops[n]->result);
  }
  std::vector<RtTensor> outs;
  for (const ir::Value *v : outputs) outs.push_back(allocate(v->type.dtype, resultDims(v->type, {})));

  // A row buffer for every full-row value of the body.
  std::unordered_map<const ir::Value *, RtTensor> rowBuffers;
  for (auto &inner : body.ops)
    if (inner->result->type.dims == full) {
      llvm::Type *ty = elementType(inner->result->type.dtype);
      auto *slot = llvm::cast<llvm::AllocaInst>(entryAlloca(llvm::ArrayType::get(ty, static_cast<uint64_t>(columns))));
      slot->setAlignment(llvm::Align(32));
      rowBuffers[inner->result] = RtTensor{inner->result->type.dtype, slot, {i64(columns)}};
    }

  loop(i64(0), rows, [&](Value *r) {
    Value *rowStart = b_.CreateMul(r, i64(columns));
    std::unordered_map<const ir::Value *, Value *> scalars;  // this row's value of each per-row value
    // The elements of a full row, wherever it lives.
    auto rowOf = [&](const ir::Value *v) -> RtTensor {
      auto it = rowBuffers.find(v);
      if (it != rowBuffers.end()) return it->second;
      if (!external.count(v)) {
        internalError(op.loc, "fused_rows reads a row it does not have");
        return RtTensor{v->type.dtype, llvm::ConstantPointerNull::get(b_.getPtrTy()), {i64(columns)}};
      }
      const RtTensor *t = external.at(v);
      return RtTensor{t->dtype, b_.CreateInBoundsGEP(elementType(t->dtype), t->data, rowStart), {i64(columns)}};
    };
    auto perRow = [&](const ir::Value *v, RowAccess access) -> Value * {
      auto it = scalars.find(v);
      if (it != scalars.end()) return it->second;
      auto ext = external.find(v);
      if (ext == external.end()) {
        internalError(op.loc, "fused_rows reads a value it does not have");
        return llvm::UndefValue::get(elementType(v->type.dtype));
      }
      return loadElement(*ext->second, access == RowAccess::RowScalar ? r : i64(0));
    };
    auto element = [&](const ir::Value *v, const Shape &result, Value *c) -> Value * {
      switch (ir::rowAccess(v->type.dims, result, full, true)) {
      case RowAccess::Full: return loadElement(rowOf(v), c);
      case RowAccess::RowVector:
        if (external.count(v)) return loadElement(*external.at(v), c);
        break;
      case RowAccess::RowScalar: return perRow(v, RowAccess::RowScalar);
      case RowAccess::Scalar: return perRow(v, RowAccess::Scalar);
      case RowAccess::None: break;
      }
      internalError(op.loc, "fused_rows reads " + v->type.str() + " in a row of " + shapeStr(full));
      return llvm::UndefValue::get(elementType(v->type.dtype));
    };

    for (auto &innerPtr : body.ops) {
      const ir::Op &m = *innerPtr;
      const TensorType &type = m.result->type;
      llvm::Type *ty = elementType(type.dtype);
      if (isRowReduction(m)) {
        RtTensor in = rowOf(m.operands[0]);
        if (m.kind == OpKind::ReduceMax || m.kind == OpKind::ReduceMin) {
          // As emitReduce: NaN wins and stays; otherwise the strict comparison keeps the first.
          Value *acc = entryAlloca(ty, nullptr, "row.acc");
          b_.CreateStore(loadElement(in, i64(0)), acc);
          loop(i64(1), i64(columns), [&](Value *k) {
            Value *x = loadElement(in, k), *best = b_.CreateLoad(ty, acc);
            Value *better = m.kind == OpKind::ReduceMin ? b_.CreateFCmpOLT(x, best) : b_.CreateFCmpOGT(x, best);
            Value *take = b_.CreateOr(better, b_.CreateAnd(isNaN(x), b_.CreateNot(isNaN(best))));
            b_.CreateStore(b_.CreateSelect(take, x, best), acc);
          });
          scalars[m.result] = b_.CreateLoad(ty, acc);
        } else {
          Value *v = shortRowSum(in, columns, type.dtype);
          if (!v) {
            Value *sum = entryAlloca(ty, nullptr, "row.sum");
            callRuntime(type.dtype == DType::F64 ? "dl_sum_f64" : "dl_sum_f32", b_.getVoidTy(),
                        {in.data, sum, i64(1), i64(columns), i64(1)});
            v = b_.CreateLoad(ty, sum);
          }
          if (m.kind == OpKind::Mean) v = b_.CreateFDiv(v, b_.CreateSIToFP(i64(columns), ty));
          scalars[m.result] = v;
        }
        continue;
      }
      if (m.kind == OpKind::BroadcastTo) {
        Value *s = perRow(m.operands[0], RowAccess::RowScalar);
        const RtTensor &buffer = rowBuffers.at(m.result);
        loop(i64(0), i64(columns), [&](Value *c) { storeElement(buffer, c, s); });
        continue;
      }
      ElementFunction f = elementFunction(m);
      if (type.dims == full) {
        const RtTensor &buffer = rowBuffers.at(m.result);
        loop(i64(0), i64(columns), [&](Value *c) {
          std::vector<Value *> args;
          for (const ir::Value *v : m.operands) args.push_back(element(v, type.dims, c));
          storeElement(buffer, c, f(args));
        });
      } else {
        std::vector<Value *> args;
        for (const ir::Value *v : m.operands)
          args.push_back(perRow(v, ir::rowAccess(v->type.dims, type.dims, full, false)));
        scalars[m.result] = f(args);
      }
    }

    for (size_t k = 0; k < outputs.size(); ++k) {
      const ir::Value *v = outputs[k];
      if (v->type.dims == full) {
        Value *to = b_.CreateInBoundsGEP(elementType(v->type.dtype), outs[k].data, rowStart);
        memcpyElements(to, rowBuffers.at(v).data, i64(columns), v->type.dtype);
      } else {
        storeElement(outs[k], r, scalars.at(v));
      }
    }
  });
  kernelOutputs_[op.result].assign(outs.begin() + 1, outs.end());
  define(op, outs[0]);
}

}  // namespace dlc::codegen::x86
