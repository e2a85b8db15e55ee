// What the fusion passes (fuse-elementwise, fuse-rows) share: where each op
// stands, growing a kernel from its root, and building the kernel op from
// its members. What may join a kernel, and which kernel op it becomes, stay
// in each pass.
#pragma once

#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/IR.h"

namespace dlc::passes {

// Each op's position in its region before fusion, nested regions included:
// members moved into a kernel keep the order they had in the program.
using ProgramOrder = std::unordered_map<const ir::Op *, size_t>;
ProgramOrder programOrder(const ir::Region &region);

// The positions of a region's ops, taken before the region is rebuilt.
class RegionPositions {
public:
  explicit RegionPositions(const ir::Region &region);
  size_t at(const ir::Op *op) const { return position_.at(op); }
  // The position of the op of the region that is or holds `op`.
  size_t top(const ir::Op *op) const;

private:
  const ir::Region &region_;
  std::unordered_map<const ir::Op *, size_t> position_;
};

// Grows `members` (the root first) breadth first by the producers of their
// operands that are in `region`, not in the kernel already nor in another,
// and that `joins(producer, value)` accepts.
template <typename Joins>
void gatherProducers(const ir::Region &region, std::vector<ir::Op *> &members,
                     std::unordered_set<const ir::Op *> &inGroup, const std::unordered_set<const ir::Op *> &absorbed,
                     Joins joins) {
  for (size_t m = 0; m < members.size(); ++m)
    for (ir::Value *v : members[m]->operands) {
      ir::Op *producer = v->def;
      if (!producer || inGroup.count(producer) || absorbed.count(producer)) continue;
      if (producer->parentRegion != &region || !joins(producer, v)) continue;
      members.push_back(producer);
      inGroup.insert(producer);
    }
}

// Every reader of `old` outside `inside` reads `now` instead.
void redirectUsers(ir::Users &users, ir::Value *old, ir::Value *now, const ir::Region *inside);

// `members`, moved out of `taken`, in program order.
std::vector<std::unique_ptr<ir::Op>> takeInProgramOrder(const std::vector<ir::Op *> &members,
                                                        std::unordered_map<const ir::Op *, std::unique_ptr<ir::Op>> &taken,
                                                        const ProgramOrder &order);

// The kernel's operands: what its members read that none of them defines,
// each once, in the order they are first read.
std::vector<ir::Value *> kernelInputs(const std::vector<std::unique_ptr<ir::Op>> &ordered,
                                      const std::unordered_set<const ir::Op *> &inGroup);

// A kernel_output op for each of `exported` (members also read outside
// `kernel`), appended to `out` in that order; those readers now read it.
void appendKernelOutputs(ir::Module &module, ir::Users &users, ir::Region &region, ir::Op &kernel,
                         const std::vector<ir::Op *> &exported, std::vector<std::unique_ptr<ir::Op>> &out);

}  // namespace dlc::passes
