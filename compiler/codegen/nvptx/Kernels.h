// The device half of `dlc --target=cuda`: which IR ops run as CUDA kernels,
// and one NVPTX kernel (LLVM IR for nvptx64-nvidia-cuda, PTX_Kernel calling
// convention, `contract` on float arithmetic) for each of them.
//
// Kernels and their parameters (every size is an i64; pointers are device
// addresses of contiguous row-major elements, the result first):
//   Map        out, in..., total [, dims[r], strides[operand][r]]
//              elementwise ops, fused kernels and broadcast_to: a grid-stride
//              loop over the result's elements; `flat` kernels (every operand
//              shaped like the result) take only `total`, the others the
//              result's sizes and each operand's broadcast strides.
//   Reduce     out, in, outer, n, inner
//              sum, mean, max, min, argmax over the middle of [outer, n, inner]
//              (and reduce_to's summed block): when inner == 1 one block of
//              256 threads per output, combined by warp shuffles and shared
//              memory; otherwise one thread per output, reading coalesced.
//   Gemm       c, a, b, M, N, K, rsA, csA, rsB, csB
//              C = A·B, a T×T tile per block of 256 threads (T/16 × T/16
//              each; T = 128, 64 or 32, one kernel each), 16-deep slices of A
//              and B staged in shared memory; A and B are read through
//              strides, so transposed operands are views.
//   Transpose  out, in, batch, rows, cols
//
// Every other op (data, printing, random numbers, indexing, integer
// division...) runs on the host with its operands copied back first
// (HostLaunch.h), so a new op kind that has no kernel here still works.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "ir/IR.h"

namespace dlc::codegen::nvptx {

enum class KernelKind { Map, Reduce, Gemm, Transpose };

inline constexpr int kBlockThreads = 256;  // every kernel's block size
// The GEMM comes in three tile sizes (rows and columns of C per block; each
// of the 256 threads computes tile/16 × tile/16 of them), named
// <kernel>_t128, _t64, _t32; the host picks the largest that still gives
// every multiprocessor of a large GPU a block (small products need many
// small tiles more than they need register blocking).
inline constexpr int kGemmTiles[] = {128, 64, 32};

struct KernelInfo {
  std::string name;  // the PTX entry
  KernelKind kind = KernelKind::Map;
  bool flat = false;  // Map: every operand is read at the result's offsets
};

using KernelTable = std::unordered_map<const ir::Op *, KernelInfo>;

// The kernels of `module`, one per op that runs on the device; `transposeViews`
// are the Transpose ops the host emits as views (no kernel). Null with *error
// set on an internal failure.
std::unique_ptr<llvm::Module> buildKernels(const ir::Module &module,
                                           const std::unordered_set<const ir::Op *> &transposeViews,
                                           llvm::LLVMContext &context, KernelTable *table, std::string *error,
                                           bool emulate = false);

// With `emulate` (dlc --emit=kernels-emu, for tests only) the kernels are built
// for the host instead: special registers, barriers and shuffles become calls
// to dl_emu_special(i32: 0 tid.x, 1 ctaid.x, 2 ctaid.y, 3 ntid.x, 4 nctaid.x),
// dl_emu_barrier() and dl_emu_shfl_down(i32 word, i32 delta); shared arrays
// are ordinary globals; libdevice calls become libm's; and each kernel K gets
// a wrapper dl_emu_K(void **params) taking cuLaunchKernel's parameter array.
// test/lit/cuda/Inputs/emu_libcuda.cpp runs them with a thread per GPU thread.

}  // namespace dlc::codegen::nvptx
