// The math functions the back end writes into programs (InlineMath.h) give
// the same bits as their dl_runtime twins, which test/runtime/MathTest.cpp
// checks against torch: dlc.math.exp.f32, JIT-compiled, against
// dl_math_exp_f32 on a sweep of [-110, 110] (every 61st float), every float
// near the cut-offs (-104, 100) and near 0, and the special values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <llvm/ADT/bit.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/Support/TargetSelect.h>

#include "codegen/x86/InlineMath.h"
#include "dl_runtime.h"

namespace {

float fromBits(uint32_t u) { return llvm::bit_cast<float>(u); }
uint32_t bitsOf(float f) { return llvm::bit_cast<uint32_t>(f); }

using Loop = void (*)(const float *, float *, int64_t);

// void run(const float *in, float *out, i64 n): out[i] = exp(in[i]).
std::unique_ptr<llvm::Module> loopModule(llvm::LLVMContext &context) {
  auto module = std::make_unique<llvm::Module>("inline-math-test", context);
  llvm::Function *exp = dlc::codegen::x86::expF32(*module);
  llvm::IRBuilder<> b(context);
  auto *ptr = b.getPtrTy();
  auto *f = llvm::Function::Create(llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, b.getInt64Ty()}, false),
                                   llvm::Function::ExternalLinkage, "run", *module);
  auto *entry = llvm::BasicBlock::Create(context, "entry", f);
  auto *body = llvm::BasicBlock::Create(context, "body", f);
  auto *done = llvm::BasicBlock::Create(context, "done", f);
  b.SetInsertPoint(entry);
  b.CreateCondBr(b.CreateICmpSGT(f->getArg(2), b.getInt64(0)), body, done);
  b.SetInsertPoint(body);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2);
  i->addIncoming(b.getInt64(0), entry);
  llvm::Value *x = b.CreateLoad(b.getFloatTy(), b.CreateGEP(b.getFloatTy(), f->getArg(0), i));
  b.CreateStore(b.CreateCall(exp, {x}), b.CreateGEP(b.getFloatTy(), f->getArg(1), i));
  llvm::Value *next = b.CreateAdd(i, b.getInt64(1));
  i->addIncoming(next, body);
  b.CreateCondBr(b.CreateICmpSLT(next, f->getArg(2)), body, done);
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return module;
}

TEST(InlineMath, ExpF32MatchesTheRuntimeBitForBit) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jit = llvm::orc::LLJITBuilder().create();
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = loopModule(*context);
  ASSERT_FALSE(static_cast<bool>((*jit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)))));
  auto symbol = (*jit)->lookup("run");
  ASSERT_TRUE(static_cast<bool>(symbol)) << llvm::toString(symbol.takeError());
  Loop run = symbol->toPtr<Loop>();

  std::vector<float> in;
  for (uint32_t u = 0; u <= bitsOf(110.0f); u += 61) {
    in.push_back(fromBits(u));
    in.push_back(-fromBits(u));
  }
  for (float edge : {-104.0f, 100.0f, 0.0f, 88.0f, -87.0f})
    for (int k = -20000; k <= 20000; ++k) in.push_back(fromBits(static_cast<uint32_t>(static_cast<int64_t>(bitsOf(edge)) + k)));
  for (float special : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                        std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min(),
                        -std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::lowest(), -0.0f})
    in.push_back(special);
  std::vector<float> out(in.size());
  run(in.data(), out.data(), static_cast<int64_t>(in.size()));
  int64_t wrong = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    float want = dl_math_exp_f32(in[i]);
    bool same = std::isnan(want) ? std::isnan(out[i]) : bitsOf(want) == bitsOf(out[i]);
    if (!same && ++wrong <= 5)
      ADD_FAILURE() << "exp(" << in[i] << "): runtime " << want << ", inline " << out[i];
  }
  EXPECT_EQ(wrong, 0) << "of " << in.size() << " inputs";
}

}  // namespace
