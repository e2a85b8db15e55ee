// DeviceLauncher: the host half of `dlc --target=cuda`. It plugs into the x86
// emitter, which then writes `main` with the program twice: the CPU program as
// before, and a device program, chosen at run time by dl_cuda_start
// (runtime/include/dl_cuda.h). In the device program
//   - an op with a kernel (Kernels.h) becomes a dl_cuda_launch; its result is
//     current on the device only;
//   - Load and Store copy on the device (dl_cuda_copy), so parameters,
//     gradients and optimizer state never leave it;
//   - every other op runs the x86 emitter's code on the host, after
//     dl_cuda_to_host of its operands, and marks its result as written by the
//     host (dl_cuda_host_wrote) — so an op without a kernel still works.
// Buffers keep their host addresses as names, so the x86 emitter's memory
// management (allocate, scopes, storage slots) is used unchanged.
#pragma once

#include <string>

#include <llvm/IR/Value.h>

#include "codegen/nvptx/Kernels.h"
#include "codegen/x86/Emitter.h"

namespace dlc::codegen::nvptx {

class DeviceLauncher {
public:
  DeviceLauncher(x86::Emitter &emitter, const KernelTable &kernels, std::string ptx)
      : e_(emitter), kernels_(kernels), ptx_(std::move(ptx)) {}

  void emitEnable();   // in main, before dl_program_start: the PTX
  void emitProgram();  // both programs and the run-time choice between them
  bool emit(const ir::Op &op);  // an op of the device program; false: not this op

private:
  bool launchKernel(const ir::Op &op, const KernelInfo &info);
  bool launchMap(const ir::Op &op, const KernelInfo &info);
  bool launchReduce(const ir::Op &op, const KernelInfo &info);
  bool launchReduceTo(const ir::Op &op, const KernelInfo &info);
  bool launchGemm(const ir::Op &op, const KernelInfo &info);
  bool launchTranspose(const ir::Op &op, const KernelInfo &info);
  // What launchReduce and launchReduceTo launch once they know the shape; defines op's result.
  void launchReduction(const ir::Op &op, const KernelInfo &info, const x86::RtTensor &out, const x86::RtTensor &in,
                       llvm::Value *outer, llvm::Value *n, llvm::Value *inner);
  void emitLoad(const ir::Op &op);
  void emitStore(const ir::Op &op);
  void onHost(const ir::Op &op, size_t firstOperand = 0, bool wrote = true);

  void launch(const ir::Op &op, const KernelInfo &info, llvm::Value *gridX, llvm::Value *gridY,
              const std::vector<const x86::RtTensor *> &tensors, const std::vector<llvm::Value *> &ints,
              llvm::Value *name = nullptr);  // the kernel's name, when not info.name
  llvm::Value *bytes(const x86::RtTensor &t);
  llvm::Value *blocksFor(llvm::Value *threads);  // ceil(threads / 256), at most 2^20 (kernels stride)
  void toHost(const x86::RtTensor &t);
  // Every storage (params, optimizer state, vars): made current on the host
  // before the host reads them all (`read`), or marked as written by it.
  void storagesOnHost(bool read);
  void hostWrote(const x86::RtTensor &t);

  x86::Emitter &e_;
  const KernelTable &kernels_;
  std::string ptx_;
  bool onDevice_ = false;
};

}  // namespace dlc::codegen::nvptx
