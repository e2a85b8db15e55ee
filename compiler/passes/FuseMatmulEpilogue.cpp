// See FuseMatmulEpilogue.h.
#include "passes/FuseMatmulEpilogue.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace dlc::passes {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

bool floatOrBool(const Value *v) { return v && (isFloat(v->type.dtype) || v->type.dtype == DType::Bool); }

// A product the generated GEMM computes: float matrices of one dtype.
bool gemmProduct(const Op &op) {
  if (op.kind != OpKind::MatMul || op.operands.size() != 2 || !op.result) return false;
  DType d = op.result->type.dtype;
  return isFloat(d) && op.result->type.rank() == 2 && op.operands[0]->type.rank() == 2 &&
         op.operands[1]->type.rank() == 2 && op.operands[0]->type.dtype == d && op.operands[1]->type.dtype == d;
}

bool elementwiseKernel(const Op &op) {
  if (op.kind != OpKind::Fused || op.regions.size() != 1 || op.regions[0]->ops.empty()) return false;
  if (!op.attrs.data.empty()) return false;  // extra outputs (kernel_output): not in an epilogue
  for (auto &inner : op.regions[0]->ops)
    if (!ir::isElementwise(inner->kind)) return false;
  return true;
}

// Whether `v` broadcasts to `shape` (rank 2) with every dimension 1 or equal.
bool broadcastsPlainly(const Value *v, const Shape &shape) {
  const Shape &dims = v->type.dims;
  if (dims.size() > shape.size()) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    const Dim &d = dims[i];
    const Dim &target = shape[i + shape.size() - dims.size()];
    if (!(d.isStatic() && d.size == 1) && !(d == target)) return false;
  }
  return true;
}

// Whether `reader`, the only op reading `product`, can be its epilogue.
bool canTake(const Op &reader, const Value *product) {
  if (!reader.result || reader.result->type.dims != product->type.dims ||
      reader.result->type.dtype != product->type.dtype)
    return false;
  if (!ir::isElementwise(reader.kind) && !elementwiseKernel(reader)) return false;
  for (const Value *v : reader.operands)
    if (v != product && (!floatOrBool(v) || !broadcastsPlainly(v, product->type.dims))) return false;
  if (reader.kind == OpKind::Fused)
    for (auto &inner : reader.regions[0]->ops) {
      if (!floatOrBool(inner->result)) return false;
      for (const Value *v : inner->operands)
        if (!floatOrBool(v)) return false;
    }
  return true;
}

class Fuser {
public:
  explicit Fuser(ir::Module &module) : module_(module), users_(ir::collectUsers(module.main())) {}

  void region(Region &region) {
    for (auto &op : region.ops)
      if (op->kind != OpKind::Fused)
        for (auto &inner : op->regions) this->region(*inner);

    std::unordered_map<const Op *, Op *> productOf;  // reader -> the product it takes
    std::unordered_set<const Op *> taken;
    for (auto &op : region.ops) {
      if (!gemmProduct(*op)) continue;
      // The readers, less those inside a kernel that reads it too.
      std::vector<Op *> readers;
      for (Op *user : users_[op->result]) {
        Op *kernel = user->parentRegion ? user->parentRegion->parent : nullptr;
        bool inKernel = kernel && kernel->kind == OpKind::Fused &&
                        std::find(kernel->operands.begin(), kernel->operands.end(), op->result) != kernel->operands.end();
        if (!inKernel && std::find(readers.begin(), readers.end(), user) == readers.end()) readers.push_back(user);
      }
      if (readers.size() != 1) continue;
      Op *reader = readers[0];
      if (reader->parentRegion != &region || productOf.count(reader) || !canTake(*reader, op->result)) continue;
      productOf[reader] = op.get();
      taken.insert(op.get());
    }
    if (taken.empty()) return;

    std::vector<std::unique_ptr<Op>> rebuilt;
    std::unordered_map<const Op *, std::unique_ptr<Op>> moved;
    for (auto &op : region.ops) {
      if (taken.count(op.get())) {
        const Op *raw = op.get();
        moved[raw] = std::move(op);
        continue;
      }
      auto it = productOf.find(op.get());
      if (it == productOf.end()) {
        rebuilt.push_back(std::move(op));
        continue;
      }
      rebuilt.push_back(fuse(region, std::move(op), std::move(moved.at(it->second))));
    }
    region.ops = std::move(rebuilt);
  }

private:
  // The kernel of `product` and its reader.
  std::unique_ptr<Op> fuse(Region &region, std::unique_ptr<Op> reader, std::unique_ptr<Op> product) {
    Value *p = product->result;
    std::vector<Value *> operands{product->operands[0]};
    if (product->operands[1] != product->operands[0]) operands.push_back(product->operands[1]);
    for (Value *v : reader->operands)
      if (v != p && std::find(operands.begin(), operands.end(), v) == operands.end()) operands.push_back(v);

    std::unique_ptr<Op> kernel;
    Region *body = nullptr;
    if (reader->kind == OpKind::Fused) {
      // The kernel already has a body: the product goes in front of it.
      kernel = std::move(reader);
      kernel->operands = operands;
      body = kernel->regions[0].get();
    } else {
      // A new kernel takes the reader's result value (so its users need no
      // change), and the reader, moved into the body, a fresh one.
      kernel = module_.makeOp(region, OpKind::Fused, operands, reader->result->type, reader->loc);
      body = module_.addRegion(*kernel);
      std::swap(kernel->result, reader->result);
      kernel->result->def = kernel.get();
      kernel->result->owner = &region;
      reader->result->def = reader.get();
      reader->result->owner = body;
      reader->parentRegion = body;
      body->ops.push_back(std::move(reader));
    }
    product->parentRegion = body;
    p->owner = body;
    body->ops.insert(body->ops.begin(), std::move(product));
    return kernel;
  }

  ir::Module &module_;
  ir::Users users_;
};

void run(ir::Module &module) { Fuser(module).region(module.main()); }

}  // namespace

Pass createFuseMatmulEpiloguePass() {
  return {"fuse-matmul-epilogue", "merge a matrix product with the elementwise op or kernel that alone reads it", run};
}

}  // namespace dlc::passes
