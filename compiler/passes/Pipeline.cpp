// The optimisation pipeline: an explicit list, as the driver's stages are.
#include "passes/CommonSubexpr.h"
#include "passes/DeadCode.h"
#include "passes/FuseElementwise.h"
#include "passes/FuseRows.h"
#include "passes/Simplify.h"

namespace dlc::passes {

std::vector<Pass> pipelineFor(int optLevel) {
  if (optLevel <= 0) return {};
  return {createSimplifyPass(), createCommonSubexprPass(), createDeadCodePass(), createFuseRowsPass(),
          createFuseElementwisePass()};
}

std::vector<Pass> allPasses() { return pipelineFor(2); }

}  // namespace dlc::passes
