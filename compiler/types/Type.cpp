#include "types/Type.h"

namespace dlc {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::Bool: return "bool";
  case DType::I32: return "i32";
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  }
  return "?";
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }

int dtypeCategory(DType t) {
  switch (t) {
  case DType::Bool: return 0;
  case DType::I32: return 1;
  case DType::F32:
  case DType::F64: return 2;
  }
  return 0;
}

std::string Dim::str() const { return symbol ? symbol->name : std::to_string(size); }

std::optional<int64_t> TensorType::staticElementCount() const {
  int64_t n = 1;
  for (auto &d : dims) {
    if (!d.isStatic()) return std::nullopt;
    if (d.size != 0 && n > (int64_t(1) << 62) / d.size) return std::nullopt;
    n *= d.size;
  }
  return n;
}

std::string shapeStr(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + shape[i].str();
  return s + "]";
}

std::string TensorType::str() const {
  return dims.empty() ? dtypeName(dtype) : dtypeName(dtype) + shapeStr(dims);
}

std::string Type::str() const {
  switch (kind) {
  case Error: return "<error>";
  case Void: return "void";
  case Tensor: return tensor.str();
  case String: return "str";
  case Model:
  case Optimizer: return name;
  case Dataset: return "dataset(x: " + tensor.str() + ", y: " + label.str() + ")";
  case Batches: return "batches(x: " + tensor.str() + ", y: " + label.str() + ")";
  case Range: return "range";
  case Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < elements->size(); ++i) s += (i ? ", " : "") + (*elements)[i].str();
    return s + ")";
  }
  case Callable: return "fn " + name;
  case Series: return "series";
  }
  return "?";
}

bool sameType(const Type &a, const Type &b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
  case Type::Tensor: return a.tensor == b.tensor;
  case Type::Model: return a.model == b.model;
  case Type::Optimizer: return a.optimizer == b.optimizer;
  case Type::Dataset:
  case Type::Batches: return a.tensor == b.tensor && a.label == b.label;
  case Type::Tuple:
    if (a.elements->size() != b.elements->size()) return false;
    for (size_t i = 0; i < a.elements->size(); ++i)
      if (!sameType((*a.elements)[i], (*b.elements)[i])) return false;
    return true;
  case Type::Callable: return a.name == b.name;
  default: return true;
  }
}

}  // namespace dlc
