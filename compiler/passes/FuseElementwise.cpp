// See FuseElementwise.h.
#include "passes/FuseElementwise.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace dlc::passes {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

using ir::Users;

// Whether `op`, or an op nested in it, loads or stores storage `name`.
bool touches(const Op &op, const std::string &name) {
  if ((op.kind == OpKind::Load || op.kind == OpKind::Store) && op.attrs.name == name) return true;
  for (auto &region : op.regions)
    for (auto &inner : region->ops)
      if (touches(*inner, name)) return true;
  return false;
}

class Fuser {
public:
  Fuser(ir::Module &module, bool multiOutput)
      : module_(module), users_(ir::collectUsers(module.main())), multiOutput_(multiOutput) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (ir::category(op->kind) != ir::Category::Kernel)  // a kernel's body is fused already
        for (auto &inner : op->regions) this->region(*inner);

    std::unordered_map<const Op *, size_t> position;
    for (size_t i = 0; i < region.ops.size(); ++i) position[region.ops[i].get()] = i;
    // The position in `region` of the op that is or holds `op`.
    auto top = [&](const Op *op) -> size_t {
      while (op->parentRegion != &region) op = op->parentRegion->parent;
      return position.at(op);
    };

    struct Group {
      std::vector<Op *> members;         // the root first
      std::vector<Op *> exported;        // members whose values are also read outside
      std::vector<Op *> sunk;            // Stores that move to after the kernel
    };
    std::unordered_map<const Op *, Group> groups;  // root -> group
    std::unordered_set<const Op *> absorbed, sinking;
    for (size_t i = region.ops.size(); i-- > 0;) {
      Op *root = region.ops[i].get();
      if (!fusible(*root) || absorbed.count(root)) continue;
      Group group{{root}, {}, {}};
      std::unordered_set<const Op *> inGroup{root};
      for (size_t m = 0; m < group.members.size(); ++m)
        for (Value *v : group.members[m]->operands) {
          Op *producer = v->def;
          if (!producer || inGroup.count(producer) || absorbed.count(producer)) continue;
          if (producer->parentRegion != &region || !fusible(*producer)) continue;
          if (producer->result->type.dims != root->result->type.dims) continue;
          // Outside users: after the root, or Stores that can sink to it.
          std::vector<Op *> sink;
          bool ok = true;
          for (Op *u : users_[v]) {
            if (inGroup.count(u)) continue;
            if (!multiOutput_) {  // a value read outside the kernel stays outside
              ok = false;
              break;
            }
            if (top(u) > i) continue;
            if (u->kind == OpKind::Store && u->parentRegion == &region && !sinking.count(u) && canSink(region, *u, position.at(u), i))
              sink.push_back(u);
            else
              ok = false;
          }
          if (!ok) continue;
          group.members.push_back(producer);
          inGroup.insert(producer);
          for (Op *s : sink) {
            group.sunk.push_back(s);
            sinking.insert(s);
          }
        }
      if (group.members.size() < 2) {
        for (Op *s : group.sunk) sinking.erase(s);
        continue;
      }
      for (Op *m : group.members) {
        absorbed.insert(m);
        if (m == root) continue;
        for (Op *u : users_[m->result])
          if (!inGroup.count(u)) {
            group.exported.push_back(m);
            break;
          }
      }
      groups[root] = std::move(group);
    }
    if (groups.empty()) return;

    std::vector<std::unique_ptr<Op>> rebuilt;
    std::unordered_map<const Op *, std::unique_ptr<Op>> taken;
    for (auto &op : region.ops) {
      const Op *raw = op.get();
      if (sinking.count(raw)) {
        taken[raw] = std::move(op);
        continue;
      }
      if (!absorbed.count(raw)) {
        rebuilt.push_back(std::move(op));
        continue;
      }
      taken[raw] = std::move(op);
      auto g = groups.find(raw);
      if (g == groups.end()) continue;
      Group &group = g->second;
      std::unique_ptr<Op> kernel = makeKernel(region, *raw, group.members, group.exported, taken);
      Op *k = kernel.get();
      rebuilt.push_back(std::move(kernel));
      for (size_t e = 0; e < group.exported.size(); ++e) {
        Value *old = group.exported[e]->result;
        std::unique_ptr<Op> output = module_.makeOp(region, OpKind::KernelOutput, {k->result}, old->type, old->loc);
        output->attrs.axis = static_cast<int64_t>(e);
        redirect(old, output.get(), k->regions[0].get());
        users_[k->result].push_back(output.get());
        rebuilt.push_back(std::move(output));
      }
      std::sort(group.sunk.begin(), group.sunk.end(),
                [&](const Op *a, const Op *b) { return position.at(a) < position.at(b); });
      for (Op *s : group.sunk) {
        rebuilt.push_back(std::move(taken.at(s)));
        taken.erase(s);
      }
    }
    region.ops = std::move(rebuilt);
  }

