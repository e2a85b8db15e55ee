// Semantic types: tensors with static and symbolic dimensions, and the host
// values a program handles (models, optimizers, datasets, strings, tuples).
//
// Scalars are rank-0 tensors: `f32` is TensorType{F32, {}}. A dimension is a
// static size or a symbol: a dimension variable of a signature (`N` in
// f32[N, 64]) or a size known only at run time (the rows of a loaded file).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dlc {

namespace sema {
struct ModelInstance;
struct OptimizerInstance;
}  // namespace sema

enum class DType : uint8_t {
  Bool,  // bool
  I32,   // i32 (also spelled `int`)
  F32,   // f32, the default float
  F64,   // f64
};

const char *dtypeName(DType t);
bool isFloat(DType t);
// bool < integer < float: the order PyTorch promotes across.
int dtypeCategory(DType t);

struct DimSymbol {
  enum Kind : uint8_t {
    Variable,  // a dimension variable of a signature, bound at each call
    Runtime,   // a size known only when the program runs
  };
  std::string name;
  Kind kind;
  uint32_t id;  // unique within a compilation, for stable printing and ordering
};

struct Dim {
  int64_t size = 0;                  // when static
  const DimSymbol *symbol = nullptr;  // when symbolic

  static Dim fixed(int64_t n) { return Dim{n, nullptr}; }
  static Dim of(const DimSymbol *s) { return Dim{0, s}; }
  bool isStatic() const { return symbol == nullptr; }
  bool isOne() const { return isStatic() && size == 1; }
  std::string str() const;
  friend bool operator==(const Dim &a, const Dim &b) {
    return a.symbol == b.symbol && (a.symbol != nullptr || a.size == b.size);
  }
  friend bool operator!=(const Dim &a, const Dim &b) { return !(a == b); }
};

using Shape = std::vector<Dim>;

struct TensorType {
  DType dtype = DType::F32;
  Shape dims;

  size_t rank() const { return dims.size(); }
  bool isScalar() const { return dims.empty(); }
  // The element count when every dimension is static.
  std::optional<int64_t> staticElementCount() const;
  std::string str() const;  // "f32[N, 64]", "f64"
  friend bool operator==(const TensorType &a, const TensorType &b) {
    return a.dtype == b.dtype && a.dims == b.dims;
  }
  friend bool operator!=(const TensorType &a, const TensorType &b) { return !(a == b); }
};

std::string shapeStr(const Shape &shape);  // "[N, 64]"

// A semantic type. Value-like and cheap to copy.
struct Type {
  enum Kind : uint8_t {
    Error,      // already reported; silences follow-on errors
    Void,       // a statement-like call (print, seed)
    Tensor,     // scalars included
    String,
    Model,      // an instance of a model: Mlp(inputs: 64, ...)
    Optimizer,  // an optimizer bound to a model
    Dataset,    // paired x and y sharing their first dimension
    Batches,    // an iterable of (x, y) mini-batches
    Range,      // lo..hi, an iterable of i32
    Tuple,
    Callable,   // a function or model declaration named without a call
    Series,     // points collected for a picture: series("loss")
  };

  Kind kind = Error;
  TensorType tensor;               // Tensor; Dataset/Batches: x
  TensorType label;                // Dataset/Batches: y
  bool weak = false;               // Tensor: an untyped number literal (adapts to its partner)
  const sema::ModelInstance *model = nullptr;          // Model, Optimizer
  const sema::OptimizerInstance *optimizer = nullptr;  // Optimizer
  std::shared_ptr<const std::vector<Type>> elements;   // Tuple
  std::string name;  // Callable: the declaration; Model/Optimizer: how it prints

  static Type error() { return Type{}; }
  static Type voidType() { Type t; t.kind = Void; return t; }
  static Type string() { Type t; t.kind = String; return t; }
  static Type range() { Type t; t.kind = Range; return t; }
  static Type tensorOf(TensorType tt, bool weak = false) {
    Type t; t.kind = Tensor; t.tensor = std::move(tt); t.weak = weak; return t;
  }
  static Type scalar(DType d, bool weak = false) { return tensorOf(TensorType{d, {}}, weak); }
  static Type dataset(TensorType x, TensorType y) {
    Type t; t.kind = Dataset; t.tensor = std::move(x); t.label = std::move(y); return t;
  }
  static Type batches(TensorType x, TensorType y) {
    Type t = dataset(std::move(x), std::move(y)); t.kind = Batches; return t;
  }
  static Type tuple(std::vector<Type> items) {
    Type t; t.kind = Tuple; t.elements = std::make_shared<const std::vector<Type>>(std::move(items));
    return t;
  }
  static Type callable(std::string name) { Type t; t.kind = Callable; t.name = std::move(name); return t; }
  static Type series() { Type t; t.kind = Series; return t; }

  bool isError() const { return kind == Error; }
  bool isTensor() const { return kind == Tensor; }
  bool isScalar() const { return kind == Tensor && tensor.isScalar(); }
  bool isFloatTensor() const { return kind == Tensor && isFloat(tensor.dtype); }
  std::string str() const;
};

bool sameType(const Type &a, const Type &b);

}  // namespace dlc
