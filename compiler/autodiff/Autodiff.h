// Reverse-mode automatic differentiation: expands every Grad and Minimize op
// of a module into ordinary tensor ops, so later stages never see them.
#pragma once

#include "ir/IR.h"
#include "support/Diagnostics.h"

namespace dlc::autodiff {

// Replaces each Grad op (in any region) by the ops computing its gradient,
// and each Minimize op by the gradients of its loss followed by its update
// regions, inlined in order. Returns false when it reported an error.
bool differentiate(ir::Module &module, DiagnosticEngine &diags);

}  // namespace dlc::autodiff
