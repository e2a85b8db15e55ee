// See Resumable.h.
//
// A checkpoint saves the program's storages (parameters, optimizer state,
// variables), the generator, and the indices of the loops L1 (outermost) ..
// Ld around the checkpoint op. A resumed run executes main from the top. The
// ops before L1 run again: they are the same computation from the same start
// (reading data, initialising, splitting), and whatever they leave in the
// storages and the generator is replaced by a Resume op put right before L1.
// Resume restores the checkpoint and marks a resume as pending; while it is
// pending:
//   - each loop Lj starts at its saved index: its lower bound becomes
//     select(resume_index(j) >= 0, resume_index(j), lo);
//   - in the body of each Lj, the ops before L(j+1) (in Ld's body, before the
//     checkpoint) already ran before the checkpoint was written: they are
//     moved into `if resume_index(0) < 0 { ... }`.
// The checkpoint op ends the pending resume, so the next iterations run whole.
//
// For the moved ops to be skippable, every value they define that is used at
// or after the loop (or checkpoint) that follows them is spilled: stored into
// a new Var storage "resume.N" where it is defined and loaded back after the
// `if`, so the checkpoint saves and restores it with the other storages.
// Constants are copied after the `if` instead.
//
// Without a checkpoint op the pass changes nothing.
#include "passes/Resumable.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

namespace dlc::passes {
namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

const TensorType kI32{DType::I32, {}};

Op *findCheckpoint(Region &region) {
  for (auto &op : region.ops) {
    if (op->kind == OpKind::Checkpoint) return op.get();
    for (auto &inner : op->regions)
      if (Op *found = findCheckpoint(*inner)) return found;
  }
  return nullptr;
}

size_t indexOf(const Region &region, const Op *op) {
  for (size_t i = 0; i < region.ops.size(); ++i)
    if (region.ops[i].get() == op) return i;
  return region.ops.size();
}

// Replaces operands by `replacements` in op and everything nested in it.
void replaceUses(Op &op, const std::map<const Value *, Value *> &replacements) {
  for (Value *&v : op.operands) {
    auto found = replacements.find(v);
    if (found != replacements.end()) v = found->second;
  }
  for (auto &inner : op.regions)
    for (auto &innerOp : inner->ops) replaceUses(*innerOp, replacements);
}

void collectOperands(const Op &op, std::unordered_set<const Value *> &used) {
  for (const Value *v : op.operands) used.insert(v);
  for (auto &inner : op.regions)
    for (auto &innerOp : inner->ops) collectOperands(*innerOp, used);
}

class Resumable {
public:
  explicit Resumable(ir::Module &module) : module_(module) {}

  void run() {
    Op *checkpoint = findCheckpoint(module_.main());
    if (!checkpoint || checkpoint->attrs.axis > 0) return;  // none, or made resumable already (IR read back)
    // The loops around it, innermost first; sema allows only `for` bodies.
    std::vector<Op *> loops;
    for (Region *r = checkpoint->parentRegion; r && r->parent; r = r->parent->parentRegion) {
      if (r->parent->kind != OpKind::For) return;
      loops.push_back(r->parent);
    }
    if (loops.empty()) return;
    std::reverse(loops.begin(), loops.end());
    const int depth = static_cast<int>(loops.size());
    checkpoint->attrs.axis = depth;

    // Main: restore before L1.
    Region &main = *loops[0]->parentRegion;
    size_t at = indexOf(main, loops[0]);
    auto resume = module_.makeOp(main, OpKind::Resume, {}, std::nullopt, checkpoint->loc);
    resume->attrs.name = checkpoint->attrs.name;
    resume->attrs.axis = depth;
    main.ops.insert(main.ops.begin() + static_cast<ptrdiff_t>(at), std::move(resume));
    startAtSavedIndex(*loops[0], 0);

    // Each loop's body: skip what comes before the next loop (or the checkpoint).
    for (int j = 0; j < depth; ++j) {
      Region &body = *loops[static_cast<size_t>(j)]->regions[0];
      Op *pivot = j + 1 < depth ? loops[static_cast<size_t>(j) + 1] : checkpoint;
      skipBefore(body, pivot);
      if (j + 1 < depth) startAtSavedIndex(*pivot, j + 1);
    }
  }

private:
  Value *append(std::vector<std::unique_ptr<Op>> &ops, Region &region, OpKind kind, std::vector<Value *> operands,
                std::optional<TensorType> type, SourceLoc loc) {
    ops.push_back(module_.makeOp(region, kind, std::move(operands), std::move(type), loc));
    return ops.back()->result;
  }

