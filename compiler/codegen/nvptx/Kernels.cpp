// buildKernels: which ops run on the device, and the elementwise kernels
// (Map) with their element math. The element math follows the x86 emitter's
// (codegen/x86/EmitElementwise.cpp) op for op: the same dtype promotion, NaN
// propagation, Python remainder and torch's pow special cases; exp, log, tanh,
// sin, cos, pow and fmod come from libdevice (__nv_*), and float arithmetic
// may contract into FMA, as CUDA code compiled by nvcc does. The results agree
// with the CPU's to rounding (test/gpu/run.sh compares them), not bit for bit.
#include "codegen/nvptx/KernelEmitter.h"
#include "codegen/common/Elements.h"

#include <optional>

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsNVPTX.h>

namespace dlc::codegen::nvptx {

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
  default: return nullptr;
  }
}

bool sameShape(const TensorType &a, const TensorType &b) { return a.dims == b.dims; }

void walk(const ir::Region &region, const std::function<void(const ir::Op &)> &visit) {
  for (auto &op : region.ops) {
    visit(*op);
    if (op->kind != OpKind::Fused)
      for (auto &inner : op->regions) walk(*inner, visit);
  }
}

}  // namespace

// ---- Which ops are kernels ---------------------------------------------------------

bool KernelEmitter::elementSupported(const ir::Op &op) {
  if (op.kind == OpKind::Fused) {
    if (op.regions.size() != 1 || op.regions[0]->ops.empty()) return false;
    for (auto &inner : op.regions[0]->ops)
      if (!elementSupported(*inner)) return false;
    return true;
  }
  if (op.kind == OpKind::BroadcastTo) return true;
  if (!op.result) return false;
  switch (ir::category(op.kind)) {
  case ir::Category::Unary:
    if (op.kind == OpKind::Cast || op.kind == OpKind::Not || op.kind == OpKind::Neg) return true;
    if (op.kind == OpKind::Abs) return op.result->type.dtype != DType::Bool;
    return isFloat(op.result->type.dtype);
  case ir::Category::Binary: {
    DType compute = binaryComputeType(op);
    // Integer division checks for zero and exits; i32 pow calls the runtime: host only.
    if (!isFloat(compute) && (op.kind == OpKind::Div || op.kind == OpKind::Mod || op.kind == OpKind::Pow)) return false;
    if (compute == DType::Bool && (op.kind == OpKind::Add || op.kind == OpKind::Sub || op.kind == OpKind::Mul))
      return false;
    return true;
  }
  case ir::Category::Ternary: return true;
  default: return false;
  }
}

std::unique_ptr<llvm::Module> buildKernels(const ir::Module &module,
                                           const std::unordered_set<const ir::Op *> &transposeViews,
                                           llvm::LLVMContext &context, KernelTable *table, std::string *error,
                                           bool emulate) {
  auto out = std::make_unique<llvm::Module>("dl_kernels", context);
  out->setTargetTriple(emulate ? "x86_64-pc-linux-gnu" : "nvptx64-nvidia-cuda");
  KernelEmitter emitter(*out, emulate);
  int next = 0;
  walk(module.main(), [&](const ir::Op &op) {
    std::optional<KernelKind> kind;
    bool flat = false;
    const ir::Category category = ir::category(op.kind);
    if (category == ir::Category::Unary || category == ir::Category::Binary || category == ir::Category::Ternary ||
        op.kind == OpKind::Fused || op.kind == OpKind::BroadcastTo) {
      if (KernelEmitter::elementSupported(op)) {
        kind = KernelKind::Map;
        flat = true;
        for (const ir::Value *v : op.operands) flat = flat && sameShape(v->type, op.result->type);
      }
    } else if (category == ir::Category::Reduce || op.kind == OpKind::ReduceTo) {
      if (KernelEmitter::reduceSupported(op)) kind = KernelKind::Reduce;
    } else if (op.kind == OpKind::MatMul) {
      const TensorType &t = op.result->type;
      if (t.rank() == 2 && op.operands[0]->type.rank() == 2 && op.operands[1]->type.rank() == 2 && isFloat(t.dtype) &&
          op.operands[0]->type.dtype == t.dtype && op.operands[1]->type.dtype == t.dtype)
        kind = KernelKind::Gemm;
    } else if (op.kind == OpKind::Transpose) {
      if (op.operands[0]->type.rank() >= 2 && !transposeViews.count(&op) &&
          op.operands[0]->type.dtype == op.result->type.dtype)
        kind = KernelKind::Transpose;
    }
    if (!kind) return;
    KernelInfo info{"k" + std::to_string(next++) + "_" + ir::spelling(op.kind), *kind, flat};
    switch (*kind) {
    case KernelKind::Map: emitter.buildMap(op, info); break;
    case KernelKind::Reduce: emitter.buildReduce(op, info); break;
    case KernelKind::Gemm: emitter.buildGemm(op, info); break;
    case KernelKind::Transpose: emitter.buildTranspose(op, info); break;
    }
    (*table)[&op] = info;
  });
  if (emulate) {
    // dl_emu_<kernel>(void **params): cuLaunchKernel's parameter array, unpacked.
    std::vector<llvm::Function *> kernels;
    for (llvm::Function &f : *out)
      if (!f.isDeclaration() && !f.getName().starts_with("dl_emu_")) kernels.push_back(&f);
    for (llvm::Function *f : kernels) {
      llvm::IRBuilder<> b(context);
      auto *type = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false);
      auto *wrapper = llvm::Function::Create(type, llvm::Function::ExternalLinkage, "dl_emu_" + f->getName(), *out);
      b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", wrapper));
      std::vector<Value *> args;
      for (unsigned i = 0; i < f->arg_size(); ++i) {
        Value *slot = b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), wrapper->getArg(0), i));
        args.push_back(b.CreateLoad(f->getArg(i)->getType(), slot));
      }
      b.CreateCall(f, args);
      b.CreateRetVoid();
    }
  }
  (void)error;
  return out;
}

