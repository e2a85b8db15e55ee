// See FuseElementwise.h.
#include "passes/FuseElementwise.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "passes/FusionSupport.h"

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
      : module_(module), users_(ir::collectUsers(module.main())), multiOutput_(multiOutput),
        order_(programOrder(module.main())) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (ir::category(op->kind) != ir::Category::Kernel)  // a kernel's body is fused already
        for (auto &inner : op->regions) this->region(*inner);

    RegionPositions position(region);

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
      auto joins = [&](const Op *producer, Value *v) {
        if (!fusible(*producer) || producer->result->type.dims != root->result->type.dims) return false;
        // Outside users: after the root, or Stores that can sink to it.
        std::vector<Op *> sink;
        for (Op *u : users_[v]) {
          if (inGroup.count(u)) continue;
          if (!multiOutput_) return false;  // a value read outside the kernel stays outside
          if (position.top(u) > i) continue;
          if (u->kind == OpKind::Store && u->parentRegion == &region && !sinking.count(u) && canSink(region, *u, position.at(u), i))
            sink.push_back(u);
          else
            return false;
        }
        for (Op *s : sink) {
          group.sunk.push_back(s);
          sinking.insert(s);
        }
        return true;
      };
      gatherProducers(region, group.members, inGroup, absorbed, joins);
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
      appendKernelOutputs(module_, users_, region, *k, group.exported, rebuilt);
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

  // The Fused op for the group rooted at `root`: its members, in program
  // order, moved into its region; `exported` gives the numbers of its extra outputs.
  std::unique_ptr<Op> makeKernel(Region &region, const Op &root, const std::vector<Op *> &members,
                                 const std::vector<Op *> &exported,
                                 std::unordered_map<const Op *, std::unique_ptr<Op>> &taken) {
    std::unordered_set<const Op *> inGroup(members.begin(), members.end());
    std::vector<std::unique_ptr<Op>> ordered = takeInProgramOrder(members, taken, order_);
    std::vector<Value *> inputs = kernelInputs(ordered, inGroup);
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
    redirectUsers(users_, rootValue, kernel->result, nullptr);
    for (Value *v : inputs) users_[v].push_back(kernel.get());
    return kernel;
  }

  ir::Module &module_;
  Users users_;
  bool multiOutput_;
  const ProgramOrder order_;
};

void fuse(ir::Module &module, bool multiOutput) { Fuser(module, multiOutput).region(module.main()); }

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
