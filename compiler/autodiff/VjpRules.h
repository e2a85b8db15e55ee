// The vector-Jacobian rules: one per differentiable op, in one table
// (VjpRules.cpp). A rule gets the op and the adjoint of its result and
// returns one adjoint per operand (null: none). The reverse-mode driver
// (Autodiff.cpp) knows no per-op math; it fits every returned adjoint to its
// operand's type (ReduceTo over broadcast dimensions, then a Cast), so rules
// may return adjoints in the op's broadcast result shape.
#pragma once

#include <vector>

#include "autodiff/Builder.h"
#include "ir/IR.h"

namespace dlc::autodiff {

struct VjpContext {
  Builder &build;
  // needed[i]: operand i's adjoint is used (it depends on the variable and
  // the differentiated value depends on it). Rules skip the others.
  std::vector<bool> needed;

  bool needs(size_t operand) const { return operand < needed.size() && needed[operand]; }
};

using VjpRule = std::vector<ir::Value *> (*)(VjpContext &ctx, const ir::Op &op, ir::Value *adjoint);

// The rule of `kind`; null for ops without a gradient (their results are
// leaves: comparisons, logic, argmax, one_hot, creation, random, storage).
VjpRule vjpRule(ir::OpKind kind);

}  // namespace dlc::autodiff
