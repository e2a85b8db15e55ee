// Reverse-mode automatic differentiation: expands Grad and Minimize ops.
//
// The pass walks every region in program order. At Grad(y, x) it sweeps
// backwards over the ops of the Grad op's region that come before it:
//   1. Targets: x, and every Load of x's storage that reads the same contents
//      (no Store to it in between), because lowering reloads storage: in
//      `grad(E, net.W)` the W that E was computed from is an earlier Load.
//   2. Activity: forwards, a value is *varied* when it is a target or a
//      float result of an op with a VJP rule and a varied operand; backwards
//      from y, a value is *useful* when y depends on it. Only values both
//      varied and useful get adjoints, so nothing else is differentiated.
//   3. Sweep: y's adjoint is seeded with 1; ops are visited in reverse, and
//      each one whose result has an adjoint hands it to the op's rule
//      (VjpRules.cpp). Every operand adjoint is fitted to its operand's type
//      (ReduceTo over broadcast dimensions, then Cast) and added to what the
//      operand has. A Load that reads what a Store earlier in the region
//      wrote (a `var`) passes its adjoint on to the stored value. Values from
//      enclosing regions, region arguments and results of ops without a rule
//      are leaves.
//   4. The gradient is the sum of the targets' adjoints, or zeros when y does
//      not depend on x. The new ops go right before the Grad op, later uses
//      of its result are rewritten, and the Grad op is removed.
// Minimize(loss, p1..pk) runs one sweep for all its parameters, then inlines
// its update regions in order where it was, region i's argument mapped to the
// gradient of p_i.
#include "autodiff/Autodiff.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "autodiff/Builder.h"
#include "autodiff/VjpRules.h"

namespace dlc::autodiff {

using ir::Op;
using ir::OpKind;
using ir::Region;
using ir::Value;

namespace {

using ValueMap = std::unordered_map<const Value *, Value *>;

using ir::storesTo;

size_t indexOf(const Region &region, const Op *op) {
  for (size_t i = 0; i < region.ops.size(); ++i)
    if (region.ops[i].get() == op) return i;
  return region.ops.size();
}

// Clears the links from Values (owned by the Module, so they outlive it) to
// an Op about to be erased and its regions, so no Value points at freed IR.
void detach(Op &op) {
  if (op.result) op.result->def = nullptr, op.result->owner = nullptr;
  for (auto &region : op.regions) {
    for (Value *arg : region->args) arg->owner = nullptr;
    for (auto &inner : region->ops) detach(*inner);
  }
}

bool isFloatValue(const Value *v) { return isFloat(v->type.dtype); }

// Whether the Load `load` still reads what storage holds at position `at` of
// `region`: nothing stores to it in between. A load from an enclosing region
// must see no store anywhere in the regions between, which may run again.
bool readsCurrentContents(const Op &load, const Region &region, size_t at) {
  const std::string &name = load.attrs.name;
  const Region *current = &region;
  size_t end = at;
  while (true) {
    if (load.parentRegion == current) {
      for (size_t i = indexOf(*current, &load) + 1; i < end; ++i)
        if (storesTo(*current->ops[i], name)) return false;
      return true;
    }
    for (auto &op : current->ops)
      if (storesTo(*op, name)) return false;
    const Op *parent = current->parent;
    if (!parent) return false;
    current = parent->parentRegion;
    end = indexOf(*current, parent);
  }
}

// Rewrites uses of `from` as `to` in ops [first, end) of `region` and in their nested regions.
void replaceUses(Region &region, size_t first, const Value *from, Value *to) {
  for (size_t i = first; i < region.ops.size(); ++i) {
    Op &op = *region.ops[i];
    for (Value *&operand : op.operands)
      if (operand == from) operand = to;
    for (auto &inner : op.regions) replaceUses(*inner, 0, from, to);
  }
}

// One backward sweep over ops [0, end) of a region.
class Sweep {
public:
  Sweep(Region &region, size_t end, Builder &build) : region_(region), end_(end), build_(build) {}

  // d y / d target for each target set (a variable and the values equal to it).
  std::vector<Value *> run(Value *y, const std::vector<std::vector<Value *>> &targets) {
    forwardStores();
    for (auto &set : targets)
      for (Value *v : set)
        if (isFloatValue(v)) varied_.insert(v);
    markVaried();
    markUseful(y);
    if (active(y)) {
      adjoint_[y] = build_.fill(1, TensorType{y->type.dtype, {}}, y);
      backward();
    }
    std::vector<Value *> gradients;
    for (auto &set : targets) {
      Value *x = set.front(), *sum = nullptr;
      for (Value *v : set) {
        auto it = adjoint_.find(v);
        if (it == adjoint_.end()) continue;
        Value *g = build_.fitTo(it->second, x->type);
        sum = sum ? build_.add(sum, g) : g;
      }
      gradients.push_back(sum ? sum : build_.fill(0, x->type, x));
    }
    return gradients;
  }

private:
  // Loads that read what an earlier Store of the region wrote, with no op in
  // between that might store to the same place.
  void forwardStores() {
    std::unordered_map<std::string, Value *> stored;
    for (size_t i = 0; i < end_; ++i) {
      Op &op = *region_.ops[i];
      if (op.kind == OpKind::Store && !op.operands.empty()) {
        stored[op.attrs.name] = op.operands[0];
      } else if (op.kind == OpKind::Load && op.result) {
        auto it = stored.find(op.attrs.name);
        if (it != stored.end() && it->second->type == op.result->type) forwarded_[op.result] = it->second;
      } else if (!op.regions.empty()) {
        for (auto it = stored.begin(); it != stored.end();)
          it = storesTo(op, it->first) ? stored.erase(it) : std::next(it);
      }
    }
  }

