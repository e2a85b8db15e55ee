// See InPlaceLoads.h.
#include "codegen/x86/InPlaceLoads.h"

#include <functional>

namespace dlc::codegen::x86 {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

using ir::storesTo;

// Results that share their operand's elements in codegen.
bool sharesElements(const Op &op) { return op.kind == OpKind::Reshape || op.kind == OpKind::Transpose; }

bool canLoadInPlace(const Region &region, size_t at) {
  const Op &load = *region.ops[at];
  size_t end = region.ops.size(), firstStore = end;
  for (size_t j = at + 1; j < end && firstStore == end; ++j)
    if (storesTo(*region.ops[j], load.attrs.name)) firstStore = j;
  std::unordered_set<const Value *> shared{load.result};
  bool ok = true;
  // Walks op and everything nested in it, in program order.
  std::function<void(const Op &, size_t)> visit = [&](const Op &op, size_t top) {
    bool uses = false;
    for (const Value *v : op.operands) uses = uses || shared.count(v);
    if (uses) {
      bool copiedByTheStore = top == firstStore && &op == region.ops[top].get() && op.kind == OpKind::Store;
      if (top >= firstStore && !copiedByTheStore) ok = false;
      if (sharesElements(op) && op.result) shared.insert(op.result);
    }
    for (auto &inner : op.regions)
      for (auto &innerOp : inner->ops) visit(*innerOp, top);
  };
  for (size_t j = at + 1; j < end && ok; ++j) visit(*region.ops[j], j);
  return ok;
}

void scan(const Region &region, std::unordered_set<const Op *> &found) {
  for (size_t i = 0; i < region.ops.size(); ++i) {
    const Op &op = *region.ops[i];
    if (op.kind == OpKind::Load && op.result && canLoadInPlace(region, i)) found.insert(&op);
    for (auto &inner : op.regions) scan(*inner, found);
  }
}

}  // namespace

std::unordered_set<const ir::Op *> findInPlaceLoads(const ir::Module &module) {
  std::unordered_set<const Op *> found;
  scan(module.main(), found);
  return found;
}

}  // namespace dlc::codegen::x86
