// A reference evaluator of the tensor IR for unit tests: plain loops in f64
// (f32 values rounded to float), every value materialized, no fusion. It lets
// autodiff's output be checked numerically (finite differences) without the
// code generator. Semantics follow PyTorch: NumPy broadcasting, Python's mod,
// Python-style negative indices.
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/IR.h"
#include "types/ShapeRules.h"

namespace dlc::autodiff::testing {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  size_t size() const { return data.size(); }
  double at(size_t i) const { return data[i]; }
};

class Evaluator {
public:
  std::map<std::string, Tensor> storage;  // parameters and other named storage
  std::vector<Tensor> printed;            // the operands of Print ops, in order

  void run(const ir::Module &module) { region(module.main()); }
  const Tensor &value(const ir::Value *v) const { return values_.at(v); }

  static int64_t count(const std::vector<int64_t> &s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
  }

private:
  using Shape64 = std::vector<int64_t>;

  static double round(double v, DType t) {
    switch (t) {
    case DType::Bool: return v != 0 ? 1 : 0;
    case DType::I32: return std::trunc(v);
    case DType::F32: return static_cast<double>(static_cast<float>(v));
    case DType::F64: return v;
    }
    return v;
  }

  // The concrete shape of a type, its symbols bound by earlier values.
  Shape64 concrete(const TensorType &type) {
    Shape64 out;
    for (const Dim &d : type.dims) {
      if (d.isStatic()) out.push_back(d.size);
      else out.push_back(symbols_.at(d.symbol));
    }
    return out;
  }

  void bind(const ir::Value *v, Tensor t) {
    for (auto &x : t.data) x = round(x, v->type.dtype);
    if (t.shape.size() == v->type.rank())
      for (size_t i = 0; i < t.shape.size(); ++i)
        if (!v->type.dims[i].isStatic()) symbols_[v->type.dims[i].symbol] = t.shape[i];
    values_[v] = std::move(t);
  }

