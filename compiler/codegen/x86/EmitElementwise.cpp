// Elementwise ops (unary, binary, select, cast) with NumPy broadcasting.
//
// Each element is computed the way PyTorch 1.13's CPU kernels compute it, so
// programs print PyTorch's numbers: IEEE operations without contraction into
// FMA, remainder with the divisor's sign (fmod, then + b when the signs
// differ), maximum/minimum that propagate NaN, pow with torch's special cases
// for a constant exponent (2 → x*x, 0.5 → sqrt, -1 → 1/x, ...), and the
// transcendental functions from dl_runtime (dl_math_*), kept in one place.
#include "codegen/x86/Emitter.h"
#include "codegen/common/Elements.h"
#include "codegen/x86/InlineMath.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

namespace {


const char *mathName(OpKind kind) {
  switch (kind) {
  case OpKind::Exp: return "exp";
  case OpKind::Log: return "log";
  case OpKind::Tanh: return "tanh";
  case OpKind::Sin: return "sin";
  case OpKind::Cos: return "cos";
  case OpKind::Pow: return "pow";
  default: return nullptr;
  }
}

}  // namespace

RtTensor Emitter::mapElements(const TensorType &type, const std::vector<const RtTensor *> &operands,
                              const std::function<Value *(const std::vector<Value *> &)> &f, SourceLoc loc) {
  auto one = [&](const std::vector<Value *> &in) { return std::vector<Value *>{f(in)}; };
  return mapElementsMulti(type, {}, operands, one, loc)[0];
}

std::vector<RtTensor> Emitter::mapElementsMulti(
    const TensorType &type, const std::vector<DType> &extraTypes, const std::vector<const RtTensor *> &operands,
    const std::function<std::vector<Value *>(const std::vector<Value *> &)> &f, SourceLoc loc,
    const std::vector<Value *> &into) {
  const size_t rank = type.rank();
  std::vector<Value *> dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    const Dim &rd = type.dims[d];
    Value *size = rd.isStatic() ? i64(rd.size) : nullptr;
    for (const RtTensor *t : operands) {
      if (t->rank() > rank) {
        internalError(loc, "an operand has a higher rank than the result " + type.str());
        continue;
      }
      if (d + t->rank() < rank) continue;
      Value *s = t->dims[d + t->rank() - rank];
      if (isConst(s, 1)) continue;
      if (!size) {
        size = s;
        continue;
      }
      auto *cs = llvm::dyn_cast<llvm::ConstantInt>(s);
      auto *csize = llvm::dyn_cast<llvm::ConstantInt>(size);
      if (cs && csize) {
        if (cs->getSExtValue() != csize->getSExtValue())
          internalError(loc, "sizes " + std::to_string(cs->getSExtValue()) + " and " +
                                 std::to_string(csize->getSExtValue()) + " do not broadcast for " + type.str());
        continue;
      }
      Value *mismatch = b_.CreateAnd(b_.CreateICmpNE(s, size), b_.CreateICmpNE(size, i64(1)));
      failIf(mismatch, "sizes {} and {} do not broadcast in dimension " + std::to_string(d), loc, s, size);
      if (!rd.isStatic()) size = b_.CreateSelect(b_.CreateICmpEQ(size, i64(1)), s, size);
    }
    dims[d] = size ? size : symbolSize(rd, loc);
  }

  std::vector<RtTensor> outs;
  for (size_t k = 0; k <= extraTypes.size(); ++k) {
    DType dtype = k == 0 ? type.dtype : extraTypes[k - 1];
    outs.push_back(k < into.size() && into[k] ? RtTensor{dtype, into[k], dims} : allocate(dtype, dims));
  }
  const RtTensor &out = outs[0];
  auto storeAll = [&](Value *offset, const std::vector<Value *> &values) {
    for (size_t k = 0; k < outs.size() && k < values.size(); ++k) storeElement(outs[k], offset, values[k]);
  };
  // An operand shaped like the result is read at the result's offsets, one
  // of a single element (every size a constant 1: an optimizer's
  // hyper-parameter) at offset 0. When every operand is one or the other,
  // one flat loop covers the result, whatever its rank: a [64, 10] update
  // is one loop of 640 that vectorises, not 64 loops of 10.
  auto sameShape = [&](const RtTensor *t) { return t->dims == out.dims; };
  auto single = [&](const RtTensor *t) {
    return std::all_of(t->dims.begin(), t->dims.end(), [&](Value *d) { return isConst(d, 1); });
  };
  bool flat = std::all_of(operands.begin(), operands.end(), [&](const RtTensor *t) { return sameShape(t) || single(t); });
  if (flat) {
    loop(i64(0), product(out.dims), [&](Value *i) {
      std::vector<Value *> in;
      for (const RtTensor *t : operands) in.push_back(loadElement(*t, sameShape(t) ? i : i64(0)));
      storeAll(i, f(in));
    });
    return outs;
  }

  // Broadcast strides: 0 along a dimension of size 1, and for missing leading dims.
  std::vector<std::vector<Value *>> strides;
  for (const RtTensor *t : operands) {
    std::vector<Value *> own = contiguousStrides(t->dims), s(rank, i64(0));
    for (size_t a = 0; a < t->rank(); ++a) {
      Value *size = t->dims[a];
      s[a + rank - t->rank()] = isConst(size, 1) ? i64(0) : b_.CreateSelect(b_.CreateICmpEQ(size, i64(1)), i64(0), own[a]);
    }
    strides.push_back(std::move(s));
  }
  std::vector<Value *> outStrides = contiguousStrides(out.dims);
  loopNest(out.dims, [&](const Indices &idx) {
    std::vector<Value *> in;
    for (size_t k = 0; k < operands.size(); ++k) in.push_back(loadElement(*operands[k], dot(idx, strides[k])));
    storeAll(dot(idx, outStrides), f(in));
  });
  return outs;
}