private:
  static bool fusible(const Op &op) { return ir::isElementwise(op.kind) && op.result; }

  // Whether Store `store` at `from` can move to just after position `to`.
  static bool canSink(const Region &region, const Op &store, size_t from, size_t to) {
    for (size_t j = from + 1; j <= to; ++j)
      if (touches(*region.ops[j], store.attrs.name)) return false;
    return true;
  }

  // Every reader of `old` outside kernel body `inside` reads `now`'s result.
  void redirect(Value *old, Op *now, const Region *inside = nullptr) {
    std::vector<Op *> stay, moved;
    for (Op *user : users_[old]) {
      if (user->parentRegion == inside) {
        stay.push_back(user);
        continue;
      }
      moved.push_back(user);
      for (Value *&operand : user->operands)
        if (operand == old) operand = now->result;
    }
    users_[now->result] = std::move(moved);
    users_[old] = std::move(stay);
  }

  // The Fused op for the group rooted at `root`: its members, in program
  // order, moved into its region; `exported` gives the numbers of its extra outputs.
  std::unique_ptr<Op> makeKernel(Region &region, const Op &root, const std::vector<Op *> &members,
                                 const std::vector<Op *> &exported,
                                 std::unordered_map<const Op *, std::unique_ptr<Op>> &taken) {
    std::unordered_set<const Op *> inGroup(members.begin(), members.end());
    std::vector<Value *> inputs;
    std::unordered_set<const Value *> seen;
    // Program order: the order the members had in the region.
    std::vector<std::unique_ptr<Op>> ordered;
    for (const Op *m : members) {
      ordered.push_back(std::move(taken.at(m)));
      taken.erase(m);
    }
    std::sort(ordered.begin(), ordered.end(),
              [&](const std::unique_ptr<Op> &a, const std::unique_ptr<Op> &b) { return order_[a.get()] < order_[b.get()]; });
    for (auto &m : ordered)
      for (Value *v : m->operands)
        if (!(v->def && inGroup.count(v->def)) && seen.insert(v).second) inputs.push_back(v);
    std::unique_ptr<Op> kernel = module_.makeOp(region, OpKind::Fused, inputs, root.result->type, root.loc);
    Region *body = module_.addRegion(*kernel);
    Value *rootValue = root.result;
    std::unordered_map<const Op *, size_t> number;
    for (auto &m : ordered) {
      number[m.get()] = body->ops.size();
      m->parentRegion = body;
      m->result->owner = body;
      body->ops.push_back(std::move(m));
    }
    for (const Op *e : exported) kernel->attrs.data.push_back(static_cast<double>(number.at(e)));
    // The root's users now read the kernel.
    redirect(rootValue, kernel.get());
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
  bool multiOutput_;
  std::unordered_map<const Op *, size_t> order_;
};

void fuse(ir::Module &module, bool multiOutput) {
  Fuser fuser(module, multiOutput);
  fuser.number(module.main());
  fuser.region(module.main());
}

void run(ir::Module &module) { fuse(module, true); }
void runSingleOutput(ir::Module &module) { fuse(module, false); }

}  // namespace

Pass createFuseElementwisePass() {
  return {"fuse-elementwise",
          "merge chains of elementwise ops into single loop nests (Fused kernels, with extra outputs where needed)", run};
}

Pass createFuseElementwiseSingleOutputPass() {
  return {"fuse-elementwise", "merge chains of elementwise ops into single loop nests (Fused kernels, one output each)",
          runSingleOutput};
}

}  // namespace dlc::passes
