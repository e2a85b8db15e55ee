// The NVPTX target: a TargetMachine for nvptx64-nvidia-cuda (sm_90), libdevice
// linked in for the math functions, LLVM's -O pipeline, and PTX text from the
// NVPTX backend. Kept apart from the kernel emitter because these LLVM headers
// (PassBuilder, TargetMachine) are slow to compile.
#pragma once

#include <memory>
#include <string>

namespace llvm {
class Module;
}  // namespace llvm

namespace dlc::codegen::nvptx {

inline constexpr const char *kTriple = "nvptx64-nvidia-cuda";
inline constexpr const char *kCpu = "sm_90";
inline constexpr const char *kDataLayout = "e-p6:32:32-i64:64-i128:128-v16:16-v32:32-n16:32:64";

// Links libdevice when the module calls __nv_* functions (found through
// $DLC_LIBDEVICE, $CUDA_HOME, $CUDA_PATH, /usr/local/cuda, Debian's
// nvidia-cuda-toolkit), optimises at -O<optLevel> and returns the PTX text.
// False with *error set when LLVM lacks NVPTX or libdevice is needed but absent.
bool compileToPtx(llvm::Module &module, int optLevel, std::string *ptx, std::string *error);

}  // namespace dlc::codegen::nvptx