Emitter::ElementFunction Emitter::elementFunction(const ir::Op &op) {
  std::vector<DType> from;
  for (const ir::Value *v : op.operands) from.push_back(v->type.dtype);
  const DType result = op.result->type.dtype;
  ElementFunction f;

  switch (ir::category(op.kind)) {
  case ir::Category::Unary:
    if (op.kind == OpKind::Cast) {
      f = [=, this](const std::vector<Value *> &x) { return convert(x[0], from[0], result); };
    } else {
      DType compute = op.kind == OpKind::Not ? DType::Bool : result;
      f = [=, this, &op](const std::vector<Value *> &x) {
        return convert(unaryElement(op, convert(x[0], from[0], compute), compute), compute, result);
      };
    }
    break;
  case ir::Category::Binary: {
    DType compute = binaryComputeType(op);
    if (op.kind == OpKind::Pow && isFloat(compute)) {
      if (auto e = constantExponent(op.operands[1])) {
        double exponent = *e;
        f = [=, this, &op](const std::vector<Value *> &x) {
          Value *base = convert(x[0], from[0], compute);
          Value *v = powSpecialCase(b_, base, exponent);
          if (!v) v = binaryElement(OpKind::Pow, base, llvm::ConstantFP::get(base->getType(), exponent), compute, op.loc);
          return convert(v, compute, result);
        };
        break;
      }
    }
    f = [=, this, &op](const std::vector<Value *> &x) {
      Value *v = binaryElement(op.kind, convert(x[0], from[0], compute), convert(x[1], from[1], compute), compute,
                               op.loc);
      return isComparison(op.kind) ? v : convert(v, compute, result);
    };
    break;
  }
  case ir::Category::Ternary:  // select(cond, a, b)
    f = [=, this](const std::vector<Value *> &x) {
      Value *c = b_.CreateICmpNE(convert(x[0], from[0], DType::Bool), b_.getInt8(0));
      return b_.CreateSelect(c, convert(x[1], from[1], result), convert(x[2], from[2], result));
    };
    break;
  default:
    internalError(op.loc, "not an elementwise op");
    f = [this, result](const std::vector<Value *> &) { return llvm::UndefValue::get(elementType(result)); };
    break;
  }
  return f;
}

void Emitter::emitElementwise(const ir::Op &op) {
  std::vector<const RtTensor *> ins;
  for (size_t i = 0; i < op.operands.size(); ++i) ins.push_back(&operand(op, i));
  define(op, mapElements(op.result->type, ins, elementFunction(op), op.loc));
}

