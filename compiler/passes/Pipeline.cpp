// The optimisation pipeline: an explicit list, as the driver's stages are.
#include "passes/DeadCode.h"
#include "passes/FuseElementwise.h"
#include "passes/FuseMatmulEpilogue.h"

namespace dlc::passes {

std::vector<Pass> pipelineFor(int optLevel) {
  if (optLevel <= 0) return {};
  return {createDeadCodePass(), createFuseElementwisePass(), createFuseMatmulEpiloguePass()};
}

std::vector<Pass> allPasses() { return pipelineFor(2); }

}  // namespace dlc::passes
