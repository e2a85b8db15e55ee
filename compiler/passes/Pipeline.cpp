// The optimisation pipeline: an explicit list, as the driver's stages are.
#include "passes/CommonSubexpr.h"
#include "passes/DeadCode.h"
#include "passes/FuseElementwise.h"
#include "passes/Resumable.h"
#include "passes/FuseRows.h"
#include "passes/Simplify.h"
#include "passes/FuseMatmulEpilogue.h"

namespace dlc::passes {

std::vector<Pass> pipelineFor(int optLevel) {
  // Resumable is part of the program's meaning, not an optimisation.
  if (optLevel <= 0) return {createResumablePass()};
  return {createResumablePass(), createSimplifyPass(),   createCommonSubexprPass(),
          createDeadCodePass(),  createFuseRowsPass(),    createFuseElementwisePass(),
          createFuseMatmulEpiloguePass()};
}

std::vector<Pass> allPasses() { return pipelineFor(2); }

}  // namespace dlc::passes