// One loop for a whole fused kernel: each element of the result evaluates the
// kernel's ops in order on the operands' elements (broadcast as each op would
// have), so every value is the one the unfused ops give, without the
// intermediate tensors. The body values named as extra outputs are stored
// too, in the same loop, for the kernel_output ops that follow.
void Emitter::emitFused(const ir::Op &op) {
  if (emitParallelFused(op)) return;  // EmitParallel.cpp
  std::vector<const RtTensor *> ins;
  for (size_t i = 0; i < op.operands.size(); ++i) ins.push_back(&operand(op, i));
  const ir::Region &body = *op.regions.at(0);
  std::vector<ElementFunction> steps;
  for (auto &inner : body.ops) steps.push_back(elementFunction(*inner));
  std::vector<const ir::Value *> extras;
  std::vector<DType> extraTypes;
  for (double d : op.attrs.data) {
    size_t n = static_cast<size_t>(d);
    if (n >= body.ops.size() || !body.ops[n]->result) return internalError(op.loc, "a kernel output out of range");
    extras.push_back(body.ops[n]->result);
    extraTypes.push_back(body.ops[n]->result->type.dtype);
  }
  auto evaluate = [&](const std::vector<Value *> &elements) {
    std::unordered_map<const ir::Value *, Value *> element;
    for (size_t k = 0; k < op.operands.size(); ++k) element[op.operands[k]] = elements[k];
    for (size_t i = 0; i < body.ops.size(); ++i) {
      std::vector<Value *> args;
      for (const ir::Value *v : body.ops[i]->operands) args.push_back(element.at(v));
      element[body.ops[i]->result] = steps[i](args);
    }
    std::vector<Value *> results{element.at(body.ops.back()->result)};
    for (const ir::Value *v : extras) results.push_back(element.at(v));
    return results;
  };
  std::vector<Value *> into(1 + extras.size(), nullptr);
  std::vector<int> overwrite = inPlaceOperands(op, into.size());
  for (size_t k = 0; k < into.size(); ++k)
    if (overwrite[k] >= 0) into[k] = ins[static_cast<size_t>(overwrite[k])]->data;
  std::vector<RtTensor> outs = mapElementsMulti(op.result->type, extraTypes, ins, evaluate, op.loc, into);
  kernelOutputs_[op.result].assign(outs.begin() + 1, outs.end());
  define(op, outs[0]);
}

std::vector<int> Emitter::inPlaceOperands(const ir::Op &op, size_t outputs) {
  std::vector<int> overwrite(outputs, -1);
  if (auto it = inPlaceUpdates_.find(&op); it != inPlaceUpdates_.end())
    for (const InPlaceUpdate &u : it->second)
      if (u.output < outputs) {
        overwrite[u.output] = static_cast<int>(u.operand);
        inPlaceStores_.insert(u.store);
      }
  return overwrite;
}

void Emitter::emitKernelOutput(const ir::Op &op) {
  auto it = kernelOutputs_.find(op.operands.at(0));
  size_t n = static_cast<size_t>(op.attrs.axis);
  if (it == kernelOutputs_.end() || n >= it->second.size())
    return internalError(op.loc, "kernel_output of a kernel without that output");
  define(op, it->second[n]);
}

Value *Emitter::unaryElement(const ir::Op &op, Value *x, DType type) {
  const bool fp = isFloat(type);
  switch (op.kind) {
  case OpKind::Neg: return fp ? b_.CreateFNeg(x) : b_.CreateNeg(x);
  case OpKind::Abs:
    if (fp) return b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
    return b_.CreateSelect(b_.CreateICmpSLT(x, i32(0)), b_.CreateNeg(x), x);
  case OpKind::Sqrt:
    if (fp) return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x);
    break;
  case OpKind::Not: return b_.CreateZExt(b_.CreateICmpEQ(x, b_.getInt8(0)), b_.getInt8Ty());
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Tanh:
  case OpKind::Sin:
  case OpKind::Cos:
    if (fp) {
      // exp in f32 (softmax, cross-entropy) is written into the module, so
      // that its loops vectorise; the rest call dl_runtime per element.
      if (op.kind == OpKind::Exp && type == DType::F32) return b_.CreateCall(expF32(*out_), {x});
      std::string name = std::string("dl_math_") + mathName(op.kind) + (type == DType::F64 ? "_f64" : "_f32");
      return callRuntime(name, x->getType(), {x});
    }
    break;
  default: break;
  }
  internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' is not defined for " + dtypeName(type));
  return x;
}

