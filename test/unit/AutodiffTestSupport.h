// Shared by the autodiff unit tests: building small IR modules by hand, and a
// structural check of the IR that autodiff emits (every operand defined
// before its use, result types as the shape rules give them).
#pragma once

#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "autodiff/Autodiff.h"
#include "ir/IR.h"
#include "ir/Printer.h"
#include "support/Diagnostics.h"
#include "support/SourceManager.h"
#include "types/ShapeRules.h"

namespace dlc::autodiff::testing {

inline TensorType f32(Shape dims = {}) { return TensorType{DType::F32, std::move(dims)}; }
inline TensorType f64(Shape dims = {}) { return TensorType{DType::F64, std::move(dims)}; }
inline Dim S(int64_t n) { return Dim::fixed(n); }

// A module under construction, with the diagnostics autodiff reports into.
struct Program {
  ir::Module module;
  SourceManager sources;
  DiagnosticEngine diags{sources};

  ir::Region *current = nullptr;  // where ops go when no region is named; null: main

  ir::Region &main() { return module.main(); }

  ir::Op *append(ir::OpKind kind, std::vector<ir::Value *> operands, std::optional<TensorType> type,
                 ir::Region *region = nullptr) {
    ir::Region &where = region ? *region : current ? *current : main();
    return module.append(where, kind, std::move(operands), std::move(type), {});
  }
  ir::Value *op(ir::OpKind kind, std::vector<ir::Value *> operands, TensorType type, ir::Region *region = nullptr) {
    return append(kind, std::move(operands), std::move(type), region)->result;
  }
  // A parameter read from storage.
  ir::Value *param(const std::string &name, TensorType type, ir::Region *region = nullptr) {
    if (!module.findStorage(name)) module.storages.push_back(ir::Storage{name, ir::Storage::Param, type});
    ir::Op *load = append(ir::OpKind::Load, {}, type, region);
    load->attrs.name = name;
    return load->result;
  }
  ir::Op *store(const std::string &name, ir::Value *v, ir::Region *region = nullptr) {
    ir::Op *s = append(ir::OpKind::Store, {v}, std::nullopt, region);
    s->attrs.name = name;
    return s;
  }
  ir::Value *constant(std::vector<double> data, TensorType type, ir::Region *region = nullptr) {
    ir::Op *c = append(ir::OpKind::Constant, {}, std::move(type), region);
    c->attrs.data = std::move(data);
    return c->result;
  }
  ir::Value *scalar(double v, DType dtype = DType::F32, ir::Region *region = nullptr) {
    return constant({v}, TensorType{dtype, {}}, region);
  }
  ir::Value *sumAll(ir::Value *v, ir::Region *region = nullptr) {
    ir::Op *s = append(ir::OpKind::Sum, {v}, TensorType{v->type.dtype, {}}, region);
    s->attrs.allAxes = true;
    s->attrs.axis = -1;
    return s->result;
  }
  ir::Value *grad(ir::Value *y, ir::Value *x, ir::Region *region = nullptr) {
    return op(ir::OpKind::Grad, {y, x}, x->type, region);
  }
  ir::Op *print(ir::Value *v, ir::Region *region = nullptr) {
    ir::Op *p = append(ir::OpKind::Print, {v}, std::nullopt, region);
    p->attrs.text = {"", ""};
    return p;
  }

  // for i in lo..hi { }: returns the body, whose argument is the index.
  ir::Region *loop(int64_t lo, int64_t hi, ir::Region *region = nullptr) {
    ir::Op *op = append(ir::OpKind::For, {scalar(double(lo), DType::I32, region), scalar(double(hi), DType::I32, region)},
                        std::nullopt, region);
    ir::Region *body = module.addRegion(*op);
    body->args.push_back(module.newValue(TensorType{DType::I32, {}}, {}, body));
    return body;
  }

  bool differentiate() { return autodiff::differentiate(module, diags); }
  std::string text() const {
    std::ostringstream out;
    ir::print(module, out);
    return out.str();
  }
};

// The problems found in a module's IR after autodiff, one line each.
class Checker {
public:
  std::vector<std::string> run(const ir::Module &module) {
    region(module.main());
    return problems_;
  }

private:
  void problem(const ir::Op &op, const std::string &what) {
    problems_.push_back(std::string(ir::spelling(op.kind)) + ": " + what);
  }

  static Shape broadcast(const Shape &a, const Shape &b, bool *ok) {
    Shape out;
    *ok = shapes::broadcast(a, b, &out, nullptr);
    return out;
  }

