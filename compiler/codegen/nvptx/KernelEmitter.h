// KernelEmitter: the machinery shared by the kernel builders (Kernels.cpp:
// which ops are kernels, elementwise maps and the element math;
// KernelReduce.cpp: reductions, GEMM, transpose). Internal to codegen/nvptx.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/nvptx/Kernels.h"

namespace dlc::codegen::nvptx {

class KernelEmitter {
public:
  // `emulate`: the same kernels for the host, to test them without a GPU
  // (Kernels.h, buildKernels).
  KernelEmitter(llvm::Module &module, bool emulate = false)
      : m_(module), c_(module.getContext()), b_(c_), emulate_(emulate) {
    llvm::FastMathFlags flags;
    flags.setAllowContract(true);  // a*b+c may be one FMA, as in nvcc's default
    b_.setFastMathFlags(flags);
  }

  // ---- Kernels.cpp ----
  // Whether an elementwise op (or every op of a fused kernel) has device code.
  static bool elementSupported(const ir::Op &op);
  void buildMap(const ir::Op &op, const KernelInfo &info);
  // One element of `op` from its operands' elements (each in its own dtype).
  llvm::Value *element(const ir::Op &op, const std::vector<llvm::Value *> &x);
  llvm::Value *convert(llvm::Value *v, DType from, DType to);

  // ---- KernelReduce.cpp ----
  static bool reduceSupported(const ir::Op &op);
  void buildReduce(const ir::Op &op, const KernelInfo &info);
  void buildGemm(const ir::Op &op, const KernelInfo &info);
  void buildTranspose(const ir::Op &op, const KernelInfo &info);

private:
  void buildGemmTile(const ir::Op &op, const std::string &name, int tile);
  llvm::Function *kernel(const std::string &name, unsigned pointers, unsigned sizes);
  llvm::Value *special(llvm::Intrinsic::ID id);  // a PTX special register, as i64
  llvm::Value *i64(int64_t v) { return b_.getInt64(static_cast<uint64_t>(v)); }
  llvm::Value *i32(int32_t v) { return b_.getInt32(static_cast<uint32_t>(v)); }
  llvm::Type *elementType(DType dtype);
  llvm::Value *load(DType dtype, llvm::Value *base, llvm::Value *offset);
  void store(DType dtype, llvm::Value *base, llvm::Value *offset, llvm::Value *v);
  // for (i = lo; i < hi; i += step) body(i), i64.
  void loop(llvm::Value *lo, llvm::Value *hi, llvm::Value *step, const std::function<void(llvm::Value *)> &body);
  llvm::Value *isNaN(llvm::Value *v) { return b_.CreateFCmpUNO(v, v); }
  llvm::Value *libdevice(const std::string &name, DType type, std::vector<llvm::Value *> args);
  llvm::Value *unary(const ir::Op &op, llvm::Value *x, DType type);
  llvm::Value *binary(ir::OpKind kind, llvm::Value *a, llvm::Value *b, DType type);
  llvm::Value *shuffleDown(llvm::Value *v, unsigned delta);
  void barrier();
  llvm::GlobalVariable *shared(llvm::Type *element, uint64_t count, const std::string &name);

  llvm::Module &m_;
  llvm::LLVMContext &c_;
  llvm::IRBuilder<> b_;
  llvm::Function *f_ = nullptr;
  bool emulate_ = false;
};

}  // namespace dlc::codegen::nvptx
