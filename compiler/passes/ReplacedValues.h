// What cse and simplify share: an op they remove leaves its result to a value
// computed earlier, and the ops after it must read that value instead. Both
// walk in program order and rewrite each op's operands as they reach it, so
// a map from removed results to kept values is all the bookkeeping needed.
#pragma once

#include <cstddef>
#include <unordered_map>

#include "ir/IR.h"

namespace dlc::passes {

class ReplacedValues {
public:
  // Erases `region.ops[i]`; readers of its result read `kept` once rewritten.
  void eraseOp(ir::Region &region, size_t i, ir::Value *kept);

  // Operands that were removed results now read the kept value; nested
  // kernel bodies too (their ops read the kernel's operands, rewritten here).
  void rewriteOperands(ir::Op &op) const;

private:
  std::unordered_map<const ir::Value *, ir::Value *> replaced_;
};

}  // namespace dlc::passes