  static Shape64 broadcastShape(const Shape64 &a, const Shape64 &b) {
    size_t rank = std::max(a.size(), b.size());
    Shape64 out(rank);
    for (size_t i = 0; i < rank; ++i) {
      int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
      int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
      if (da != db && da != 1 && db != 1) throw std::runtime_error("shapes do not broadcast");
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  // The flat index into `from` of element `flat` of `to`, `from` broadcast to `to`.
  static size_t broadcastIndex(const Shape64 &from, const Shape64 &to, int64_t flat) {
    size_t index = 0, stride = 1;
    for (size_t i = to.size(); i-- > 0;) {
      int64_t coord = flat % to[i];
      flat /= to[i];
      size_t j = i + from.size();
      if (j < to.size()) continue;
      j -= to.size();
      if (from[j] != 1) index += static_cast<size_t>(coord) * stride;
      stride *= static_cast<size_t>(from[j]);
    }
    return index;
  }

  static Tensor elementwise(const std::vector<const Tensor *> &in, const std::function<double(const double *)> &f) {
    Shape64 shape;
    for (auto *t : in) shape = broadcastShape(shape, t->shape);
    Tensor out{shape, std::vector<double>(static_cast<size_t>(count(shape)))};
    std::vector<double> args(in.size());
    for (int64_t i = 0; i < count(shape); ++i) {
      for (size_t k = 0; k < in.size(); ++k) args[k] = in[k]->data[broadcastIndex(in[k]->shape, shape, i)];
      out.data[static_cast<size_t>(i)] = f(args.data());
    }
    return out;
  }

  static double unary(ir::OpKind kind, double x) {
    using ir::OpKind;
    switch (kind) {
    case OpKind::Neg: return -x;
    case OpKind::Exp: return std::exp(x);
    case OpKind::Log: return std::log(x);
    case OpKind::Sqrt: return std::sqrt(x);
    case OpKind::Abs: return std::fabs(x);
    case OpKind::Tanh: return std::tanh(x);
    case OpKind::Sin: return std::sin(x);
    case OpKind::Cos: return std::cos(x);
    case OpKind::Not: return x == 0;
    case OpKind::Cast: return x;
    default: throw std::runtime_error("not a unary op");
    }
  }

  static double binary(ir::OpKind kind, double a, double b) {
    using ir::OpKind;
    switch (kind) {
    case OpKind::Add: return a + b;
    case OpKind::Sub: return a - b;
    case OpKind::Mul: return a * b;
    case OpKind::Div: return a / b;
    case OpKind::Mod: {
      double r = std::fmod(a, b);
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
    case OpKind::Pow: return std::pow(a, b);
    case OpKind::Maximum: return a > b ? a : b;
    case OpKind::Minimum: return a < b ? a : b;
    case OpKind::Lt: return a < b;
    case OpKind::Le: return a <= b;
    case OpKind::Gt: return a > b;
    case OpKind::Ge: return a >= b;
    case OpKind::Eq: return a == b;
    case OpKind::Ne: return a != b;
    case OpKind::And: return a != 0 && b != 0;
    case OpKind::Or: return a != 0 || b != 0;
    default: throw std::runtime_error("not a binary op");
    }
  }

  Tensor reduce(const ir::Op &op, const Tensor &x) {
    size_t rank = x.shape.size();
    std::vector<bool> reduced(rank, op.attrs.allAxes);
    if (!op.attrs.allAxes) {
      size_t axis;
      shapes::normalizeAxis(op.attrs.axis, rank, &axis);
      reduced[axis] = true;
    }
    Shape64 kept;  // keepdim shape
    for (size_t i = 0; i < rank; ++i) kept.push_back(reduced[i] ? 1 : x.shape[i]);
    int64_t groups = count(kept), perGroup = count(x.shape) / std::max<int64_t>(groups, 1);
    std::vector<std::vector<double>> members(static_cast<size_t>(groups));
    for (int64_t i = 0; i < count(x.shape); ++i) {
      // The group of element i: its coordinates with the reduced ones zeroed.
      int64_t rest = i, group = 0, stride = 1;
      for (size_t d = rank; d-- > 0;) {
        int64_t coord = rest % x.shape[d];
        rest /= x.shape[d];
        if (!reduced[d]) group += coord * stride;
        stride *= kept[d];
      }
      members[static_cast<size_t>(group)].push_back(x.data[static_cast<size_t>(i)]);
    }
    Tensor out;
    for (size_t i = 0; i < rank; ++i)
      if (op.attrs.keepdim || !reduced[i]) out.shape.push_back(kept[i]);
    for (auto &m : members) {
      double r = 0;
      switch (op.kind) {
      case ir::OpKind::Sum: for (double v : m) r += v; break;
      case ir::OpKind::Mean: for (double v : m) r += v; r /= double(perGroup); break;
      case ir::OpKind::ReduceMax: r = m[0]; for (double v : m) r = std::max(r, v); break;
      case ir::OpKind::ReduceMin: r = m[0]; for (double v : m) r = std::min(r, v); break;
      case ir::OpKind::Argmax:
        for (size_t k = 0; k < m.size(); ++k) if (m[k] > m[size_t(r)]) r = double(k);
        break;
      default: throw std::runtime_error("not a reduction");
      }
      out.data.push_back(r);
    }
    return out;
  }

  static Tensor matmul(const Tensor &a, const Tensor &b) {
    Shape64 batchA(a.shape.begin(), a.shape.end() - 2), batchB(b.shape.begin(), b.shape.end() - 2);
    Shape64 batch = broadcastShape(batchA, batchB);
    int64_t n = a.shape[a.shape.size() - 2], k = a.shape.back(), m = b.shape.back();
    Tensor out{batch, {}};
    out.shape.push_back(n);
    out.shape.push_back(m);
    for (int64_t bi = 0; bi < count(batch); ++bi) {
      size_t oa = broadcastIndex(batchA, batch, bi) * size_t(n * k);
      size_t ob = broadcastIndex(batchB, batch, bi) * size_t(k * m);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) {
          double s = 0;
          for (int64_t q = 0; q < k; ++q) s += a.data[oa + size_t(i * k + q)] * b.data[ob + size_t(q * m + j)];
          out.data.push_back(s);
        }
    }
    return out;
  }

  static Tensor transpose(const Tensor &x) {
    if (x.shape.size() < 2) return x;
    Tensor out = x;
    size_t r = x.shape.size();
    int64_t n = x.shape[r - 2], m = x.shape[r - 1];
    std::swap(out.shape[r - 2], out.shape[r - 1]);
    for (int64_t b = 0; b < count(x.shape) / (n * m); ++b)
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j)
          out.data[size_t(b * n * m + j * n + i)] = x.data[size_t(b * n * m + i * m + j)];
    return out;
  }

  // The source coordinates an Index op selects, per leading dimension:
  // a list of positions and whether that dimension is kept.
  struct Selection {
    std::vector<std::vector<int64_t>> positions;
    std::vector<bool> kept;
  };
  Selection select(const ir::Op &op, const Shape64 &source) {
    Selection s;
    auto scalarOperand = [&](int k) { return int64_t(values_.at(op.operands[size_t(k)]).data[0]); };
    for (size_t d = 0; d < source.size(); ++d) {
      int64_t n = source[d];
      auto wrap = [n](int64_t i) { return i < 0 ? i + n : i; };
      std::vector<int64_t> pos;
      if (d >= op.attrs.items.size()) {
        for (int64_t i = 0; i < n; ++i) pos.push_back(i);
        s.kept.push_back(true);
      } else if (const ir::IndexItem &item = op.attrs.items[d]; !item.isSlice) {
        pos.push_back(wrap(scalarOperand(item.lo)));
        s.kept.push_back(false);
      } else {
        int64_t lo = item.lo >= 0 ? std::clamp<int64_t>(wrap(scalarOperand(item.lo)), 0, n) : 0;
        int64_t hi = item.hi >= 0 ? std::clamp<int64_t>(wrap(scalarOperand(item.hi)), 0, n) : n;
        for (int64_t i = lo; i < hi; ++i) pos.push_back(i);
        s.kept.push_back(true);
      }
      s.positions.push_back(pos);
    }
    return s;
  }

  // Visits the selected elements: f(flat index into the source, flat index into the selection).
  static void forEachSelected(const Selection &s, const Shape64 &source,
                              const std::function<void(size_t, size_t)> &f) {
    std::vector<size_t> coord(s.positions.size(), 0);
    size_t out = 0;
    while (true) {
      for (auto &p : s.positions) if (p.empty()) return;
      size_t flat = 0;
      for (size_t d = 0; d < source.size(); ++d) flat = flat * size_t(source[d]) + size_t(s.positions[d][coord[d]]);
      f(flat, out++);
      size_t d = coord.size();
      while (d-- > 0) {
        if (++coord[d] < s.positions[d].size()) break;
        coord[d] = 0;
      }
      if (d == size_t(-1)) return;
    }
  }

  static Shape64 selectedShape(const Selection &s) {
    Shape64 shape;
    for (size_t d = 0; d < s.kept.size(); ++d)
      if (s.kept[d]) shape.push_back(int64_t(s.positions[d].size()));
    return shape;
  }

  void op(const ir::Op &op) {
    using ir::OpKind;
    std::vector<const Tensor *> in;
    for (ir::Value *v : op.operands) in.push_back(&values_.at(v));
    const ir::Value *r = op.result;
    switch (ir::category(op.kind)) {
    case ir::Category::Unary:
      return bind(r, elementwise(in, [&](const double *a) { return unary(op.kind, a[0]); }));
    case ir::Category::Binary:
      return bind(r, elementwise(in, [&](const double *a) { return binary(op.kind, a[0], a[1]); }));
    case ir::Category::Ternary:
      return bind(r, elementwise(in, [](const double *a) { return a[0] != 0 ? a[1] : a[2]; }));
    case ir::Category::Reduce:
      return bind(r, reduce(op, *in[0]));
    case ir::Category::Contraction:
      return bind(r, matmul(*in[0], *in[1]));
    default:
      break;
    }
    switch (op.kind) {
    case OpKind::Constant:
      return bind(r, Tensor{concrete(r->type), op.attrs.data});
    case OpKind::Fill: {
      Shape64 shape;
      size_t next = 0;
      for (const Dim &d : r->type.dims)
        shape.push_back(d.isStatic() ? d.size : int64_t(in[next++]->data[0]));
      return bind(r, Tensor{shape, std::vector<double>(size_t(count(shape)), op.attrs.value)});
    }
    case OpKind::SizeOf:
      return bind(r, Tensor{{}, {double(in[0]->shape.at(size_t(op.attrs.axis)))}});
    case OpKind::Transpose:
      return bind(r, transpose(*in[0]));
    case OpKind::Reshape: {
      Shape64 shape;
      size_t next = 1;
      for (const Dim &d : r->type.dims)
        shape.push_back(d.isStatic() ? d.size : int64_t(in[next++]->data[0]));
      if (count(shape) != int64_t(in[0]->size())) throw std::runtime_error("reshape changes the element count");
      return bind(r, Tensor{shape, in[0]->data});
    }
    case OpKind::BroadcastTo: {
      Shape64 shape = concrete(r->type);
      Tensor out{shape, std::vector<double>(size_t(count(shape)))};
      for (int64_t i = 0; i < count(shape); ++i)
        out.data[size_t(i)] = in[0]->data[broadcastIndex(in[0]->shape, shape, i)];
      return bind(r, out);
    }
    case OpKind::ReduceTo: {
      Shape64 shape = concrete(r->type);
      Tensor out{shape, std::vector<double>(size_t(count(shape)), 0.0)};
      for (int64_t i = 0; i < count(in[0]->shape); ++i)
        out.data[broadcastIndex(shape, in[0]->shape, i)] += in[0]->data[size_t(i)];
      return bind(r, out);
    }
    case OpKind::Index: {
      Selection s = select(op, in[0]->shape);
      Tensor out{selectedShape(s), {}};
      forEachSelected(s, in[0]->shape, [&](size_t from, size_t) { out.data.push_back(in[0]->data[from]); });
      return bind(r, out);
    }
    case OpKind::IndexGrad: {
      Shape64 shape = concrete(r->type);
      Tensor out{shape, std::vector<double>(size_t(count(shape)), 0.0)};
      Selection s = select(op, shape);
      forEachSelected(s, shape, [&](size_t to, size_t from) { out.data[to] += in[0]->data[from]; });
      return bind(r, out);
    }
    case OpKind::Concat: {
      size_t axis;
      shapes::normalizeAxis(op.attrs.axis, in[0]->shape.size(), &axis);
      Shape64 shape = in[0]->shape;
      shape[axis] = 0;
      for (auto *t : in) shape[axis] += t->shape[axis];
      Tensor out{shape, {}};
      int64_t outer = 1;
      for (size_t d = 0; d < axis; ++d) outer *= shape[d];
      for (int64_t o = 0; o < outer; ++o)
        for (auto *t : in) {
          int64_t chunk = count(t->shape) / outer;
          out.data.insert(out.data.end(), t->data.begin() + o * chunk, t->data.begin() + (o + 1) * chunk);
        }
      return bind(r, out);
    }
    case OpKind::Stack: {
      Tensor out{in[0]->shape, {}};
      out.shape.insert(out.shape.begin(), int64_t(in.size()));
      for (auto *t : in) out.data.insert(out.data.end(), t->data.begin(), t->data.end());
      return bind(r, out);
    }
    case OpKind::Load:
      return bind(r, storage.at(op.attrs.name));
    case OpKind::Store:
      storage[op.attrs.name] = *in[0];
      return;
    case OpKind::Print:
      printed.push_back(*in[0]);
      return;
    case OpKind::For:
      for (int64_t i = int64_t(in[0]->data[0]); i < int64_t(in[1]->data[0]); ++i) {
        bind(op.regions[0]->args[0], Tensor{{}, {double(i)}});
        region(*op.regions[0]);
      }
      return;
    case OpKind::If:
      region(*op.regions[in[0]->data[0] != 0 ? 0 : 1]);
      return;
    default:
      throw std::runtime_error(std::string("the evaluator has no rule for ") + ir::spelling(op.kind));
    }
  }

  void region(const ir::Region &r) {
    for (auto &o : r.ops) op(*o);
  }

  std::unordered_map<const ir::Value *, Tensor> values_;
  std::unordered_map<const DimSymbol *, int64_t> symbols_;
};

}  // namespace dlc::autodiff::testing