// ---- Machinery ------------------------------------------------------------------------

llvm::Function *KernelEmitter::kernel(const std::string &name, unsigned pointers, unsigned sizes) {
  std::vector<llvm::Type *> params(pointers, b_.getPtrTy());
  params.insert(params.end(), sizes, b_.getInt64Ty());
  auto *type = llvm::FunctionType::get(b_.getVoidTy(), params, false);
  f_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, m_);
  if (!emulate_) f_->setCallingConv(llvm::CallingConv::PTX_Kernel);
  for (unsigned i = 0; i < pointers; ++i) f_->addParamAttr(i, llvm::Attribute::NoAlias);
  b_.SetInsertPoint(llvm::BasicBlock::Create(c_, "entry", f_));
  return f_;
}

Value *KernelEmitter::special(llvm::Intrinsic::ID id) {
  if (emulate_) {
    int which = id == llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x     ? 0
                : id == llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x ? 1
                : id == llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_y ? 2
                : id == llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x  ? 3
                                                                    : 4;
    llvm::FunctionCallee f = m_.getOrInsertFunction("dl_emu_special", b_.getInt32Ty(), b_.getInt32Ty());
    return b_.CreateZExt(b_.CreateCall(f, {i32(which)}), b_.getInt64Ty());
  }
  return b_.CreateZExt(b_.CreateIntrinsic(id, {}, {}), b_.getInt64Ty());
}

void KernelEmitter::barrier() {
  if (emulate_) b_.CreateCall(m_.getOrInsertFunction("dl_emu_barrier", b_.getVoidTy()));
  else b_.CreateIntrinsic(llvm::Intrinsic::nvvm_barrier0, {}, {});
}

llvm::Type *KernelEmitter::elementType(DType dtype) {
  switch (dtype) {
  case DType::Bool: return b_.getInt8Ty();
  case DType::I32: return b_.getInt32Ty();
  case DType::F32: return b_.getFloatTy();
  case DType::F64: return b_.getDoubleTy();
  }
  return b_.getFloatTy();
}

Value *KernelEmitter::load(DType dtype, Value *base, Value *offset) {
  llvm::Type *ty = elementType(dtype);
  return b_.CreateLoad(ty, b_.CreateInBoundsGEP(ty, base, offset));
}

void KernelEmitter::store(DType dtype, Value *base, Value *offset, Value *v) {
  llvm::Type *ty = elementType(dtype);
  b_.CreateStore(v, b_.CreateInBoundsGEP(ty, base, offset));
}

void KernelEmitter::loop(Value *lo, Value *hi, Value *step, const std::function<void(Value *)> &body) {
  llvm::BasicBlock *before = b_.GetInsertBlock();
  auto *header = llvm::BasicBlock::Create(c_, "loop", f_);
  auto *bodyBB = llvm::BasicBlock::Create(c_, "loop.body", f_);
  auto *exit = llvm::BasicBlock::Create(c_, "loop.end", f_);
  b_.CreateBr(header);
  b_.SetInsertPoint(header);
  llvm::PHINode *i = b_.CreatePHI(lo->getType(), 2, "i");
  i->addIncoming(lo, before);
  b_.CreateCondBr(b_.CreateICmpSLT(i, hi), bodyBB, exit);
  b_.SetInsertPoint(bodyBB);
  body(i);
  i->addIncoming(b_.CreateNSWAdd(i, step), b_.GetInsertBlock());
  b_.CreateBr(header);
  b_.SetInsertPoint(exit);
}

