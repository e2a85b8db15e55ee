// See FuseElementwise.h.
#include "passes/FuseElementwise.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace dlc::passes {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

using ir::Users;

class Fuser {
public:
  Fuser(ir::Module &module) : module_(module), users_(ir::collectUsers(module.main())) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (op->kind != OpKind::Fused)  // a kernel's body is fused already
        for (auto &inner : op->regions) this->region(*inner);

    // Groups, each a root and the producers it absorbs.
    std::unordered_map<const Op *, std::vector<Op *>> groups;  // root -> members
    std::unordered_set<const Op *> absorbed;
    for (size_t i = region.ops.size(); i-- > 0;) {
      Op *root = region.ops[i].get();
      if (!fusible(*root) || absorbed.count(root)) continue;
      std::vector<Op *> members{root};
      std::unordered_set<const Op *> inGroup{root};
      for (size_t m = 0; m < members.size(); ++m)
        for (Value *v : members[m]->operands) {
          Op *producer = v->def;
          if (!producer || inGroup.count(producer) || absorbed.count(producer)) continue;
          if (producer->parentRegion != &region || !fusible(*producer)) continue;
          if (producer->result->type.dims != root->result->type.dims) continue;
          const auto &uses = users_[v];
          if (!std::all_of(uses.begin(), uses.end(), [&](Op *u) { return inGroup.count(u) > 0; })) continue;
          members.push_back(producer);
          inGroup.insert(producer);
        }
      if (members.size() < 2) continue;
      for (Op *m : members) absorbed.insert(m);
      groups[root] = std::move(members);
    }
    if (groups.empty()) return;

    std::vector<std::unique_ptr<Op>> rebuilt;
    std::unordered_map<const Op *, std::unique_ptr<Op>> taken;
    for (auto &op : region.ops) {
      if (!absorbed.count(op.get())) {
        rebuilt.push_back(std::move(op));
        continue;
      }
      const Op *raw = op.get();
      taken[raw] = std::move(op);
      if (groups.count(raw)) rebuilt.push_back(makeKernel(region, *raw, groups[raw], taken));
    }
    region.ops = std::move(rebuilt);
  }

private:
  static bool fusible(const Op &op) { return ir::isElementwise(op.kind) && op.result; }

  // The Fused op for the group rooted at `root`: its members, in program
  // order, moved into its region.
  std::unique_ptr<Op> makeKernel(Region &region, const Op &root, const std::vector<Op *> &members,
                                 std::unordered_map<const Op *, std::unique_ptr<Op>> &taken) {
    std::unordered_set<const Op *> inGroup(members.begin(), members.end());
    std::vector<Value *> inputs;
    std::unordered_set<const Value *> seen;
    // Program order: the order the members had in the region.
    std::vector<std::unique_ptr<Op>> ordered;
    for (auto it = taken.begin(); it != taken.end();) {
      if (inGroup.count(it->first)) {
        ordered.push_back(std::move(it->second));
        it = taken.erase(it);
      } else {
        ++it;
      }
    }
    std::sort(ordered.begin(), ordered.end(),
              [&](const std::unique_ptr<Op> &a, const std::unique_ptr<Op> &b) { return order_[a.get()] < order_[b.get()]; });
    for (auto &m : ordered)
      for (Value *v : m->operands)
        if (!(v->def && inGroup.count(v->def)) && seen.insert(v).second) inputs.push_back(v);
    std::unique_ptr<Op> kernel = module_.makeOp(region, OpKind::Fused, inputs, root.result->type, root.loc);
    Region *body = module_.addRegion(*kernel);
    Value *rootValue = root.result;
    for (auto &m : ordered) {
      m->parentRegion = body;
      m->result->owner = body;
      body->ops.push_back(std::move(m));
    }
    // The root's users now read the kernel.
    for (Op *user : users_[rootValue])
      for (Value *&operand : user->operands)
        if (operand == rootValue) operand = kernel->result;
    users_[kernel->result] = users_[rootValue];
    users_[rootValue].clear();
    for (Value *v : inputs) users_[v].push_back(kernel.get());
    return kernel;
  }

public:
  // Each op's position in its region before fusion, for program order.
  void number(const Region &region) {
    for (size_t i = 0; i < region.ops.size(); ++i) {
      order_[region.ops[i].get()] = i;
      for (auto &inner : region.ops[i]->regions) number(*inner);
    }
  }

private:
  ir::Module &module_;
  Users users_;
  std::unordered_map<const Op *, size_t> order_;
};

void run(ir::Module &module) {
  Fuser fuser(module);
  fuser.number(module.main());
  fuser.region(module.main());
}

}  // namespace

Pass createFuseElementwisePass() {
  return {"fuse-elementwise", "merge chains of elementwise ops into single loop nests (Fused kernels)", run};
}

}  // namespace dlc::passes
