// See DeadCode.h. Counts the uses of every value in the module (nested
// regions included), then sweeps each region backwards, so an op whose only
// users were removed goes in the same sweep; repeats until nothing changes.
#include "passes/DeadCode.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace dlc::passes {

namespace {

using ir::Category;
using ir::Op;
using ir::Region;
using ir::Value;

bool staticTypes(const Op &op) {
  for (const Value *v : op.operands)
    if (!v->type.staticElementCount()) return false;
  return !op.result || op.result->type.staticElementCount().has_value();
}

void countUses(const Region &region, std::unordered_map<const Value *, int> &uses) {
  for (auto &op : region.ops) {
    for (const Value *v : op->operands) ++uses[v];
    for (auto &inner : op->regions) countUses(*inner, uses);
  }
}

void forgetUses(const Op &op, std::unordered_map<const Value *, int> &uses) {
  for (const Value *v : op.operands) --uses[v];
  for (auto &inner : op.regions)
    for (auto &innerOp : inner->ops) forgetUses(*innerOp, uses);
}

void collectLoaded(const Region &region, std::unordered_set<std::string> &loaded) {
  for (auto &op : region.ops) {
    if (op->kind == ir::OpKind::Load) loaded.insert(op->attrs.name);
    for (auto &inner : op->regions) collectLoaded(*inner, loaded);
  }
}

bool sweep(const ir::Module &module, Region &region, std::unordered_map<const Value *, int> &uses,
           const std::unordered_set<std::string> &loaded) {
  bool changed = false;
  for (size_t i = region.ops.size(); i-- > 0;) {
    Op &op = *region.ops[i];
    // A kernel's last op gives the kernel's value without a use: keep its body whole.
    if (ir::category(op.kind) != Category::Kernel)
      for (auto &inner : op.regions) changed = sweep(module, *inner, uses, loaded) || changed;
    // A store to a `var` that is never read (a function's return slot, once
    // lowering has forwarded the value) goes too.
    if (op.kind == ir::OpKind::Store && !loaded.count(op.attrs.name)) {
      const ir::Storage *storage = module.findStorage(op.attrs.name);
      if (storage && storage->kind == ir::Storage::Var) {
        forgetUses(op, uses);
        region.ops.erase(region.ops.begin() + static_cast<ptrdiff_t>(i));
        changed = true;
        continue;
      }
    }
    if (!op.result || uses[op.result] > 0 || !isRemovableWhenUnused(op)) continue;
    forgetUses(op, uses);
    op.result->def = nullptr;  // the Value outlives its op (ir/IR.h)
    op.result->owner = nullptr;
    region.ops.erase(region.ops.begin() + static_cast<ptrdiff_t>(i));
    changed = true;
  }
  return changed;
}

void run(ir::Module &module) {
  std::unordered_map<const Value *, int> uses;
  countUses(module.main(), uses);
  std::unordered_set<std::string> loaded;
  collectLoaded(module.main(), loaded);
  while (sweep(module, module.main(), uses, loaded)) {
  }
}

}  // namespace

bool isRemovableWhenUnused(const Op &op) {
  switch (ir::category(op.kind)) {
  case Category::Constant:
  case Category::Unary:
    return true;
  case Category::Storage:
    return op.kind == ir::OpKind::Load;
  case Category::Binary:
  case Category::Ternary:
  case Category::Reduce:
  case Category::Contraction:
  case Category::Movement:
    // These check their indices (or classes) against the sizes at run time.
    if (op.kind == ir::OpKind::Index || op.kind == ir::OpKind::IndexGrad || op.kind == ir::OpKind::Take ||
        op.kind == ir::OpKind::OneHot)
      return false;
    return staticTypes(op);
  case Category::Creation:
  case Category::Kernel:
    return staticTypes(op);
  default:
    return false;
  }
}

Pass createDeadCodePass() {
  return {"dce", "remove ops whose results are unused and that have no effect", run};
}

}  // namespace dlc::passes
