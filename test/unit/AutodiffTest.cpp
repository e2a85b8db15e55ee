// Unit tests for the autodiff pass (compiler/autodiff): modules built by hand,
// differentiated, then checked for the ops and types they hold. Every test
// also runs the structural checker (AutodiffTestSupport.h): no Grad or
// Minimize left, operands defined before use, result types as the shape
// rules give them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "AutodiffTestSupport.h"

namespace dlc::autodiff::testing {
namespace {

using ir::OpKind;
using ::testing::HasSubstr;
using ::testing::Not;

// The op that defines `v`, or null.
const ir::Op *def(const ir::Value *v) { return v ? v->def : nullptr; }

// The value a Print op prints (after autodiff rewrote it).
ir::Value *printed(const ir::Op *print) { return print->operands[0]; }

TEST(Autodiff, GradOfWeightedSumIsTheWeight) {
  Program p;
  ir::Value *x = p.param("x", f32({S(2), S(3)}));
  ir::Value *w = p.param("w", f32({S(2), S(3)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Mul, {x, w}, f32({S(2), S(3)})));
  ir::Op *show = p.print(p.grad(y, x));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(countOps(p.main(), OpKind::Grad), 0u);
  // d sum(x * w) / dx = broadcast(1) * w: the printed value is that product.
  const ir::Op *product = def(printed(show));
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind, OpKind::Mul);
  EXPECT_EQ(product->operands[1], w);
  EXPECT_EQ(def(product->operands[0])->kind, OpKind::BroadcastTo);
  EXPECT_EQ(def(def(product->operands[0])->operands[0])->kind, OpKind::Fill);
  EXPECT_EQ(printed(show)->type, f32({S(2), S(3)}));
  std::string text = p.text();
  EXPECT_THAT(text, HasSubstr("fill {value = 1}"));
  EXPECT_THAT(text, HasSubstr("broadcast"));
  EXPECT_THAT(text, Not(HasSubstr("grad")));
}

TEST(Autodiff, BroadcastOperandAdjointIsReducedToItsShape) {
  Program p;
  ir::Value *b = p.param("b", f32({S(3)}));
  ir::Value *x = p.param("x", f32({S(4), S(3)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Add, {x, b}, f32({S(4), S(3)})));
  ir::Op *show = p.print(p.grad(y, b));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  const ir::Op *reduced = def(printed(show));
  ASSERT_EQ(reduced->kind, OpKind::ReduceTo);
  EXPECT_EQ(reduced->result->type, f32({S(3)}));
  EXPECT_EQ(reduced->operands[0]->type, f32({S(4), S(3)}));
  EXPECT_THAT(p.text(), HasSubstr("reduce_to"));
}

TEST(Autodiff, ScalarOperandAdjointIsSummed) {
  Program p;
  ir::Value *s = p.param("s", f64());
  ir::Value *x = p.param("x", f64({S(5)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Mul, {s, x}, f64({S(5)})));
  ir::Op *show = p.print(p.grad(y, s));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(def(printed(show))->kind, OpKind::ReduceTo);
  EXPECT_EQ(printed(show)->type, f64());
}

TEST(Autodiff, UnrelatedVariableGetsZeros) {
  Program p;
  ir::Value *x = p.param("x", f32({S(2)}));
  ir::Value *z = p.param("z", f32({S(7), S(2)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Exp, {x}, f32({S(2)})));
  ir::Op *show = p.print(p.grad(y, z));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  const ir::Op *zeros = def(printed(show));
  ASSERT_EQ(zeros->kind, OpKind::Fill);
  EXPECT_EQ(zeros->attrs.value, 0);
  EXPECT_EQ(zeros->result->type, z->type);
  // Nothing is differentiated when y does not depend on the variable.
  EXPECT_EQ(countOps(p.main(), OpKind::Exp), 1u);
  EXPECT_EQ(countOps(p.main(), OpKind::Mul), 0u);
}

TEST(Autodiff, GradOfTheVariableItselfIsOne) {
  Program p;
  ir::Value *x = p.param("x", f32());
  ir::Op *show = p.print(p.grad(x, x));
  ASSERT_TRUE(p.differentiate());
  const ir::Op *one = def(printed(show));
  ASSERT_EQ(one->kind, OpKind::Fill);
  EXPECT_EQ(one->attrs.value, 1);
}

TEST(Autodiff, OnlyOpsBetweenTheVariableAndTheOutputAreDifferentiated) {
  Program p;
  ir::Value *x = p.param("x", f32({S(3)}));
  ir::Value *c = p.param("c", f32({S(3)}));
  ir::Value *d = p.param("d", f32({S(3)}));
  ir::Value *xc = p.op(OpKind::Mul, {x, c}, f32({S(3)}));
  ir::Value *cd = p.op(OpKind::Mul, {c, d}, f32({S(3)}));
  ir::Value *unused = p.op(OpKind::Exp, {x}, f32({S(3)}));
  (void)unused;
  ir::Value *y = p.sumAll(p.op(OpKind::Add, {xc, cd}, f32({S(3)})));
  p.print(p.grad(y, x));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  // Forward: two Muls. Backward: only g * c for x; nothing for c * d or exp(x).
  EXPECT_EQ(countOps(p.main(), OpKind::Mul), 3u);
  EXPECT_EQ(countOps(p.main(), OpKind::Exp), 1u);
}

TEST(Autodiff, FanOutAdjointsAreAdded) {
  Program p;
  ir::Value *x = p.param("x", f32({S(3)}));
  ir::Value *sq = p.op(OpKind::Mul, {x, x}, f32({S(3)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Add, {sq, x}, f32({S(3)})));
  ir::Op *show = p.print(p.grad(y, x));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  // x is used three times: g (from the Add), g * x twice (from x * x).
  EXPECT_EQ(def(printed(show))->kind, OpKind::Add);
  EXPECT_EQ(countOps(p.main(), OpKind::Add), 3u);
}

TEST(Autodiff, GradientOpsGoRightBeforeTheGradAndLaterUsesAreRewritten) {
  Program p;
  ir::Value *x = p.param("x", f32({S(2)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Sin, {x}, f32({S(2)})));
  ir::Op *before = p.print(y);
  ir::Value *g = p.grad(y, x);
  ir::Region *body = p.loop(0, 3);
  ir::Op *inner = p.print(g, body);
  ir::Op *after = p.print(g);
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(printed(inner), printed(after));
  EXPECT_EQ(def(printed(after))->kind, OpKind::Mul);
  // The gradient ops sit between the first print and the loop's bounds.
  auto &ops = p.main().ops;
  size_t printAt = 0, cosAt = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].get() == before) printAt = i;
    if (ops[i]->kind == OpKind::Cos) cosAt = i;
  }
  EXPECT_LT(printAt, cosAt);
}

TEST(Autodiff, GradInsideALoopBodyTreatsOuterValuesAsLeaves) {
  Program p;
  ir::Value *w = p.param("w", f32({S(3)}));
  ir::Value *ew = p.op(OpKind::Exp, {w}, f32({S(3)}));
  ir::Region *body = p.loop(0, 2);
  ir::Value *y = p.sumAll(p.op(OpKind::Mul, {ew, ew}, f32({S(3)}), body), body);
  ir::Op *show = p.print(p.grad(y, w, body), body);
  ir::Op *show2 = p.print(p.grad(y, ew, body), body);
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  // exp(w) is computed outside the body: a leaf, so y does not reach w here.
  EXPECT_EQ(def(printed(show))->kind, OpKind::Fill);
  EXPECT_EQ(def(printed(show2))->kind, OpKind::Add);
  EXPECT_EQ(countOps(*body, OpKind::Grad), 0u);
}

TEST(Autodiff, ReloadedParameterIsTheSameVariable) {
  // grad(E, net.W): lowering loads W again at the grad; E used an earlier load.
  Program p;
  ir::Value *w1 = p.param("net.W", f32({S(2), S(2)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Tanh, {w1}, f32({S(2), S(2)})));
  ir::Value *w2 = p.param("net.W", f32({S(2), S(2)}));
  ir::Op *show = p.print(p.grad(y, w2));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(def(printed(show))->kind, OpKind::Mul);
}

TEST(Autodiff, ParameterStoredToInBetweenIsAnotherVariable) {
  Program p;
  ir::Value *w1 = p.param("net.W", f32({S(2)}));
  ir::Value *y = p.sumAll(p.op(OpKind::Tanh, {w1}, f32({S(2)})));
  p.store("net.W", p.op(OpKind::Neg, {w1}, f32({S(2)})));
  ir::Value *w2 = p.param("net.W", f32({S(2)}));
  ir::Op *show = p.print(p.grad(y, w2));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(def(printed(show))->kind, OpKind::Fill);
}

TEST(Autodiff, GradientFlowsThroughAVar) {
  // var h = x * 3; let y = sum(h): h lives in storage between the statements.
  Program p;
  ir::Value *x = p.param("x", f32({S(2)}));
  p.store("var.h", p.op(OpKind::Mul, {x, p.scalar(3)}, f32({S(2)})));
  ir::Value *h = p.param("var.h", f32({S(2)}));
  ir::Op *show = p.print(p.grad(p.sumAll(h), x));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  const ir::Op *product = def(printed(show));
  ASSERT_EQ(product->kind, OpKind::Mul);
}

TEST(Autodiff, GradOfGradDifferentiatesTheGradientOps) {
  Program p;
  ir::Value *x = p.param("x", f64({S(3)}));
  ir::Value *cube = p.op(OpKind::Pow, {x, p.scalar(3, DType::F64)}, f64({S(3)}));
  ir::Value *g = p.grad(p.sumAll(cube), x);  // 3 x^2
  ir::Op *show = p.print(p.grad(p.sumAll(g), x));  // 6 x
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_NE(def(printed(show))->kind, OpKind::Fill);
}

TEST(Autodiff, SymbolicShapesReadRuntimeSizes) {
  DimSymbol n{"N", DimSymbol::Runtime, 1};
  Program p;
  ir::Value *x = p.param("x", f32({Dim::of(&n), S(4)}));
  ir::Op *mean = p.append(OpKind::Mean, {x}, f32());
  mean->attrs.allAxes = true;
  ir::Value *z = p.param("z", f32({Dim::of(&n)}));
  ir::Op *show = p.print(p.grad(mean->result, x));
  ir::Op *zeros = p.print(p.grad(mean->result, z));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(printed(show)->type, x->type);
  // The count N * 4 is read at run time.
  EXPECT_GE(countOps(p.main(), OpKind::SizeOf), 2u);
  EXPECT_THAT(p.text(), HasSubstr("size %"));
  const ir::Op *fill = def(printed(zeros));
  ASSERT_EQ(fill->kind, OpKind::Fill);
  ASSERT_EQ(fill->operands.size(), 1u);
  EXPECT_EQ(def(fill->operands[0])->kind, OpKind::SizeOf);
}

TEST(Autodiff, ReshapeBackPassesSymbolicSizes) {
  DimSymbol n{"N", DimSymbol::Runtime, 1};
  Program p;
  ir::Value *x = p.param("x", f32({Dim::of(&n), S(2), S(3)}));
  ir::Value *flat = p.op(OpKind::Reshape, {x, p.op(OpKind::SizeOf, {x}, TensorType{DType::I32, {}})},
                         f32({Dim::of(&n), S(6)}));
  ir::Op *show = p.print(p.grad(p.sumAll(flat), x));
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  const ir::Op *back = def(printed(show));
  ASSERT_EQ(back->kind, OpKind::Reshape);
  EXPECT_EQ(back->result->type, x->type);
  ASSERT_EQ(back->operands.size(), 2u);
  EXPECT_EQ(def(back->operands[1])->kind, OpKind::SizeOf);
}

TEST(Autodiff, MinimizeComputesAllGradientsThenInlinesUpdatesInOrder) {
  Program p;
  ir::Value *w = p.param("net.W", f32({S(2), S(3)}));
  ir::Value *b = p.param("net.b", f32({S(3)}));
  ir::Value *x = p.param("x", f32({S(4), S(2)}));
  ir::Value *h = p.op(OpKind::Add, {p.op(OpKind::MatMul, {x, w}, f32({S(4), S(3)})), b}, f32({S(4), S(3)}));
  ir::Value *loss = p.sumAll(p.op(OpKind::Mul, {h, h}, f32({S(4), S(3)})));
  ir::Value *pw = p.param("net.W", w->type);
  ir::Value *pb = p.param("net.b", b->type);
  ir::Op *minimize = p.append(OpKind::Minimize, {loss, pw, pb}, std::nullopt);
  std::vector<ir::Op *> stores;
  for (ir::Value *param : {pw, pb}) {
    ir::Region *update = p.module.addRegion(*minimize);
    ir::Value *g = p.module.newValue(param->type, {}, update);
    update->args.push_back(g);
    // p -= 0.5 * g
    ir::Value *old = p.param(param->def->attrs.name, param->type, update);
    ir::Value *step = p.op(OpKind::Mul, {p.scalar(0.5, DType::F32, update), g}, param->type, update);
    stores.push_back(p.store(param->def->attrs.name, p.op(OpKind::Sub, {old, step}, param->type, update), update));
  }
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(countOps(p.main(), OpKind::Minimize), 0u);
  // The updates are inlined in the main region, W's first, after every gradient op.
  std::vector<std::string> storeOrder;
  size_t lastMatMul = 0, firstStore = 0;
  auto &ops = p.main().ops;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i]->kind == OpKind::MatMul) lastMatMul = i;
    if (ops[i]->kind == OpKind::Store) {
      storeOrder.push_back(ops[i]->attrs.name);
      if (!firstStore) firstStore = i;
      // Each store writes old - 0.5 * gradient, the gradient typed like the parameter.
      const ir::Op *sub = def(ops[i]->operands[0]);
      ASSERT_EQ(sub->kind, OpKind::Sub);
      const ir::Op *step = def(sub->operands[1]);
      EXPECT_EQ(step->operands[1]->type, sub->result->type);
      EXPECT_NE(def(step->operands[1]), nullptr);
    }
  }
  EXPECT_EQ(storeOrder, (std::vector<std::string>{"net.W", "net.b"}));
  EXPECT_LT(lastMatMul, firstStore);
  // dW = xᵀ @ G (one MatMul forward, one backward: x needs none).
  EXPECT_EQ(countOps(p.main(), OpKind::MatMul), 2u);
  EXPECT_EQ(countOps(p.main(), OpKind::Transpose), 1u);
}

TEST(Autodiff, MinimizeInsideALoopClonesNestedRegions) {
  Program p;
  ir::Region *body = p.loop(0, 2);
  ir::Value *w = p.param("w", f32({S(3)}), body);
  ir::Value *loss = p.sumAll(p.op(OpKind::Exp, {w}, f32({S(3)}), body), body);
  ir::Op *minimize = p.append(OpKind::Minimize, {loss, w}, std::nullopt, body);
  ir::Region *update = p.module.addRegion(*minimize);
  ir::Value *g = p.module.newValue(w->type, {}, update);
  update->args.push_back(g);
  // An update with a nested region of its own: if (true) { store w, g }.
  ir::Op *branch = p.append(OpKind::If, {p.constant({1}, TensorType{DType::Bool, {}}, update)}, std::nullopt, update);
  ir::Region *then = p.module.addRegion(*branch);
  p.module.addRegion(*branch);
  p.store("w", p.op(OpKind::Neg, {g}, w->type, then), then);
  ASSERT_TRUE(p.differentiate());
  EXPECT_EQ(problems(p), "");
  EXPECT_EQ(countOps(p.main(), OpKind::Minimize), 0u);
  EXPECT_EQ(countOps(*body, OpKind::If), 1u);
  EXPECT_EQ(countOps(*body, OpKind::Store), 1u);
}

TEST(Autodiff, ReportsANonScalarOutput) {
  Program p;
  ir::Value *x = p.param("x", f32({S(2)}));
  p.grad(p.op(OpKind::Exp, {x}, f32({S(2)})), x);
  EXPECT_FALSE(p.differentiate());
  ASSERT_EQ(p.diags.errorCount(), 1u);
  EXPECT_THAT(p.diags.diagnostics()[0].message, HasSubstr("float scalar"));
}

}  // namespace
}  // namespace dlc::autodiff::testing
