// See FuseRows.h.
#include "passes/FuseRows.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ir/RowSpace.h"

namespace dlc::passes {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::RowAccess;
using ir::Value;

constexpr int64_t kMaxColumns = 1024;
constexpr int64_t kMaxRowBytes = 64 * 1024;  // the row buffers of one kernel, on the stack

bool isLastAxisReduction(const Op &op) {
  if (!op.result || op.operands.size() != 1) return false;
  const TensorType &in = op.operands[0]->type;
  if (!isFloat(in.dtype) || op.result->type.dtype != in.dtype || in.rank() < 2) return false;
  if (op.kind == OpKind::ReduceTo)
    return in.rank() == op.result->type.rank() && ir::isRowScalar(op.result->type.dims, in.dims);
  if (op.kind != OpKind::Sum && op.kind != OpKind::Mean && op.kind != OpKind::ReduceMax && op.kind != OpKind::ReduceMin)
    return false;
  const int64_t last = static_cast<int64_t>(in.rank()) - 1;
  return !op.attrs.allAxes && (op.attrs.axis == last || op.attrs.axis == -1);
}

// Whether `op` can be a member of a kernel over `full`.
bool fits(const Op &op, const Shape &full) {
  if (!op.result) return false;
  const Shape &dims = op.result->type.dims;
  if (isLastAxisReduction(op)) return op.operands[0]->type.dims == full;
  if (op.kind == OpKind::BroadcastTo)
    return dims == full && op.operands[0]->type.rank() == full.size() && ir::isRowScalar(op.operands[0]->type.dims, full);
  if (!ir::isElementwise(op.kind)) return false;
  bool fullResult = dims == full;
  if (!fullResult && !ir::isRowScalar(dims, full)) return false;
  for (const Value *v : op.operands)
    if (ir::rowAccess(v->type.dims, dims, full, fullResult) == RowAccess::None) return false;
  return true;
}

class RowFuser {
public:
  explicit RowFuser(ir::Module &module) : module_(module), users_(ir::collectUsers(module.main())) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (ir::category(op->kind) != ir::Category::Kernel)
        for (auto &inner : op->regions) this->region(*inner);

    std::unordered_map<const Op *, size_t> position;
    for (size_t i = 0; i < region.ops.size(); ++i) position[region.ops[i].get()] = i;
    auto top = [&](const Op *op) -> size_t {
      while (op->parentRegion != &region) op = op->parentRegion->parent;
      return position.at(op);
    };

    struct Group {
      std::vector<Op *> members;  // the root first
      Shape full;
    };
    std::unordered_map<const Op *, Group> groups;
    std::unordered_set<const Op *> absorbed;
    for (size_t i = region.ops.size(); i-- > 0;) {
      Op *root = region.ops[i].get();
      if (absorbed.count(root) || !root->result) continue;
      Shape full = isLastAxisReduction(*root) ? root->operands[0]->type.dims : root->result->type.dims;
      if (!ir::isRowSpace(full) || full.back().size > kMaxColumns || !fits(*root, full)) continue;
      Group group{{root}, full};
      std::unordered_set<const Op *> inGroup{root};
      bool reduces = isLastAxisReduction(*root);
      for (size_t m = 0; m < group.members.size(); ++m)
        for (Value *v : group.members[m]->operands) {
          Op *producer = v->def;
          if (!producer || inGroup.count(producer) || absorbed.count(producer)) continue;
          if (producer->parentRegion != &region || !fits(*producer, full)) continue;
          bool ok = true;
          for (Op *u : users_[v]) {
            ok = ok && (inGroup.count(u) || top(u) > i);
            // A member reads the others by row; a vector along the row is read whole, from outside.
            if (inGroup.count(u) && u->result->type.dims == full &&
                ir::rowAccess(v->type.dims, full, full, true) == RowAccess::RowVector)
              ok = false;
          }
          if (!ok) continue;
          group.members.push_back(producer);
          inGroup.insert(producer);
          reduces = reduces || isLastAxisReduction(*producer);
        }
      if (group.members.size() < 2 || !reduces) continue;
      int64_t bytes = 0;
      for (Op *m : group.members)
        if (m->result->type.dims == full) bytes += full.back().size * 8;
      if (bytes > kMaxRowBytes) continue;
      for (Op *m : group.members) absorbed.insert(m);
      groups[root] = std::move(group);
    }
    if (groups.empty()) return;

