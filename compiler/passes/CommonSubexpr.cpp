// See CommonSubexpr.h. One walk in program order with a scoped table from an
// op's key (a string of its kind, operands, attributes and type) to the value
// that first computed it; a region's entries are dropped when it ends.
#include "passes/CommonSubexpr.h"

#include <cmath>
#include <sstream>
#include <unordered_map>

#include "passes/ReplacedValues.h"

namespace dlc::passes {

namespace {

using ir::Category;
using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

bool pure(const Op &op) {
  if (!op.result || !op.regions.empty()) return false;
  switch (ir::category(op.kind)) {
  case Category::Constant:
  case Category::Unary:
  case Category::Binary:
  case Category::Ternary:
  case Category::Reduce:
  case Category::Contraction:
  case Category::Movement:
  case Category::Creation:
    return true;
  case Category::Host:
    return op.kind == OpKind::SizeOf;
  default:
    return false;
  }
}

void writeType(std::ostringstream &key, const TensorType &type) {
  key << static_cast<int>(type.dtype) << '[';
  for (const Dim &d : type.dims) {
    if (d.isStatic()) key << d.size << ',';
    else key << '$' << d.symbol << ',';  // the symbol itself, not its name
  }
  key << ']';
}

std::string keyOf(const Op &op) {
  std::ostringstream key;
  key.precision(17);
  const ir::Attrs &a = op.attrs;
  key << static_cast<int>(op.kind) << '(';
  for (const Value *v : op.operands) key << v << ',';
  key << ')';
  writeType(key, op.result->type);
  key << a.axis << ',' << a.allAxes << ',' << a.keepdim << ',' << a.value << ',' << a.lo << ',' << a.hi << ','
      << a.name.size() << ':' << a.name << ',' << a.labelColumn << ',' << a.classes << ',' << a.header << ','
      << a.precision << "|d";
  for (double d : a.data) {
    // -0.0 and 0.0 are different constants; NaNs have no equal.
    if (d != d) return "";
    key << (std::signbit(d) ? "-" : "+") << std::abs(d) << ',';
  }
  key << "|t";
  for (const std::string &t : a.text) key << t.size() << ':' << t;
  key << "|i";
  for (const ir::IndexItem &item : a.items) key << item.isSlice << ',' << item.lo << ',' << item.hi << ';';
  return key.str();
}

class Cse {
public:
  void region(Region &region) {
    std::vector<std::string> added;
    for (size_t i = 0; i < region.ops.size();) {
      Op &op = *region.ops[i];
      replaced_.rewriteOperands(op);
      if (ir::category(op.kind) != Category::Kernel)  // a kernel's body is its own
        for (auto &inner : op.regions) this->region(*inner);
      if (!pure(op)) {
        ++i;
        continue;
      }
      std::string key = keyOf(op);
      if (key.empty()) {
        ++i;
        continue;
      }
      auto [it, fresh] = table_.emplace(key, op.result);
      if (fresh) {
        added.push_back(std::move(key));
        ++i;
        continue;
      }
      replaced_.eraseOp(region, i, it->second);
    }
    for (const std::string &key : added) table_.erase(key);
  }

private:
  std::unordered_map<std::string, Value *> table_;
  ReplacedValues replaced_;
};

void run(ir::Module &module) { Cse().region(module.main()); }

}  // namespace

Pass createCommonSubexprPass() {
  return {"cse", "reuse the result of an earlier identical computation in scope", run};
}

}  // namespace dlc::passes