Value *KernelEmitter::libdevice(const std::string &name, DType type, std::vector<Value *> args) {
  llvm::Type *ty = elementType(type);
  std::string symbol = (emulate_ ? "" : "__nv_") + name + (type == DType::F64 ? "" : "f");
  std::vector<llvm::Type *> params(args.size(), ty);
  llvm::FunctionCallee callee = m_.getOrInsertFunction(symbol, llvm::FunctionType::get(ty, params, false));
  return b_.CreateCall(callee, args);
}

// ---- Map kernels --------------------------------------------------------------------

void KernelEmitter::buildMap(const ir::Op &op, const KernelInfo &info) {
  const size_t k = op.operands.size(), r = op.result->type.rank();
  kernel(info.name, static_cast<unsigned>(1 + k), static_cast<unsigned>(info.flat ? 1 : 1 + r + k * r));
  auto arg = [&](size_t i) -> Value * { return f_->getArg(static_cast<unsigned>(i)); };
  Value *out = arg(0);
  Value *total = arg(1 + k);
  auto dim = [&](size_t d) { return arg(2 + k + d); };
  auto stride = [&](size_t operand, size_t d) { return arg(2 + k + r + operand * r + d); };
  Value *first = b_.CreateAdd(b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x),
                                           special(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x)),
                              special(llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x));
  Value *step = b_.CreateMul(special(llvm::Intrinsic::nvvm_read_ptx_sreg_nctaid_x),
                             special(llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x));
  loop(first, total, step, [&](Value *i) {
    std::vector<Value *> offsets(k, i);
    if (!info.flat) {
      std::vector<Value *> sum(k, i64(0));
      Value *rest = i;
      for (size_t d = r; d-- > 0;) {
        Value *index = d == 0 ? rest : b_.CreateURem(rest, dim(d));
        if (d > 0) rest = b_.CreateUDiv(rest, dim(d));
        for (size_t o = 0; o < k; ++o) sum[o] = b_.CreateAdd(sum[o], b_.CreateMul(index, stride(o, d)));
      }
      offsets = sum;
    }
    std::vector<Value *> x;
    for (size_t o = 0; o < k; ++o) x.push_back(load(op.operands[o]->type.dtype, arg(1 + o), offsets[o]));
    Value *v = nullptr;
    if (op.kind == OpKind::Fused) {
      std::unordered_map<const ir::Value *, Value *> element;
      for (size_t o = 0; o < k; ++o) element[op.operands[o]] = x[o];
      for (auto &inner : op.regions[0]->ops) {
        std::vector<Value *> args;
        for (const ir::Value *u : inner->operands) args.push_back(element.at(u));
        element[inner->result] = this->element(*inner, args);
      }
      v = element.at(op.regions[0]->ops.back()->result);
    } else if (op.kind == OpKind::BroadcastTo) {
      v = convert(x[0], op.operands[0]->type.dtype, op.result->type.dtype);
    } else {
      v = element(op, x);
    }
    store(op.result->type.dtype, out, i, v);
  });
  b_.CreateRetVoid();
}

// ---- Element math -------------------------------------------------------------------

Value *KernelEmitter::element(const ir::Op &op, const std::vector<Value *> &x) {
  const DType result = op.result->type.dtype;
  std::vector<DType> from;
  for (const ir::Value *v : op.operands) from.push_back(v->type.dtype);
  switch (ir::category(op.kind)) {
  case ir::Category::Unary: {
    if (op.kind == OpKind::Cast) return convert(x[0], from[0], result);
    DType compute = op.kind == OpKind::Not ? DType::Bool : result;
    return convert(unary(op, convert(x[0], from[0], compute), compute), compute, result);
  }
  case ir::Category::Binary: {
    DType compute = binaryComputeType(op);
    if (op.kind == OpKind::Pow && isFloat(compute))
      if (auto e = constantExponent(op.operands[1])) {
        double exponent = *e;
        Value *base = convert(x[0], from[0], compute);
        Value *v = powSpecialCase(b_, base, exponent);  // codegen/common/Elements.h
        if (!v) v = libdevice("pow", compute, {base, llvm::ConstantFP::get(base->getType(), exponent)});
        return convert(v, compute, result);
      }
    Value *v = binary(op.kind, convert(x[0], from[0], compute), convert(x[1], from[1], compute), compute);
    return isComparison(op.kind) ? v : convert(v, compute, result);
  }
  case ir::Category::Ternary: {
    Value *c = b_.CreateICmpNE(convert(x[0], from[0], DType::Bool), b_.getInt8(0));
    return b_.CreateSelect(c, convert(x[1], from[1], result), convert(x[2], from[2], result));
  }
  default: return llvm::UndefValue::get(elementType(result));
  }
}