Value *Emitter::binaryElement(OpKind kind, Value *a, Value *b, DType type, SourceLoc loc) {
  if (type == DType::Bool) {
    Value *x = b_.CreateICmpNE(a, b_.getInt8(0)), *y = b_.CreateICmpNE(b, b_.getInt8(0));
    Value *r = nullptr;
    switch (kind) {
    case OpKind::And: r = b_.CreateAnd(x, y); break;
    case OpKind::Or: r = b_.CreateOr(x, y); break;
    case OpKind::Eq: r = b_.CreateICmpEQ(x, y); break;
    case OpKind::Ne: r = b_.CreateICmpNE(x, y); break;
    case OpKind::Lt: r = b_.CreateICmpULT(x, y); break;
    case OpKind::Le: r = b_.CreateICmpULE(x, y); break;
    case OpKind::Gt: r = b_.CreateICmpUGT(x, y); break;
    case OpKind::Ge: r = b_.CreateICmpUGE(x, y); break;
    case OpKind::Maximum: r = b_.CreateOr(x, y); break;
    case OpKind::Minimum: r = b_.CreateAnd(x, y); break;
    default:
      internalError(loc, std::string("'") + ir::spelling(kind) + "' is not defined for bool");
      return a;
    }
    return b_.CreateZExt(r, b_.getInt8Ty());
  }
  auto flag = [&](Value *bit) { return b_.CreateZExt(bit, b_.getInt8Ty()); };

  if (isFloat(type)) {
    switch (kind) {
    case OpKind::Add: return b_.CreateFAdd(a, b);
    case OpKind::Sub: return b_.CreateFSub(a, b);
    case OpKind::Mul: return b_.CreateFMul(a, b);
    case OpKind::Div: return b_.CreateFDiv(a, b);
    case OpKind::Mod: {
      Value *r = b_.CreateFRem(a, b);
      Value *zero = llvm::ConstantFP::get(a->getType(), 0.0);
      Value *adjust = b_.CreateAnd(b_.CreateFCmpUNE(r, zero),
                                   b_.CreateXor(b_.CreateFCmpOLT(b, zero), b_.CreateFCmpOLT(r, zero)));
      return b_.CreateSelect(adjust, b_.CreateFAdd(r, b), r);
    }
    case OpKind::Pow:
      return callRuntime(type == DType::F64 ? "dl_math_pow_f64" : "dl_math_pow_f32", a->getType(), {a, b});
    case OpKind::Maximum:
    case OpKind::Minimum: {
      Value *pick = kind == OpKind::Maximum ? b_.CreateFCmpOGT(a, b) : b_.CreateFCmpOLT(a, b);
      Value *nan = b_.CreateOr(isNaN(a), isNaN(b));
      return b_.CreateSelect(nan, b_.CreateFAdd(a, b), b_.CreateSelect(pick, a, b));
    }
    case OpKind::Lt: return flag(b_.CreateFCmpOLT(a, b));
    case OpKind::Le: return flag(b_.CreateFCmpOLE(a, b));
    case OpKind::Gt: return flag(b_.CreateFCmpOGT(a, b));
    case OpKind::Ge: return flag(b_.CreateFCmpOGE(a, b));
    case OpKind::Eq: return flag(b_.CreateFCmpOEQ(a, b));
    case OpKind::Ne: return flag(b_.CreateFCmpUNE(a, b));
    default: break;
    }
  } else {
    switch (kind) {
    case OpKind::Add: return b_.CreateAdd(a, b);
    case OpKind::Sub: return b_.CreateSub(a, b);
    case OpKind::Mul: return b_.CreateMul(a, b);
    case OpKind::Div:
    case OpKind::Mod: {
      // Python's // and %: rounded toward negative infinity.
      failIf(b_.CreateICmpEQ(b, i32(0)), "integer division by zero", loc);
      Value *minusOne = b_.CreateICmpEQ(b, i32(-1));
      Value *safe = b_.CreateSelect(minusOne, i32(1), b);  // INT_MIN / -1 wraps instead of trapping
      Value *q = b_.CreateSelect(minusOne, b_.CreateNeg(a), b_.CreateSDiv(a, safe));
      Value *r = b_.CreateSRem(a, safe);
      Value *adjust = b_.CreateAnd(b_.CreateICmpNE(r, i32(0)),
                                   b_.CreateXor(b_.CreateICmpSLT(r, i32(0)), b_.CreateICmpSLT(b, i32(0))));
      if (kind == OpKind::Div) return b_.CreateSelect(adjust, b_.CreateSub(q, i32(1)), q);
      return b_.CreateSelect(adjust, b_.CreateAdd(r, b), r);
    }
    case OpKind::Pow: return callRuntime("dl_math_pow_i32", a->getType(), {a, b});
    case OpKind::Maximum: return b_.CreateSelect(b_.CreateICmpSGT(a, b), a, b);
    case OpKind::Minimum: return b_.CreateSelect(b_.CreateICmpSLT(a, b), a, b);
    case OpKind::Lt: return flag(b_.CreateICmpSLT(a, b));
    case OpKind::Le: return flag(b_.CreateICmpSLE(a, b));
    case OpKind::Gt: return flag(b_.CreateICmpSGT(a, b));
    case OpKind::Ge: return flag(b_.CreateICmpSGE(a, b));
    case OpKind::Eq: return flag(b_.CreateICmpEQ(a, b));
    case OpKind::Ne: return flag(b_.CreateICmpNE(a, b));
    default: break;
    }
  }
  internalError(loc, std::string("'") + ir::spelling(kind) + "' is not defined for " + dtypeName(type));
  return a;
}

}  // namespace dlc::codegen::x86