  Value *resumeIndex(std::vector<std::unique_ptr<Op>> &ops, Region &region, int level, SourceLoc loc) {
    Value *index = append(ops, region, OpKind::ResumeIndex, {}, kI32, loc);
    ops.back()->attrs.axis = level;
    return index;
  }

  Value *zero(std::vector<std::unique_ptr<Op>> &ops, Region &region, SourceLoc loc) {
    Value *v = append(ops, region, OpKind::Constant, {}, kI32, loc);
    ops.back()->attrs.data = {0};
    return v;
  }

  // loop's lower bound becomes select(resume_index(level) >= 0, resume_index(level), lo).
  void startAtSavedIndex(Op &loop, int level) {
    Region &region = *loop.parentRegion;
    SourceLoc loc = loop.loc;
    std::vector<std::unique_ptr<Op>> ops;
    Value *saved = resumeIndex(ops, region, level, loc);
    Value *pending = append(ops, region, OpKind::Ge, {saved, zero(ops, region, loc)}, TensorType{DType::Bool, {}}, loc);
    Value *lo = append(ops, region, OpKind::Select, {pending, saved, loop.operands[0]}, kI32, loc);
    loop.operands[0] = lo;
    size_t at = indexOf(region, &loop);
    region.ops.insert(region.ops.begin() + static_cast<ptrdiff_t>(at), std::make_move_iterator(ops.begin()),
                      std::make_move_iterator(ops.end()));
  }

  // Moves the ops of `body` before `pivot` into `if not resuming { ... }`,
  // spilling the values used from `pivot` on.
  void skipBefore(Region &body, Op *pivot) {
    const size_t p = indexOf(body, pivot);
    if (p == 0 || p == body.ops.size()) return;
    std::unordered_set<const Value *> usedLater;
    for (size_t i = p; i < body.ops.size(); ++i) collectOperands(*body.ops[i], usedLater);

    SourceLoc loc = pivot->loc;
    std::vector<std::unique_ptr<Op>> head, after;
    Value *saved = resumeIndex(head, body, 0, loc);
    Value *notResuming = append(head, body, OpKind::Lt, {saved, zero(head, body, loc)}, TensorType{DType::Bool, {}}, loc);
    auto branch = module_.makeOp(body, OpKind::If, {notResuming}, std::nullopt, loc);
    Region *skipped = module_.addRegion(*branch);
    module_.addRegion(*branch);  // no else

    std::map<const Value *, Value *> replacements;
    for (size_t i = 0; i < p; ++i) {
      std::unique_ptr<Op> op = std::move(body.ops[i]);
      op->parentRegion = skipped;
      Value *v = op->result;
      if (v) v->owner = skipped;
      const bool spill = v && usedLater.count(v);
      if (spill && op->kind == OpKind::Constant) {
        Value *copy = append(after, body, OpKind::Constant, {}, v->type, op->loc);
        after.back()->attrs = op->attrs;
        replacements[v] = copy;
      }
      const bool store = spill && op->kind != OpKind::Constant;
      skipped->ops.push_back(std::move(op));
      if (!store) continue;
      std::string name = spillName();
      module_.storages.push_back(ir::Storage{name, ir::Storage::Var, v->type});
      skipped->ops.push_back(module_.makeOp(*skipped, OpKind::Store, {v}, std::nullopt, v->loc));
      skipped->ops.back()->attrs.name = name;
      Value *reloaded = append(after, body, OpKind::Load, {}, v->type, v->loc);
      after.back()->attrs.name = name;
      replacements[v] = reloaded;
    }
    for (size_t i = p; i < body.ops.size(); ++i) replaceUses(*body.ops[i], replacements);

    std::vector<std::unique_ptr<Op>> ops = std::move(head);
    ops.push_back(std::move(branch));
    for (auto &op : after) ops.push_back(std::move(op));
    for (size_t i = p; i < body.ops.size(); ++i) ops.push_back(std::move(body.ops[i]));
    body.ops = std::move(ops);
  }

  std::string spillName() {
    std::string name;
    do name = "resume." + std::to_string(++spills_);
    while (module_.findStorage(name));
    return name;
  }

  ir::Module &module_;
  int spills_ = 0;
};

void run(ir::Module &module) { Resumable(module).run(); }

}  // namespace

Pass createResumablePass() {
  return {"resumable", "make the loops around checkpoint(...) re-enterable (every level)", run};
}

}  // namespace dlc::passes