Value *KernelEmitter::convert(Value *v, DType from, DType to) {
  return convertElement(b_, v, from, to, elementType(to));  // as on the CPU (codegen/common/Elements.h)
}

Value *KernelEmitter::unary(const ir::Op &op, Value *x, DType type) {
  const bool fp = isFloat(type);
  switch (op.kind) {
  case OpKind::Neg: return fp ? b_.CreateFNeg(x) : b_.CreateNeg(x);
  case OpKind::Abs:
    if (fp) return b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
    return b_.CreateSelect(b_.CreateICmpSLT(x, i32(0)), b_.CreateNeg(x), x);
  case OpKind::Sqrt: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x);
  case OpKind::Not: return b_.CreateZExt(b_.CreateICmpEQ(x, b_.getInt8(0)), b_.getInt8Ty());
  default:
    if (const char *name = mathName(op.kind)) return libdevice(name, type, {x});
    return x;
  }
}

Value *KernelEmitter::binary(OpKind kind, Value *a, Value *b, DType type) {
  auto flag = [&](Value *bit) { return b_.CreateZExt(bit, b_.getInt8Ty()); };
  if (type == DType::Bool) {
    Value *x = b_.CreateICmpNE(a, b_.getInt8(0)), *y = b_.CreateICmpNE(b, b_.getInt8(0));
    switch (kind) {
    case OpKind::And:
    case OpKind::Minimum: return flag(b_.CreateAnd(x, y));
    case OpKind::Or:
    case OpKind::Maximum: return flag(b_.CreateOr(x, y));
    case OpKind::Eq: return flag(b_.CreateICmpEQ(x, y));
    case OpKind::Ne: return flag(b_.CreateICmpNE(x, y));
    case OpKind::Lt: return flag(b_.CreateICmpULT(x, y));
    case OpKind::Le: return flag(b_.CreateICmpULE(x, y));
    case OpKind::Gt: return flag(b_.CreateICmpUGT(x, y));
    case OpKind::Ge: return flag(b_.CreateICmpUGE(x, y));
    default: return a;
    }
  }
  if (isFloat(type)) {
    switch (kind) {
    case OpKind::Add: return b_.CreateFAdd(a, b);
    case OpKind::Sub: return b_.CreateFSub(a, b);
    case OpKind::Mul: return b_.CreateFMul(a, b);
    case OpKind::Div: return b_.CreateFDiv(a, b);
    case OpKind::Mod: {
      Value *r = libdevice("fmod", type, {a, b});
      Value *zero = llvm::ConstantFP::get(a->getType(), 0.0);
      Value *adjust = b_.CreateAnd(b_.CreateFCmpUNE(r, zero),
                                   b_.CreateXor(b_.CreateFCmpOLT(b, zero), b_.CreateFCmpOLT(r, zero)));
      return b_.CreateSelect(adjust, b_.CreateFAdd(r, b), r);
    }
    case OpKind::Pow: return libdevice("pow", type, {a, b});
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
    default: return a;
    }
  }
  switch (kind) {
  case OpKind::Add: return b_.CreateAdd(a, b);
  case OpKind::Sub: return b_.CreateSub(a, b);
  case OpKind::Mul: return b_.CreateMul(a, b);
  case OpKind::Maximum: return b_.CreateSelect(b_.CreateICmpSGT(a, b), a, b);
  case OpKind::Minimum: return b_.CreateSelect(b_.CreateICmpSLT(a, b), a, b);
  case OpKind::Lt: return flag(b_.CreateICmpSLT(a, b));
  case OpKind::Le: return flag(b_.CreateICmpSLE(a, b));
  case OpKind::Gt: return flag(b_.CreateICmpSGT(a, b));
  case OpKind::Ge: return flag(b_.CreateICmpSGE(a, b));
  case OpKind::Eq: return flag(b_.CreateICmpEQ(a, b));
  case OpKind::Ne: return flag(b_.CreateICmpNE(a, b));
  default: return a;
  }
}

}  // namespace dlc::codegen::nvptx
