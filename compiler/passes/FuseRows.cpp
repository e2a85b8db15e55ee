// See FuseRows.h.
#include "passes/FuseRows.h"

#include <unordered_map>
#include <unordered_set>

#include "ir/RowSpace.h"
#include "passes/FusionSupport.h"

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
  explicit RowFuser(ir::Module &module)
      : module_(module), users_(ir::collectUsers(module.main())), order_(programOrder(module.main())) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (ir::category(op->kind) != ir::Category::Kernel)
        for (auto &inner : op->regions) this->region(*inner);

    RegionPositions position(region);

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
      auto joins = [&](const Op *producer, Value *v) {
        if (!fits(*producer, full)) return false;
        bool ok = true;
        for (Op *u : users_[v]) {
          ok = ok && (inGroup.count(u) || position.top(u) > i);
          // A member reads the others by row; a vector along the row is read whole, from outside.
          if (inGroup.count(u) && u->result->type.dims == full &&
              ir::rowAccess(v->type.dims, full, full, true) == RowAccess::RowVector)
            ok = false;
        }
        if (!ok) return false;
        reduces = reduces || isLastAxisReduction(*producer);
        return true;
      };
      gatherProducers(region, group.members, inGroup, absorbed, joins);
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

private:
  void makeKernel(Region &region, const std::vector<Op *> &members,
                  std::unordered_map<const Op *, std::unique_ptr<Op>> &taken,
                  std::vector<std::unique_ptr<Op>> &out) {
    const Op *root = members.front();
    std::unordered_set<const Op *> inGroup(members.begin(), members.end());
    std::vector<std::unique_ptr<Op>> ordered = takeInProgramOrder(members, taken, order_);
    std::vector<Value *> inputs = kernelInputs(ordered, inGroup);
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
    redirectUsers(users_, rootValue, kernel->result, body);
    for (Value *v : inputs) users_[v].push_back(kernel.get());
    Op *k = kernel.get();
    out.push_back(std::move(kernel));
    appendKernelOutputs(module_, users_, region, *k, exported, out);
  }

  ir::Module &module_;
  ir::Users users_;
  const ProgramOrder order_;
};

void run(ir::Module &module) { RowFuser(module).region(module.main()); }

}  // namespace

Pass createFuseRowsPass() {
  return {"fuse-rows", "fuse reductions over the last dimension with their elementwise producers and users (softmax, "
                       "cross-entropy) into fused_rows kernels", run};
}

}  // namespace dlc::passes