  // The values that the result of `op` is differentiated into.
  std::vector<Value *> inputs(const Op &op) const {
    auto it = forwarded_.find(op.result);
    if (it != forwarded_.end()) return {it->second};
    if (!vjpRule(op.kind)) return {};
    return op.operands;
  }

  void markVaried() {
    for (size_t i = 0; i < end_; ++i) {
      const Op &op = *region_.ops[i];
      if (!op.result || !isFloatValue(op.result)) continue;
      for (Value *in : inputs(op))
        if (varied_.count(in)) varied_.insert(op.result);
    }
  }

  void markUseful(Value *y) {
    useful_.insert(y);
    for (size_t i = end_; i-- > 0;) {
      const Op &op = *region_.ops[i];
      if (!op.result || !active(op.result)) continue;
      for (Value *in : inputs(op)) useful_.insert(in);
    }
  }

  bool active(const Value *v) const { return varied_.count(v) && useful_.count(v); }

  void accumulate(Value *v, Value *g) {
    g = build_.fitTo(g, v->type);
    auto [it, inserted] = adjoint_.emplace(v, g);
    if (!inserted) it->second = build_.add(it->second, g);
  }

  void backward() {
    for (size_t i = end_; i-- > 0;) {
      const Op &op = *region_.ops[i];
      if (!op.result) continue;
      auto found = adjoint_.find(op.result);
      if (found == adjoint_.end()) continue;
      Value *g = found->second;
      build_.setLoc(op.loc);
      auto forward = forwarded_.find(op.result);
      if (forward != forwarded_.end()) {
        if (active(forward->second)) accumulate(forward->second, g);
        continue;
      }
      VjpRule rule = vjpRule(op.kind);
      if (!rule) continue;  // a leaf that is also a target (a Load of x's storage)
      VjpContext ctx{build_, {}};
      bool any = false;
      for (Value *operand : op.operands) {
        ctx.needed.push_back(active(operand));
        any = any || ctx.needed.back();
      }
      if (!any) continue;
      std::vector<Value *> adjoints = rule(ctx, op, g);
      for (size_t k = 0; k < op.operands.size() && k < adjoints.size(); ++k)
        if (ctx.needed[k] && adjoints[k]) accumulate(op.operands[k], adjoints[k]);
    }
  }

  Region &region_;
  size_t end_;
  Builder &build_;
  std::unordered_map<const Value *, Value *> forwarded_;  // Load result -> the stored value it reads
  std::unordered_set<const Value *> varied_, useful_;
  std::unordered_map<const Value *, Value *> adjoint_;
};

class Expander {
public:
  Expander(ir::Module &module, DiagnosticEngine &diags) : module_(module), diags_(diags) {}

  void region(Region &region) {
    for (size_t i = 0; i < region.ops.size();) {
      Op &op = *region.ops[i];
      if (op.kind == OpKind::Grad) {
        i = expandGrad(region, i);
      } else if (op.kind == OpKind::Minimize) {
        i = expandMinimize(region, i);
      } else {
        for (auto &inner : op.regions) this->region(*inner);
        ++i;
      }
    }
  }

  bool failed = false;

private:
  void error(const Op &op, std::string message) {
    diags_.error(SourceRange(op.loc), std::move(message));
    failed = true;
  }

  // x and the Loads before `at` that read the same contents as x.
  std::vector<Value *> sameValues(Region &region, size_t at, Value *x) {
    std::vector<Value *> values{x};
    const Op *def = x->def;
    if (!def || def->kind != OpKind::Load || !readsCurrentContents(*def, region, at)) return values;
    for (size_t i = at; i-- > 0;) {
      const Op &op = *region.ops[i];
      if (storesTo(op, def->attrs.name)) break;
      if (op.kind == OpKind::Load && op.attrs.name == def->attrs.name && op.result != x &&
          op.result->type == x->type)
        values.push_back(op.result);
    }
    return values;
  }

