// cse: an op that computes what an earlier op in scope already computed
// (same kind, same operands, same attributes, same result type) is removed
// and its uses read the earlier result.
//
// Only ops whose result depends on nothing but their operands and attributes
// take part: constants, elementwise ops, reductions, products, movement,
// fills and size queries. Never random draws, loads (storage changes between
// them), host effects, files or control flow. An op may reuse a value defined
// earlier in its own region or in an enclosing one (what is visible there),
// never one from a sibling region. A kernel's body is left alone. The kept op
// computes the same elements by the same arithmetic, so no number changes.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createCommonSubexprPass();

}  // namespace dlc::passes
