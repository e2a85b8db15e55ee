#include "ir/Verifier.h"

#include <set>

#include "ir/RowSpace.h"
#include "types/ShapeRules.h"

namespace dlc::ir {

namespace {

class Verifier {
public:
  explicit Verifier(const Module &m) : module_(m) {}

  std::vector<std::string> run() {
    region(module_.main());
    return problems_;
  }

private:
  void fail(const Op &op, const std::string &what) {
    std::string where;
    if (op.loc.isValid() && module_.sources) where = " at " + module_.sources->describe(op.loc);
    problems_.push_back(std::string(spelling(op.kind)) + where + ": " + what);
  }

  void region(const Region &r) {
    size_t mark = visible_.size();
    for (auto *arg : r.args) define(arg);
    for (auto &op : r.ops) {
      check(*op);
      for (auto &inner : op->regions) region(*inner);
      if (op->result) define(op->result);
    }
    while (visible_.size() > mark) {
      visibleSet_.erase(visible_.back());
      visible_.pop_back();
    }
  }

  void define(const Value *v) {
    visible_.push_back(v);
    visibleSet_.insert(v);
  }

  static bool staticShape(const TensorType &t) { return t.staticElementCount().has_value(); }

  void check(const Op &op) {
    int expected = operandCount(op.kind);
    if (expected >= 0 && static_cast<int>(op.operands.size()) != expected)
      fail(op, "has " + std::to_string(op.operands.size()) + " operands, expected " + std::to_string(expected));
    for (auto *v : op.operands)
      if (!v || !visibleSet_.count(v)) fail(op, "uses a value that is not defined before it in scope");
    Category c = category(op.kind);
    bool givesValue = !(op.kind == OpKind::Store || op.kind == OpKind::Seed || op.kind == OpKind::Print ||
                        op.kind == OpKind::For || op.kind == OpKind::If || op.kind == OpKind::Minimize ||
                        op.kind == OpKind::Check || op.kind == OpKind::SaveSafetensors ||
                        op.kind == OpKind::LoadSafetensors || op.kind == OpKind::Checkpoint ||
                        op.kind == OpKind::Resume || op.kind == OpKind::Progress ||
                        op.kind == OpKind::Series || op.kind == OpKind::SeriesAdd || op.kind == OpKind::Plot ||
                        op.kind == OpKind::PlotBoundary);
    if (givesValue != (op.result != nullptr)) fail(op, givesValue ? "has no result" : "has a result");
    if (c == Category::Storage && !module_.findStorage(op.attrs.name))
      fail(op, "names undeclared storage \"" + op.attrs.name + "\"");
    if (op.kind == OpKind::For && op.regions.size() != 1) fail(op, "needs one region");
    if (op.kind == OpKind::If && op.regions.size() != 2) fail(op, "needs two regions");
    if (op.kind == OpKind::Minimize && op.regions.size() + 1 != op.operands.size())
      fail(op, "needs one region per parameter");
    if (c == Category::Data) data(op);
    if (op.kind == OpKind::Fused || op.kind == OpKind::FusedRows) fused(op);
    if (op.kind == OpKind::KernelOutput) kernelOutput(op);
    if (op.kind == OpKind::Check && (op.operands.empty() || op.operands.size() > 3 || op.attrs.text.size() != 1))
      fail(op, "needs a condition, at most two values and a message");
    if (op.kind == OpKind::Randperm && op.result &&
        (op.operands.empty() || op.operands.size() > 2 || op.result->type.dtype != DType::I32 ||
         op.result->type.rank() != 1))
      fail(op, "takes n and an optional seed, and gives i32[n]");
    if (op.kind == OpKind::LoaderOrder && op.result &&
        (op.operands.size() < 2 || op.operands.size() > 3 || op.result->type.dtype != DType::I32 ||
         op.result->type.rank() != 1))
      fail(op, "takes n, shuffle and an optional seed, and gives i32[n]");
    if (op.kind == OpKind::Take && op.result && op.operands.size() == 2 && op.operands[0] && op.operands[1] &&
        (op.operands[1]->type.dtype != DType::I32 || op.operands[1]->type.rank() != 1 ||
         op.operands[0]->type.rank() != op.result->type.rank() || op.operands[0]->type.rank() == 0))
      fail(op, "takes rows of a tensor at the indices of an i32 vector");
    if (op.kind == OpKind::Constant && op.result && op.result->type.staticElementCount() &&
        static_cast<int64_t>(op.attrs.data.size()) != *op.result->type.staticElementCount() &&
        op.attrs.data.size() != 1)
      fail(op, "has " + std::to_string(op.attrs.data.size()) + " elements for " + op.result->type.str());
    if ((c == Category::Binary || op.kind == OpKind::MatMul) && op.operands.size() == 2 && op.result &&
        op.operands[0] && op.operands[1]) {
      const TensorType &a = op.operands[0]->type, &b = op.operands[1]->type;
      if (a.dtype != b.dtype) fail(op, "mixes " + a.str() + " and " + b.str());
      if (staticShape(a) && staticShape(b) && staticShape(op.result->type)) {
        Shape out;
        bool ok = op.kind == OpKind::MatMul ? shapes::matmul(a.dims, b.dims, &out, nullptr)
                                            : shapes::broadcast(a.dims, b.dims, &out, nullptr);
        if (!ok || out != op.result->type.dims)
          fail(op, "gives " + op.result->type.str() + " from " + a.str() + " and " + b.str());
      }
    }
  }

