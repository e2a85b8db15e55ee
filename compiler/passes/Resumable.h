// The pass that makes the loops around the program's checkpoint(...)
// re-enterable, so that a run resumed from a checkpoint continues exactly
// where the checkpoint was written. The algorithm is described in
// Resumable.cpp. It is needed for the program's meaning, so it runs at every
// optimisation level, first.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createResumablePass();

}  // namespace dlc::passes