    std::vector<std::unique_ptr<Op>> rebuilt;
    std::unordered_map<const Op *, std::unique_ptr<Op>> taken;
    for (auto &op : region.ops) {
      const Op *raw = op.get();
      if (!absorbed.count(raw)) {
        rebuilt.push_back(std::move(op));
        continue;
      }
      taken[raw] = std::move(op);
      auto g = groups.find(raw);
      if (g == groups.end()) continue;
      makeKernel(region, g->second.members, taken, rebuilt);
    }
    region.ops = std::move(rebuilt);
  }

  void number(const Region &region) {
    for (size_t i = 0; i < region.ops.size(); ++i) {
      order_[region.ops[i].get()] = i;
      for (auto &inner : region.ops[i]->regions) number(*inner);
    }
  }

private:
  // Every reader of `old` outside `inside` reads `now` instead.
  void redirect(Value *old, Value *now, const Region *inside) {
    std::vector<Op *> stay, moved;
    for (Op *user : users_[old]) {
      if (user->parentRegion == inside) {
        stay.push_back(user);
        continue;
      }
      moved.push_back(user);
      for (Value *&operand : user->operands)
        if (operand == old) operand = now;
    }
    users_[now] = std::move(moved);
    users_[old] = std::move(stay);
  }

  void makeKernel(Region &region, const std::vector<Op *> &members,
                  std::unordered_map<const Op *, std::unique_ptr<Op>> &taken,
                  std::vector<std::unique_ptr<Op>> &out) {
    const Op *root = members.front();
    std::unordered_set<const Op *> inGroup(members.begin(), members.end());
    std::vector<std::unique_ptr<Op>> ordered;
    for (const Op *m : members) {
      ordered.push_back(std::move(taken.at(m)));
      taken.erase(m);
    }
    std::sort(ordered.begin(), ordered.end(),
              [&](const std::unique_ptr<Op> &a, const std::unique_ptr<Op> &b) { return order_[a.get()] < order_[b.get()]; });
    std::vector<Value *> inputs;
    std::unordered_set<const Value *> seen;
    for (auto &m : ordered)
      for (Value *v : m->operands)
        if (!(v->def && inGroup.count(v->def)) && seen.insert(v).second) inputs.push_back(v);
    Value *rootValue = root->result;
    std::unique_ptr<Op> kernel = module_.makeOp(region, OpKind::FusedRows, inputs, rootValue->type, root->loc);
    Region *body = module_.addRegion(*kernel);
    std::vector<Op *> exported;
    for (auto &m : ordered) {
      Op *raw = m.get();
      m->parentRegion = body;
      m->result->owner = body;
      if (raw != root)
        for (Op *u : users_[raw->result])
          if (!inGroup.count(u)) {
            kernel->attrs.data.push_back(static_cast<double>(body->ops.size()));
            exported.push_back(raw);
            break;
          }
      body->ops.push_back(std::move(m));
    }
    redirect(rootValue, kernel->result, body);
    for (Value *v : inputs) users_[v].push_back(kernel.get());
    Op *k = kernel.get();
    out.push_back(std::move(kernel));
    for (size_t e = 0; e < exported.size(); ++e) {
      Value *old = exported[e]->result;
      std::unique_ptr<Op> output = module_.makeOp(region, OpKind::KernelOutput, {k->result}, old->type, old->loc);
      output->attrs.axis = static_cast<int64_t>(e);
      redirect(old, output->result, body);
      users_[k->result].push_back(output.get());
      out.push_back(std::move(output));
    }
  }

  ir::Module &module_;
  ir::Users users_;
  std::unordered_map<const Op *, size_t> order_;
};

void run(ir::Module &module) {
  RowFuser fuser(module);
  fuser.number(module.main());
  fuser.region(module.main());
}

}  // namespace

Pass createFuseRowsPass() {
  return {"fuse-rows", "fuse reductions over the last dimension with their elementwise producers and users (softmax, "
                       "cross-entropy) into fused_rows kernels", run};
}

}  // namespace dlc::passes