  std::vector<Value *> gradients(Region &region, size_t at, Value *y, const std::vector<Value *> &xs,
                                 Builder &build) {
    std::vector<std::vector<Value *>> targets;
    for (Value *x : xs) targets.push_back(sameValues(region, at, x));
    return Sweep(region, at, build).run(y, targets);
  }

  bool checkOperands(const Op &op, const char *what) {
    Value *y = op.operands.empty() ? nullptr : op.operands[0];
    if (!y || !y->type.isScalar() || !isFloat(y->type.dtype)) {
      error(op, std::string(what) + " needs a float scalar to differentiate, got " +
                    (y ? y->type.str() : std::string("nothing")));
      return false;
    }
    for (size_t i = 1; i < op.operands.size(); ++i) {
      if (!isFloat(op.operands[i]->type.dtype)) {
        error(op, std::string(what) + " can only differentiate with respect to a float tensor, got " +
                      op.operands[i]->type.str());
        return false;
      }
    }
    return true;
  }

  // Puts `ops` at position `at` of `region`, in order.
  static void insert(Region &region, size_t at, std::vector<std::unique_ptr<Op>> &ops) {
    region.ops.insert(region.ops.begin() + static_cast<ptrdiff_t>(at), std::make_move_iterator(ops.begin()),
                      std::make_move_iterator(ops.end()));
  }

  size_t expandGrad(Region &region, size_t at) {
    Op &grad = *region.ops[at];
    if (grad.operands.size() != 2 || !grad.result) {
      error(grad, "internal error: grad needs two operands and a result");
      return at + 1;
    }
    if (!checkOperands(grad, "grad")) return at + 1;
    Builder build(module_, region, grad.loc);
    Value *result = grad.result;
    Value *gradient = gradients(region, at, grad.operands[0], {grad.operands[1]}, build)[0];
    std::vector<std::unique_ptr<Op>> ops = build.take();
    detach(grad);
    region.ops.erase(region.ops.begin() + static_cast<ptrdiff_t>(at));
    insert(region, at, ops);
    replaceUses(region, at + ops.size(), result, gradient);
    return at + ops.size();
  }

  size_t expandMinimize(Region &region, size_t at) {
    Op &minimize = *region.ops[at];
    size_t count = minimize.regions.size();
    if (minimize.operands.size() != count + 1) {
      error(minimize, "internal error: minimize needs one parameter per update region");
      return at + 1;
    }
    for (size_t i = 0; i < count; ++i) {
      auto &args = minimize.regions[i]->args;
      if (args.size() != 1 || args[0]->type != minimize.operands[i + 1]->type) {
        error(minimize, "internal error: update region " + std::to_string(i) +
                            " needs one argument typed like its parameter");
        return at + 1;
      }
    }
    if (!checkOperands(minimize, "minimize")) return at + 1;
    Builder build(module_, region, minimize.loc);
    std::vector<Value *> params(minimize.operands.begin() + 1, minimize.operands.end());
    std::vector<Value *> grads = gradients(region, at, minimize.operands[0], params, build);
    std::vector<std::unique_ptr<Op>> ops = build.take();
    size_t gradientOps = ops.size();
    std::unique_ptr<Op> owned = std::move(region.ops[at]);
    region.ops.erase(region.ops.begin() + static_cast<ptrdiff_t>(at));
    for (size_t i = 0; i < count; ++i) {
      const Region &update = *owned->regions[i];
      ValueMap map{{update.args[0], grads[i]}};
      for (auto &op : update.ops) ops.push_back(clone(*op, region, map));
    }
    detach(*owned);
    insert(region, at, ops);
    // The inlined updates are scanned next: they may hold Grad ops of their own.
    return at + gradientOps;
  }

  // A copy of `op` for `region`, operands renamed through `map` (values
  // defined outside the copied ops keep their names).
  std::unique_ptr<Op> clone(const Op &op, Region &region, ValueMap &map) {
    std::vector<Value *> operands;
    for (Value *v : op.operands) {
      auto it = map.find(v);
      operands.push_back(it == map.end() ? v : it->second);
    }
    std::optional<TensorType> type;
    if (op.result) type = op.result->type;
    std::unique_ptr<Op> copy = module_.makeOp(region, op.kind, std::move(operands), type, op.loc);
    copy->attrs = op.attrs;
    if (op.result) map[op.result] = copy->result;
    for (auto &inner : op.regions) {
      Region *made = module_.addRegion(*copy);
      for (Value *arg : inner->args) {
        Value *renamed = module_.newValue(arg->type, arg->loc, made);
        made->args.push_back(renamed);
        map[arg] = renamed;
      }
      for (auto &innerOp : inner->ops) made->ops.push_back(clone(*innerOp, *made, map));
    }
    return copy;
  }

  ir::Module &module_;
  DiagnosticEngine &diags_;
};

}  // namespace

bool differentiate(ir::Module &module, DiagnosticEngine &diags) {
  Expander expander(module, diags);
  expander.region(module.main());
  return !expander.failed;
}

}  // namespace dlc::autodiff
