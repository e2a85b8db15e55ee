// See InlineMath.h. The operations follow runtime/core/Math.cpp's expF32
// one for one: the same float constants (the same literals, rounded by the
// same C++ compiler), fma where it has std::fma, and separate roundings
// everywhere else (no fast-math flags).
#include "codegen/x86/InlineMath.h"

#include <cmath>

#include <llvm/IR/Constants.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>

namespace dlc::codegen::x86 {

using llvm::Value;

llvm::Function *expF32(llvm::Module &module) {
  const char *name = "dlc.math.exp.f32";
  if (llvm::Function *existing = module.getFunction(name)) return existing;
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *f32 = llvm::Type::getFloatTy(context);
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  auto *f = llvm::Function::Create(llvm::FunctionType::get(f32, {f32}, false), llvm::Function::InternalLinkage, name,
                                   module);
  f->addFnAttr(llvm::Attribute::AlwaysInline);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  f->setDoesNotAccessMemory();
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", f));
  auto c = [&](float v) { return llvm::ConstantFP::get(f32, v); };
  llvm::Function *fmaFn = llvm::Intrinsic::getDeclaration(&module, llvm::Intrinsic::fma, {f32});
  auto fma = [&](Value *x, Value *y, Value *z) { return b.CreateCall(fmaFn, {x, y, z}); };
  // 2^q for -126 <= q <= 127: the exponent field alone.
  auto pow2i = [&](Value *q) { return b.CreateBitCast(b.CreateShl(b.CreateAdd(q, b.getInt32(0x7f)), 23), f32); };

  Value *d = f->getArg(0);
  Value *nan = b.CreateFCmpUNO(d, d);
  Value *under = b.CreateFCmpOLT(d, c(-104.0f));
  Value *over = b.CreateFCmpOGT(d, c(100.0f));
  // Outside [-104, 100] (or NaN) the result is a constant, chosen below; the
  // arithmetic then runs on 0 so that the conversion to int is defined.
  Value *x = b.CreateSelect(b.CreateOr(nan, b.CreateOr(under, over)), c(0.0f), d);
  // roundToInt: to nearest, ties to even (cvtps2dq).
  Value *scaled = b.CreateFMul(x, c(1.442695040888963407359924681001892137426645954152985934135449406931f));
  llvm::Function *roundEven = llvm::Intrinsic::getDeclaration(&module, llvm::Intrinsic::roundeven, {f32});
  Value *q = b.CreateFPToSI(b.CreateCall(roundEven, {scaled}), i32);
  Value *qf = b.CreateSIToFP(q, f32);
  Value *s = fma(qf, c(-0.693145751953125f), x);
  s = fma(qf, c(-1.428606765330187045e-06f), s);
  Value *u = c(0.000198527617612853646278381f);
  u = fma(u, s, c(0.00139304355252534151077271f));
  u = fma(u, s, c(0.00833336077630519866943359f));
  u = fma(u, s, c(0.0416664853692054748535156f));
  u = fma(u, s, c(0.166666671633720397949219f));
  u = fma(u, s, c(0.5f));
  u = b.CreateFAdd(c(1.0f), fma(b.CreateFMul(s, s), u, s));
  // ldexp2(u, q) = u * 2^(q >> 1) * 2^(q - (q >> 1)).
  Value *half = b.CreateAShr(q, 1);
  Value *r = b.CreateFMul(b.CreateFMul(u, pow2i(half)), pow2i(b.CreateSub(q, half)));
  r = b.CreateSelect(over, c(INFINITY), r);
  r = b.CreateSelect(under, c(0.0f), r);
  b.CreateRet(b.CreateSelect(nan, d, r));
  return f;
}

}  // namespace dlc::codegen::x86
