// See InPlaceLoads.h.
#include "codegen/x86/InPlaceLoads.h"

#include <functional>

namespace dlc::codegen::x86 {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

using ir::storesTo;

// Results that share their operand's elements in codegen.
bool sharesElements(const Op &op) { return op.kind == OpKind::Reshape || op.kind == OpKind::Transpose; }

bool canLoadInPlace(const Region &region, size_t at) {
  const Op &load = *region.ops[at];
  size_t end = region.ops.size(), firstStore = end;
  for (size_t j = at + 1; j < end && firstStore == end; ++j)
    if (storesTo(*region.ops[j], load.attrs.name)) firstStore = j;
  std::unordered_set<const Value *> shared{load.result};
  bool ok = true;
  // Walks op and everything nested in it, in program order.
  std::function<void(const Op &, size_t)> visit = [&](const Op &op, size_t top) {
    bool uses = false;
    for (const Value *v : op.operands) uses = uses || shared.count(v);
    if (uses) {
      bool copiedByTheStore = top == firstStore && &op == region.ops[top].get() && op.kind == OpKind::Store;
      if (top >= firstStore && !copiedByTheStore) ok = false;
      if (sharesElements(op) && op.result) shared.insert(op.result);
    }
    for (auto &inner : op.regions)
      for (auto &innerOp : inner->ops) visit(*innerOp, top);
  };
  for (size_t j = at + 1; j < end && ok; ++j) visit(*region.ops[j], j);
  return ok;
}

void scan(const Region &region, std::unordered_set<const Op *> &found) {
  for (size_t i = 0; i < region.ops.size(); ++i) {
    const Op &op = *region.ops[i];
    if (op.kind == OpKind::Load && op.result && canLoadInPlace(region, i)) found.insert(&op);
    for (auto &inner : op.regions) scan(*inner, found);
  }
}

// Whether op, or an op nested in it, reads one of `values`.
bool readsAny(const Op &op, const std::unordered_set<const Value *> &values) {
  for (const Value *v : op.operands)
    if (values.count(v)) return true;
  for (auto &inner : op.regions)
    for (auto &innerOp : inner->ops)
      if (readsAny(*innerOp, values)) return true;
  return false;
}

// How many times op and the ops nested in it read v.
size_t usesOf(const Op &op, const Value *v) {
  size_t n = 0;
  for (const Value *u : op.operands) n += u == v;
  for (auto &inner : op.regions)
    for (auto &innerOp : inner->ops) n += usesOf(*innerOp, v);
  return n;
}

// The values of `region` (at any depth) that share storage `name`'s buffer:
// in-place Loads of it and views of those.
std::unordered_set<const Value *> sharingStorage(const Region &region, const std::string &name,
                                                 const std::unordered_set<const Op *> &inPlaceLoads) {
  std::unordered_set<const Value *> shared;
  std::function<void(const Region &)> walk = [&](const Region &r) {
    for (auto &op : r.ops) {
      if (op->kind == OpKind::Load && op->attrs.name == name && inPlaceLoads.count(op.get())) shared.insert(op->result);
      if (sharesElements(*op) && op->result && !op->operands.empty() && shared.count(op->operands[0]))
        shared.insert(op->result);
      for (auto &inner : op->regions) walk(*inner);
    }
  };
  walk(region);
  return shared;
}

void scanUpdates(const Region &region, const std::unordered_set<const Op *> &inPlaceLoads,
                 std::unordered_map<const Op *, std::vector<InPlaceUpdate>> &found) {
  for (size_t i = 0; i < region.ops.size(); ++i) {
    const Op &fused = *region.ops[i];
    for (auto &inner : fused.regions) scanUpdates(*inner, inPlaceLoads, found);
    if (fused.kind != OpKind::Fused || !fused.result) continue;
    // The kernel's outputs, as the values the region sees.
    std::vector<const Value *> outputs(1 + fused.attrs.data.size(), nullptr);
    outputs[0] = fused.result;
    for (size_t j = i + 1; j < region.ops.size(); ++j) {
      const Op &k = *region.ops[j];
      if (k.kind == OpKind::KernelOutput && k.operands.size() == 1 && k.operands[0] == fused.result &&
          k.attrs.axis >= 0 && static_cast<size_t>(k.attrs.axis) + 1 < outputs.size())
        outputs[static_cast<size_t>(k.attrs.axis) + 1] = k.result;
    }
    std::vector<bool> taken(fused.operands.size(), false);
    for (size_t out = 0; out < outputs.size(); ++out) {
      const Value *o = outputs[out];
      if (!o) continue;
      // Its one use, a Store in this region.
      size_t uses = 0, s = region.ops.size();
      for (size_t j = i + 1; j < region.ops.size(); ++j) {
        // (kernel_output ops name the kernel; they read none of its elements)
        if (region.ops[j]->kind == OpKind::KernelOutput) continue;
        size_t n = usesOf(*region.ops[j], o);
        if (n > 0 && region.ops[j]->kind == OpKind::Store && region.ops[j]->operands[0] == o && s == region.ops.size()) s = j;
        uses += n;
      }
      if (uses != 1 || s == region.ops.size()) continue;
      const std::string &name = region.ops[s]->attrs.name;
      bool storedBetween = false;
      for (size_t j = i + 1; j < s; ++j) storedBetween = storedBetween || storesTo(*region.ops[j], name);
      if (storedBetween) continue;
      std::unordered_set<const Value *> shared = sharingStorage(region, name, inPlaceLoads);
      // The operand to overwrite; every operand sharing the buffer read element for element.
      size_t operand = fused.operands.size();
      bool ok = true;
      for (size_t k = 0; k < fused.operands.size(); ++k) {
        const Value *v = fused.operands[k];
        if (!shared.count(v)) continue;
        // A view (reshape, transpose) of the buffer might read other elements.
        if (v->type.dims != o->type.dims || !v->def || v->def->kind != OpKind::Load) ok = false;
        bool loadOfS = v->def && v->def->kind == OpKind::Load && v->type.dtype == o->type.dtype;
        if (loadOfS && !taken[k] && operand == fused.operands.size()) operand = k;
      }
      if (!ok || operand == fused.operands.size() || !o->type.staticElementCount()) continue;
      for (size_t j = i + 1; j < s && ok; ++j)
        if (readsAny(*region.ops[j], shared)) ok = false;
      if (!ok) continue;
      taken[operand] = true;
      found[&fused].push_back(InPlaceUpdate{out, operand, region.ops[s].get()});
    }
  }
}

}  // namespace

std::unordered_set<const ir::Op *> findInPlaceLoads(const ir::Module &module) {
  std::unordered_set<const Op *> found;
  scan(module.main(), found);
  return found;
}

std::unordered_map<const ir::Op *, std::vector<InPlaceUpdate>> findInPlaceUpdates(
    const ir::Module &module, const std::unordered_set<const ir::Op *> &inPlaceLoads) {
  std::unordered_map<const Op *, std::vector<InPlaceUpdate>> found;
  scanUpdates(module.main(), inPlaceLoads, found);
  return found;
}

}  // namespace dlc::codegen::x86
