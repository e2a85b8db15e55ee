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
#pragma once

#include <unordered_set>

#include "ir/IR.h"

namespace dlc::codegen::x86 {

std::unordered_set<const ir::Op *> findInPlaceLoads(const ir::Module &module);

}  // namespace dlc::codegen::x86