  void region(const ir::Region &r) {
    for (ir::Value *arg : r.args) defined_.insert(arg);
    for (auto &op : r.ops) {
      for (ir::Value *v : op->operands)
        if (!v || !defined_.count(v)) problem(*op, "an operand is used before it is defined");
      if (op->kind == ir::OpKind::Grad || op->kind == ir::OpKind::Minimize) problem(*op, "left unexpanded");
      types(*op);
      for (auto &inner : op->regions) region(*inner);
      if (op->result) defined_.insert(op->result);
    }
    // Values of a region are not visible after it.
    for (ir::Value *arg : r.args) defined_.erase(arg);
    for (auto &op : r.ops)
      if (op->result) defined_.erase(op->result);
  }

  void types(const ir::Op &op) {
    using ir::OpKind;
    auto operand = [&](size_t i) -> const TensorType & { return op.operands[i]->type; };
    const TensorType *result = op.result ? &op.result->type : nullptr;
    bool ok = true;
    switch (ir::category(op.kind)) {
    case ir::Category::Unary:
      if (result->dims != operand(0).dims) problem(op, "result shape differs from the operand's");
      if (op.kind != OpKind::Cast && op.kind != OpKind::Not && result->dtype != operand(0).dtype)
        problem(op, "result dtype differs from the operand's");
      break;
    case ir::Category::Binary: {
      Shape dims = broadcast(operand(0).dims, operand(1).dims, &ok);
      if (!ok || dims != result->dims) problem(op, "result is not the broadcast of the operands");
      if (operand(0).dtype != operand(1).dtype) problem(op, "operands of different dtypes");
      break;
    }
    case ir::Category::Ternary: {
      Shape dims = broadcast(broadcast(operand(0).dims, operand(1).dims, &ok), operand(2).dims, &ok);
      if (!ok || dims != result->dims) problem(op, "result is not the broadcast of the operands");
      if (operand(0).dtype != DType::Bool) problem(op, "condition is not bool");
      break;
    }
    case ir::Category::Reduce: {
      Shape dims;
      std::optional<int64_t> axis;
      if (!op.attrs.allAxes) axis = op.attrs.axis;
      if (!shapes::reduce(operand(0).dims, axis, op.attrs.keepdim, &dims, nullptr) || dims != result->dims)
        problem(op, "result shape is not the reduction's");
      break;
    }
    case ir::Category::Contraction: {
      Shape dims;
      if (!shapes::matmul(operand(0).dims, operand(1).dims, &dims, nullptr) || dims != result->dims)
        problem(op, "result shape is not the product's");
      break;
    }
    default:
      break;
    }
    auto symbolic = [](const Shape &dims) {
      size_t n = 0;
      for (auto &d : dims) n += !d.isStatic();
      return n;
    };
    switch (op.kind) {
    case OpKind::BroadcastTo: {
      Shape dims = broadcast(operand(0).dims, result->dims, &ok);
      if (!ok || dims != result->dims) problem(op, "operand does not broadcast to the result");
      break;
    }
    case OpKind::ReduceTo: {
      Shape dims = broadcast(operand(0).dims, result->dims, &ok);
      if (!ok || dims != operand(0).dims) problem(op, "result does not broadcast to the operand");
      break;
    }
    case OpKind::Transpose:
      if (result->dims != shapes::transpose(operand(0).dims)) problem(op, "wrong transposed shape");
      break;
    case OpKind::Fill:
      if (op.operands.size() != symbolic(result->dims)) problem(op, "needs one run-time size per symbolic dim");
      break;
    case OpKind::Reshape:
      if (op.operands.size() != 1 + symbolic(result->dims)) problem(op, "needs one run-time size per symbolic dim");
      break;
    case OpKind::SizeOf:
      if (op.attrs.axis < 0 || size_t(op.attrs.axis) >= operand(0).rank()) problem(op, "axis out of range");
      break;
    case OpKind::Index:
    case OpKind::IndexGrad:
      for (auto &item : op.attrs.items) {
        for (int k : {item.lo, item.hi})
          if (k >= int(op.operands.size()) || (k >= 0 && operand(size_t(k)).dtype != DType::I32))
            problem(op, "an index item names a bad operand");
      }
      break;
    default:
      break;
    }
  }

  std::unordered_set<const ir::Value *> defined_;
  std::vector<std::string> problems_;
};

inline std::vector<std::string> check(const ir::Module &module) { return Checker().run(module); }

// The checker's findings as one string (empty when the IR is sound), then the IR.
inline std::string problems(const Program &p) {
  std::string out;
  for (auto &line : check(p.module)) out += line + "\n";
  return out.empty() ? out : out + p.text();
}

// How many ops of `kind` the module holds, nested regions included.
inline size_t countOps(const ir::Region &region, ir::OpKind kind) {
  size_t n = 0;
  for (auto &op : region.ops) {
    n += op->kind == kind;
    for (auto &inner : op->regions) n += countOps(*inner, kind);
  }
  return n;
}

}  // namespace dlc::autodiff::testing
