// Which Load ops may read their storage's buffer in place instead of copying
// it out (Emitter.h: "Load copies out of it, so a later Store never changes a
// value already loaded").
//
// A Store never writes into the buffer it replaces: it fills a new buffer and
// frees the old one. So a loaded value can share the storage's buffer as long
// as nothing uses it, or a value sharing its elements (a reshape, a
// transpose that is a no-op), after the next Store to that storage. For a
// Load at position i of a region, with p the first later position whose op
// stores to the same storage (directly or in a nested region): every use must
// sit in an op before p, or be the Store at p itself (which copies the value
// before it frees the old buffer). Uses can only be in this region and the
// regions nested in it, so nothing else needs looking at; a later iteration
// of an enclosing loop loads afresh.
//
// In-place updates go one step further: a fused kernel whose output is
// stored into a storage whose buffer the kernel reads in place, element for
// element, may write that output over the buffer (an optimizer's update of
// its state and of the weights: new m from old m), so the step touches one
// buffer per state tensor instead of two. For output o of the Fused op F at
// position i, stored by the Store at s > i into storage S:
//   - o's only use is that Store, and no op between F and s stores to S;
//   - an operand of F is an in-place Load of S, of o's type, and every
//     operand of F that shares S's buffer is such a Load (not a view) read
//     at the element's own offset (of o's shape), so each element is read
//     before it is written;
//   - nothing between F and s reads a value sharing S's buffer (a Load of S
//     or a view of one), which would see the new elements.
// Then S's buffer already holds o's elements at s, and the Store leaves it.
#pragma once

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/IR.h"

namespace dlc::codegen::x86 {

std::unordered_set<const ir::Op *> findInPlaceLoads(const ir::Module &module);

struct InPlaceUpdate {
  size_t output;  // 0: the kernel's result; k: its k-th extra output (kernel_output axis k - 1)
  size_t operand;  // the kernel's operand whose buffer it overwrites
  const ir::Op *store;
};

// For each Fused op with outputs that may be written in place, which.
std::unordered_map<const ir::Op *, std::vector<InPlaceUpdate>> findInPlaceUpdates(
    const ir::Module &module, const std::unordered_set<const ir::Op *> &inPlaceLoads);

}  // namespace dlc::codegen::x86
