// The optimisation pipeline: an explicit list, as the driver's stages are.
#include "passes/DeadCode.h"
#include "passes/FuseElementwise.h"
#include "passes/Resumable.h"

namespace dlc::passes {

std::vector<Pass> pipelineFor(int optLevel) {
  // Resumable is part of the program's meaning, not an optimisation.
  if (optLevel <= 0) return {createResumablePass()};
  return {createResumablePass(), createDeadCodePass(), createFuseElementwisePass()};
}

std::vector<Pass> allPasses() { return pipelineFor(2); }

}  // namespace dlc::passes
