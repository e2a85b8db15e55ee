// The tensor IR: SSA values with types and source locations, operations from
// one table (Ops.def), and nested regions for host control flow (a `for`
// body, the branches of an `if`), as in MLIR.
//
// Every function is inlined during lowering, so a program is one Module
// whose main region runs top to bottom. Values that must outlive a statement
// (parameters, optimizer state, `var`s) live in named storage, reached by
// Load and Store. A value defined in a region is visible in that region and
// in the regions nested in it, never outside it.
//
// Ownership (one rule, so that no pointer dangles when the IR grows): every
// node that is referred to by pointer has a stable address for the life of
// the Module. Values, Ops and Regions are heap nodes owned by unique_ptr;
// Storage and DimSymbol live in deques, which only ever grow at the back.
// Hold `Value *`, `Op *`, `Region *` and `const Storage *` freely, but never
// an iterator or reference into Region::ops (or any vector) across an
// insertion or erasure: keep an index or the Op's address instead. An erased
// Op takes nothing else with it: its result Value stays owned by the Module.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/SourceManager.h"
#include "types/Type.h"

namespace dlc::ir {

enum class OpKind : uint16_t {
#define OP(name, spelling, category, operands) name,
#include "ir/Ops.def"
};

enum class Category : uint8_t {
  Constant, Unary, Binary, Ternary, Reduce, Contraction, Movement, Creation, Random, Storage,
  Control, Host, Data, Kernel, Derivative,
};

const char *spelling(OpKind kind);
Category category(OpKind kind);
int operandCount(OpKind kind);  // -1: variadic
bool isElementwise(OpKind kind);

struct Op;
struct Region;

struct Value {
  uint32_t id = 0;
  TensorType type;
  SourceLoc loc;
  Op *def = nullptr;        // null for a region argument
  Region *owner = nullptr;  // where it is defined
};

// One index position of an Index op: a point, or a slice whose bounds are
// operands (an absent bound is -1).
struct IndexItem {
  bool isSlice = false;
  int lo = -1;  // operand number: the point, or the slice's start
  int hi = -1;  // operand number of the slice's end
};

struct Attrs {
  int64_t axis = 0;
  bool allAxes = false;                 // a reduction over every element
  bool keepdim = false;
  double value = 0;                     // Fill
  int64_t lo = 0, hi = 0;               // Randint
  std::string name;                     // Load/Store: the storage; Data ops: the file's path
  std::vector<double> data;             // Constant
  std::vector<std::string> text;        // Print: text before each operand, and after the last;
                                        // Check: the message; Save/LoadSafetensors: tensor names
  int64_t labelColumn = -1;             // LoadCsv: the label's column, -1 for the last
  int64_t classes = 0;                  // LoadCsv: the number of classes, 0 for a regression target
  int header = -1;                      // LoadCsv: 1 a header line, 0 none, -1 decided by the first line
  int precision = -1;                   // Print: -1 = default
  std::vector<IndexItem> items;         // Index, IndexGrad
};

struct Region {
  Op *parent = nullptr;  // null for the main region
  std::vector<Value *> args;
  std::vector<std::unique_ptr<Op>> ops;
};

struct Op {
  OpKind kind;
  SourceLoc loc;
  std::vector<Value *> operands;
  Value *result = nullptr;  // null for ops that give nothing
  Attrs attrs;
  std::vector<std::unique_ptr<Region>> regions;
  Region *parentRegion = nullptr;
};

struct Storage {
  // Output: a var the host reads after the program (a library's result),
  // so a store to it is never dead.
  enum Kind : uint8_t { Param, State, Var, Output };
  std::string name;  // "net.fc1.W", "opt.m.net.fc1.W", "var.3.A3"
  Kind kind;
  TensorType type;
};

// Whether `op`, or an op nested in its regions, stores to storage `name`
// (Resume counts as storing to every storage).
bool storesTo(const Op &op, const std::string &name);

// Every op that reads each value, nested regions included, in program order.
using Users = std::unordered_map<const Value *, std::vector<Op *>>;
Users collectUsers(Region &region);

class Module {
public:
  Module();
  Region &main() { return *main_; }
  const Region &main() const { return *main_; }

  Value *newValue(TensorType type, SourceLoc loc, Region *owner);
  // Makes an op for `region` without placing it (passes insert it where
  // they need it); its result, if any, belongs to `region`.
  std::unique_ptr<Op> makeOp(Region &region, OpKind kind, std::vector<Value *> operands,
                             std::optional<TensorType> result, SourceLoc loc);
  // Makes an op and appends it to `region`.
  Op *append(Region &region, OpKind kind, std::vector<Value *> operands, std::optional<TensorType> result,
             SourceLoc loc);
  Region *addRegion(Op &op);

  std::deque<Storage> storages;  // a deque: findStorage's pointers survive appends
  std::deque<DimSymbol> dimSymbols;  // symbolic sizes made by passes or the IR parser
  const Storage *findStorage(const std::string &name) const;
  const SourceManager *sources = nullptr;  // for printing locations

private:
  std::unique_ptr<Region> main_;
  std::vector<std::unique_ptr<Value>> values_;
};

}  // namespace dlc::ir