  // A fused kernel: elementwise ops only (after, first, a matrix product:
  // passes/FuseMatmulEpilogue.h), reading only its operands and each other;
  // the last gives the kernel's result type.
  void fused(const Op &op) {
    if (op.regions.size() != 1 || op.regions[0]->ops.empty() || !op.regions[0]->args.empty()) {
      fail(op, "needs one region of elementwise ops and no region arguments");
      return;
    }
    const Region &body = *op.regions[0];
    std::set<const Value *> readable(op.operands.begin(), op.operands.end());
    for (auto &inner : body.ops) {
      bool rowOp = op.kind == OpKind::FusedRows &&
                   (category(inner->kind) == Category::Reduce || inner->kind == OpKind::ReduceTo ||
                    inner->kind == OpKind::BroadcastTo);
      bool product = op.kind == OpKind::Fused && inner->kind == OpKind::MatMul && inner == body.ops.front();
      if (!(isElementwise(inner->kind) || rowOp || product) || !inner->result)
        fail(*inner, "cannot be part of a fused kernel");
      for (const Value *v : inner->operands)
        if (v && !readable.count(v)) fail(*inner, "reads a value that is not an operand of its kernel");
      if (inner->result) readable.insert(inner->result);
    }
    const Op &last = *body.ops.back();
    if (last.result && op.result && last.result->type != op.result->type)
      fail(op, "gives " + op.result->type.str() + " but its last op gives " + last.result->type.str());
    for (double d : op.attrs.data)
      if (!(d >= 0 && d + 1 < static_cast<double>(body.ops.size()) && d == static_cast<double>(static_cast<size_t>(d))))
        fail(op, "names an extra output that is not one of its ops before the last");
    if (op.kind == OpKind::FusedRows) rows(op);
  }

  // fused_rows: one row space [R..., C]; every value a full row or one per
  // row; reductions over the last dimension of a full row; broadcasts of one
  // value per row; elementwise operands readable by row (ir/RowSpace.h).
  void rows(const Op &op) {
    const Region &body = *op.regions[0];
    const Shape *full = nullptr;
    for (auto &inner : body.ops)
      if ((category(inner->kind) == Category::Reduce || inner->kind == OpKind::ReduceTo) && !inner->operands.empty() &&
          inner->operands[0]) {
        full = &inner->operands[0]->type.dims;
        break;
      }
    if (!full || !isRowSpace(*full)) {
      fail(op, "needs a reduction over the last dimension of a row space [R..., C]");
      return;
    }
    for (auto &inner : body.ops) {
      if (!inner->result) continue;
      const Shape &dims = inner->result->type.dims;
      bool fullResult = dims == *full;
      if (!fullResult && !isRowScalar(dims, *full)) fail(*inner, "gives neither a full row nor one value per row");
      bool reduction = category(inner->kind) == Category::Reduce || inner->kind == OpKind::ReduceTo;
      if (reduction) {
        int64_t last = static_cast<int64_t>(full->size()) - 1;
        bool lastAxis = inner->kind == OpKind::ReduceTo || (!inner->attrs.allAxes && (inner->attrs.axis == last || inner->attrs.axis == -1));
        if (inner->kind == OpKind::Argmax || fullResult || !lastAxis || inner->operands.size() != 1 ||
            !inner->operands[0] || inner->operands[0]->type.dims != *full || !isFloat(inner->result->type.dtype))
          fail(*inner, "is not a float reduction of a full row over its last dimension");
      } else if (inner->kind == OpKind::BroadcastTo) {
        if (!fullResult || inner->operands.size() != 1 || !inner->operands[0] ||
            inner->operands[0]->type.rank() != full->size() || !isRowScalar(inner->operands[0]->type.dims, *full))
          fail(*inner, "does not broadcast one value per row to the full row");
      } else {
        for (const Value *v : inner->operands)
          if (v && rowAccess(v->type.dims, dims, *full, fullResult) == RowAccess::None)
            fail(*inner, "reads " + v->type.str() + ", which is not readable by row");
      }
    }
  }

