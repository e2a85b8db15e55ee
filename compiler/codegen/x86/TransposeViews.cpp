// See TransposeViews.h.
#include "codegen/x86/TransposeViews.h"

#include <unordered_map>
#include <vector>

namespace dlc::codegen::x86 {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

// Whether the emitter sends this product through the generated GEMM.
bool takesGemmPath(const Op &op) {
  if (op.kind != OpKind::MatMul || op.operands.size() != 2 || !op.result) return false;
  DType d = op.result->type.dtype;
  return isFloat(d) && op.result->type.rank() == 2 && op.operands[0]->type.rank() == 2 &&
         op.operands[1]->type.rank() == 2 && op.operands[0]->type.dtype == d && op.operands[1]->type.dtype == d;
}

void scan(const Region &region, const ir::Users &users,
          std::unordered_set<const Op *> &found) {
  for (auto &op : region.ops) {
    for (auto &inner : op->regions) scan(*inner, users, found);
    if (op->kind != OpKind::Transpose || !op->result || op->operands.size() != 1 ||
        op->operands[0]->type.rank() != 2)
      continue;
    auto it = users.find(op->result);
    if (it == users.end() || it->second.empty()) continue;
    // Only as the left operand: its elements are broadcast one at a time, so
    // a stride costs nothing there, while a transposed right operand would
    // have to be gathered into every thread's packed panels, which measured
    // slower than one copy (docs/performance.md).
    bool onlyProducts = true;
    for (const Op *user : it->second)
      onlyProducts = onlyProducts && takesGemmPath(*user) && user->operands[0] == op->result &&
                     user->operands[1] != op->result;
    if (onlyProducts) found.insert(op.get());
  }
}

}  // namespace

std::unordered_set<const ir::Op *> findTransposeViews(const ir::Module &module) {
  // Only reads the module: collectUsers wants a mutable region for its Op *s.
  ir::Users users = ir::collectUsers(const_cast<ir::Region &>(module.main()));
  std::unordered_set<const Op *> found;
  scan(module.main(), users, found);
  return found;
}

}  // namespace dlc::codegen::x86
