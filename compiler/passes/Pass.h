// The optimisation passes over the tensor IR, run after autodiff. Each pass
// is a record {name, description, run} with a factory in its own header, as
// in Futhark; the pipeline is the explicit list in Pipeline.cpp, and
// `dlc --print-after=<name>` prints the IR after any of them.
#pragma once

#include <string>
#include <vector>

#include "ir/IR.h"

namespace dlc::passes {

struct Pass {
  const char *name;         // the --print-after= spelling
  const char *description;  // one line, for --help and the docs
  void (*run)(ir::Module &module);
};

// The passes -O<level> runs, in order: at -O0 only resumable (which a
// checkpoint needs; every op stays its own loop nest, as written), then
// dead-code elimination and elementwise fusion above.
std::vector<Pass> pipelineFor(int optLevel);

// The passes for --target=cuda (PipelineCuda.cpp): only those whose results
// the NVPTX back end has kernels for, so a new CPU-only kernel kind stays off it.
std::vector<Pass> cudaPipelineFor(int optLevel);

// Every pass there is, for --print-after's check.
std::vector<Pass> allPasses();

}  // namespace dlc::passes
