// The pass list of --target=cuda. The device program runs the IR these passes
// make: resumable (part of the program's meaning: checkpoints need it), then
// dead code goes and elementwise ops fuse into the `fused` kernels that
// codegen/nvptx lowers to one grid-stride loop (single-output kernels:
// kernel_output is not lowered there yet). Passes that make kernel kinds
// only the x86 back end knows stay out until codegen/nvptx lowers them (an op
// without a kernel would still run, on the host, but slowly).
#include "passes/DeadCode.h"
#include "passes/FuseElementwise.h"
#include "passes/Resumable.h"

namespace dlc::passes {

std::vector<Pass> cudaPipelineFor(int optLevel) {
  if (optLevel <= 0) return {createResumablePass()};
  return {createResumablePass(), createDeadCodePass(), createFuseElementwiseSingleOutputPass()};
}

}  // namespace dlc::passes
