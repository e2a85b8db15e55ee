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

// Whether `user` reads `v` only as one operand of a product on the GEMM's
// path: the product itself, or a kernel whose body starts with it
// (FuseMatmulEpilogue.h) and reads v nowhere else.
bool readsAsFactor(const Op &user, const Value *v) {
  auto factor = [&](const Op &product) {
    return takesGemmPath(product) && (product.operands[0] == v) != (product.operands[1] == v);
  };
  if (user.kind == OpKind::MatMul) return factor(user);
  if (user.kind != OpKind::Fused || user.regions.size() != 1 || user.regions[0]->ops.empty()) return false;
  const Region &body = *user.regions[0];
  if (body.ops[0]->kind != OpKind::MatMul || !factor(*body.ops[0])) return false;
  for (size_t i = 1; i < body.ops.size(); ++i)
    for (const Value *operand : body.ops[i]->operands)
      if (operand == v) return false;
  return true;
}

void scan(const Region &region, const ir::Users &users, std::unordered_set<const Op *> &found) {
  for (auto &op : region.ops) {
    for (auto &inner : op->regions) scan(*inner, users, found);
    if (op->kind != OpKind::Transpose || !op->result || op->operands.size() != 1 ||
        op->operands[0]->type.rank() != 2)
      continue;
    auto it = users.find(op->result);
    if (it == users.end() || it->second.empty()) continue;
    bool onlyProducts = true;
    for (const Op *user : it->second) onlyProducts = onlyProducts && readsAsFactor(*user, op->result);
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
