// See FusionSupport.h.
#include "passes/FusionSupport.h"

#include <algorithm>

namespace dlc::passes {

using ir::Op;
using ir::Region;
using ir::Value;

namespace {

void number(const Region &region, ProgramOrder &order) {
  for (size_t i = 0; i < region.ops.size(); ++i) {
    order[region.ops[i].get()] = i;
    for (auto &inner : region.ops[i]->regions) number(*inner, order);
  }
}

}  // namespace

ProgramOrder programOrder(const Region &region) {
  ProgramOrder order;
  number(region, order);
  return order;
}

RegionPositions::RegionPositions(const Region &region) : region_(region) {
  for (size_t i = 0; i < region.ops.size(); ++i) position_[region.ops[i].get()] = i;
}

size_t RegionPositions::top(const Op *op) const {
  while (op->parentRegion != &region_) op = op->parentRegion->parent;
  return position_.at(op);
}

void redirectUsers(ir::Users &users, Value *old, Value *now, const Region *inside) {
  std::vector<Op *> stay, moved;
  for (Op *user : users[old]) {
    if (user->parentRegion == inside) {
      stay.push_back(user);
      continue;
    }
    moved.push_back(user);
    for (Value *&operand : user->operands)
      if (operand == old) operand = now;
  }
  users[now] = std::move(moved);
  users[old] = std::move(stay);
}

std::vector<std::unique_ptr<Op>> takeInProgramOrder(const std::vector<Op *> &members,
                                                    std::unordered_map<const Op *, std::unique_ptr<Op>> &taken,
                                                    const ProgramOrder &order) {
  std::vector<std::unique_ptr<Op>> ordered;
  for (const Op *m : members) {
    ordered.push_back(std::move(taken.at(m)));
    taken.erase(m);
  }
  std::sort(ordered.begin(), ordered.end(), [&](const std::unique_ptr<Op> &a, const std::unique_ptr<Op> &b) {
    return order.at(a.get()) < order.at(b.get());
  });
  return ordered;
}

std::vector<Value *> kernelInputs(const std::vector<std::unique_ptr<Op>> &ordered,
                                  const std::unordered_set<const Op *> &inGroup) {
  std::vector<Value *> inputs;
  std::unordered_set<const Value *> seen;
  for (auto &m : ordered)
    for (Value *v : m->operands)
      if (!(v->def && inGroup.count(v->def)) && seen.insert(v).second) inputs.push_back(v);
  return inputs;
}

void appendKernelOutputs(ir::Module &module, ir::Users &users, Region &region, Op &kernel,
                         const std::vector<Op *> &exported, std::vector<std::unique_ptr<Op>> &out) {
  const Region *body = kernel.regions[0].get();
  for (size_t e = 0; e < exported.size(); ++e) {
    Value *old = exported[e]->result;
    std::unique_ptr<Op> output = module.makeOp(region, ir::OpKind::KernelOutput, {kernel.result}, old->type, old->loc);
    output->attrs.axis = static_cast<int64_t>(e);
    redirectUsers(users, old, output->result, body);
    users[kernel.result].push_back(output.get());
    out.push_back(std::move(output));
  }
}

}  // namespace dlc::passes
