#include "ir/IR.h"

namespace dlc::ir {

namespace {
struct OpInfo {
  const char *spelling;
  Category category;
  int operands;
};
const OpInfo kOps[] = {
#define OP(name, spelling, category, operands) {spelling, Category::category, operands},
#include "ir/Ops.def"
};
}  // namespace

const char *spelling(OpKind kind) { return kOps[static_cast<size_t>(kind)].spelling; }
Category category(OpKind kind) { return kOps[static_cast<size_t>(kind)].category; }
int operandCount(OpKind kind) { return kOps[static_cast<size_t>(kind)].operands; }
bool isElementwise(OpKind kind) {
  Category c = category(kind);
  return c == Category::Unary || c == Category::Binary || c == Category::Ternary;
}

Module::Module() : main_(std::make_unique<Region>()) {}

Value *Module::newValue(TensorType type, SourceLoc loc, Region *owner) {
  auto v = std::make_unique<Value>();
  v->id = static_cast<uint32_t>(values_.size());
  v->type = std::move(type);
  v->loc = loc;
  v->owner = owner;
  values_.push_back(std::move(v));
  return values_.back().get();
}

Op *Module::append(Region &region, OpKind kind, std::vector<Value *> operands,
                   std::optional<TensorType> result, SourceLoc loc) {
  region.ops.push_back(makeOp(region, kind, std::move(operands), std::move(result), loc));
  return region.ops.back().get();
}

std::unique_ptr<Op> Module::makeOp(Region &region, OpKind kind, std::vector<Value *> operands,
                                   std::optional<TensorType> result, SourceLoc loc) {
  auto op = std::make_unique<Op>();
  op->kind = kind;
  op->loc = loc;
  op->operands = std::move(operands);
  op->parentRegion = &region;
  if (result) {
    op->result = newValue(*result, loc, &region);
    op->result->def = op.get();
  }
  return op;
}

Region *Module::addRegion(Op &op) {
  op.regions.push_back(std::make_unique<Region>());
  op.regions.back()->parent = &op;
  return op.regions.back().get();
}

bool storesTo(const Op &op, const std::string &name) {
  if (op.kind == OpKind::Store && op.attrs.name == name) return true;
  if (op.kind == OpKind::Resume) return true;  // it may replace every storage
  for (auto &region : op.regions)
    for (auto &inner : region->ops)
      if (storesTo(*inner, name)) return true;
  return false;
}

namespace {
void addUsers(Region &region, Users &users) {
  for (auto &op : region.ops) {
    for (const Value *v : op->operands) users[v].push_back(op.get());
    for (auto &inner : op->regions) addUsers(*inner, users);
  }
}
}  // namespace

Users collectUsers(Region &region) {
  Users users;
  addUsers(region, users);
  return users;
}

const Storage *Module::findStorage(const std::string &name) const {
  for (auto &s : storages)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace dlc::ir
