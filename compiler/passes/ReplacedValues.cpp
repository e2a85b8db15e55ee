// See ReplacedValues.h.
#include "passes/ReplacedValues.h"

namespace dlc::passes {

void ReplacedValues::eraseOp(ir::Region &region, size_t i, ir::Value *kept) {
  ir::Op &op = *region.ops[i];
  replaced_[op.result] = kept;
  op.result->def = nullptr;  // the Value outlives its op (ir/IR.h)
  op.result->owner = nullptr;
  region.ops.erase(region.ops.begin() + static_cast<ptrdiff_t>(i));
}

void ReplacedValues::rewriteOperands(ir::Op &op) const {
  for (ir::Value *&v : op.operands) {
    auto it = replaced_.find(v);
    if (it != replaced_.end()) v = it->second;
  }
  if (ir::category(op.kind) == ir::Category::Kernel)
    for (auto &inner : op.regions)
      for (auto &innerOp : inner->ops) rewriteOperands(*innerOp);
}

}  // namespace dlc::passes