  // kernel_output: the attr axis-th extra output of the fused kernel it reads.
  void kernelOutput(const Op &op) {
    const Value *k = op.operands.empty() ? nullptr : op.operands[0];
    if (!k || !k->def || (k->def->kind != OpKind::Fused && k->def->kind != OpKind::FusedRows) || op.attrs.axis < 0 ||
        op.attrs.axis >= static_cast<int64_t>(k->def->attrs.data.size())) {
      fail(op, "needs a fused kernel with at least " + std::to_string(op.attrs.axis + 1) + " extra outputs");
      return;
    }
    const Region &body = *k->def->regions.at(0);
    size_t n = static_cast<size_t>(k->def->attrs.data[static_cast<size_t>(op.attrs.axis)]);
    if (n < body.ops.size() && body.ops[n]->result && op.result && body.ops[n]->result->type != op.result->type)
      fail(op, "gives " + op.result->type.str() + " for a kernel value of " + body.ops[n]->result->type.str());
  }

  void data(const Op &op) {
    if (op.attrs.name.empty()) fail(op, "needs a file path");
    switch (op.kind) {
    case OpKind::LoadCsv: {
      const TensorType *t = op.result ? &op.result->type : nullptr;
      if (!t || t->dtype != DType::F32 || t->rank() != 2 || !t->dims[1].isStatic() || t->dims[1].size < 2)
        fail(op, "gives f32[rows, features + 1] with at least one feature");
      break;
    }
    case OpKind::SaveSafetensors:
      if (op.attrs.text.size() != op.operands.size()) fail(op, "needs one name per tensor");
      break;
    case OpKind::Plot:
      if (op.attrs.data.empty() || op.attrs.text.size() != 3) fail(op, "needs series ids, a title and axis labels");
      break;
    case OpKind::PlotGrid:
    case OpKind::PlotBoundary: {
      bool ok = op.attrs.axis >= 8 && !op.operands.empty() && op.operands[0] &&
                op.operands[0]->type.dtype == DType::F32 && op.operands[0]->type.rank() == 2;
      if (op.kind == OpKind::PlotGrid)
        ok = ok && op.result && op.result->type.rank() == 2 && op.result->type.dtype == DType::F32;
      else
        ok = ok && op.attrs.text.size() == 1 && op.operands.size() == 3 && op.operands[1] && op.operands[2] &&
             op.operands[1]->type.dtype == DType::I32 && op.operands[2]->type.dtype == DType::I32;
      if (!ok) fail(op, "needs points f32[n, 2] (labels i32[n], classes i32[size * size]) and a size");
      break;
    }
    case OpKind::LoadSafetensors:
      if (op.attrs.text.size() != op.regions.size()) fail(op, "needs one region per named tensor");
      for (auto &r : op.regions)
        if (r->args.size() != 1 || !staticShape(r->args[0]->type)) fail(op, "needs one static tensor per region");
      break;
    default:
      break;
    }
  }

  const Module &module_;
  std::vector<std::string> problems_;
  std::vector<const Value *> visible_;
  std::set<const Value *> visibleSet_;
};

}  // namespace

std::vector<std::string> verify(const Module &module) { return Verifier(module).run(); }

}  // namespace dlc::ir
