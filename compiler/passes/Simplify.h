// simplify: algebraic identities that give the very same bits, and scalar
// constant folding.
//
// Rewrites (each only where the result type is the operand's, so nothing
// broadcasts): x * 1, 1 * x, x / 1, x - (+0), x + (-0), (-0) + x -> x;
// -(-x) -> x; transpose(transpose(x)) -> x; select(c, x, x) -> x; a cast,
// reshape, broadcast or reduce_to to x's own type -> x. Deliberately not:
// x + 0 (gives +0 for x = -0), x * 0 (NaN, infinities, -0), x - x, and
// reassociation: PyTorch computes those, so they keep their rounding.
//
// Folding: neg, add, sub, mul, div, sqrt and float casts of constants with
// at most 64 elements, in the op's dtype (f32 arithmetic rounded to f32 at
// each step, as the generated code does), so the folded constant holds the
// bits the op would have produced at run time.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createSimplifyPass();

}  // namespace dlc::passes
