// Numerical checks of every vector-Jacobian rule (compiler/autodiff/VjpRules.cpp)
// without the code generator: each case of GradCases.h is differentiated by
// the autodiff pass, run on the reference evaluator (IrEvaluator.h) in f64,
// and every gradient element compared with a central finite difference.
// GradCheckTest runs the same cases through the code generator.
#include <gtest/gtest.h>

#include <cmath>

#include "GradCases.h"
#include "IrEvaluator.h"

namespace dlc::autodiff::testing {
namespace {

using ir::OpKind;

void checkGradients(const GradCase &c) {
  SCOPED_TRACE(c.name);
  Program p;
  std::vector<Value *> xs;
  for (auto &in : c.inputs) xs.push_back(p.param(in.name, in.type));
  Value *out = c.build(p, xs);
  Value *w = p.param("weights", out->type);
  Value *y = p.sumAll(p.op(OpKind::Mul, {out, w}, out->type));
  std::vector<size_t> checked;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!c.inputs[i].differentiate) continue;
    p.print(p.grad(y, xs[i]));
    checked.push_back(i);
  }
  ASSERT_TRUE(p.differentiate());
  ASSERT_EQ(problems(p), "");

  // Runs the module with element `element` of input `input` moved by `delta`.
  auto evaluate = [&](size_t input, size_t element, double delta, Evaluator &e) {
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      const Input &in = c.inputs[i];
      Tensor t{in.shape.empty() ? staticShape(in.type) : in.shape, in.data};
      if (i == input) t.data[element] += delta;
      e.storage[in.name] = t;
    }
    e.run(p.module);
  };
  // The weights take the output's run-time shape: symbolic sizes come from the inputs.
  std::vector<int64_t> outShape = runtimeShape(out->type, c.inputs);
  Tensor weightTensor{outShape, weights(size_t(Evaluator::count(outShape)))};
  Evaluator base;
  base.storage["weights"] = weightTensor;
  evaluate(0, 0, 0.0, base);
  ASSERT_EQ(base.printed.size(), checked.size());

  for (size_t k = 0; k < checked.size(); ++k) {
    size_t i = checked[k];
    const Tensor &analytic = base.printed[k];
    ASSERT_EQ(analytic.size(), c.inputs[i].data.size()) << "gradient of " << c.inputs[i].name;
    for (size_t e = 0; e < analytic.size(); ++e) {
      double f[2];
      for (int side = 0; side < 2; ++side) {
        Evaluator run;
        run.storage["weights"] = weightTensor;
        evaluate(i, e, side ? -c.step : c.step, run);
        f[side] = run.value(y).data[0];
      }
      double numeric = (f[0] - f[1]) / (2 * c.step);
      EXPECT_NEAR(analytic.data[e], numeric, c.tolerance * std::max(1.0, std::fabs(numeric)))
          << "d f / d " << c.inputs[i].name << "[" << e << "]";
    }
  }
}

// One test per list of GradCases.h; the parameter is the list's position.
class AutodiffNumeric : public ::testing::TestWithParam<size_t> {};

TEST_P(AutodiffNumeric, GradientsMatchFiniteDifferences) {
  auto lists = allGradCases();
  for (const GradCase &c : lists[GetParam()].second) checkGradients(c);
}

INSTANTIATE_TEST_SUITE_P(Ops, AutodiffNumeric, ::testing::Range<size_t>(0, allGradCases().size()),
                         [](const auto &info) { return allGradCases()[info.param].first; });

// The lecture's worked example (LANGUAGE.md 6.1): golden numbers from exact arithmetic.
TEST(AutodiffGolden, TinyNetworkMatchesTheLecture) {
  Program p;
  Value *x = p.constant({0.1, 0.2}, F({S(1), S(2)}));
  Value *target = p.constant({0.4, 0.6}, F({S(1), S(2)}));
  Value *w1 = p.param("net.W1", F({S(2), S(2)}));
  Value *w2 = p.param("net.W2", F({S(2), S(2)}));
  Value *h = sigmoid(p, p.op(OpKind::MatMul, {x, w1}, F({S(1), S(2)})));
  Value *out = sigmoid(p, p.op(OpKind::MatMul, {h, w2}, F({S(1), S(2)})));
  Value *diff = p.op(OpKind::Sub, {target, out}, out->type);
  Value *sq = p.op(OpKind::Pow, {diff, p.scalar(2, DType::F64)}, out->type);
  Value *E = p.sumAll(p.op(OpKind::Mul, {p.scalar(0.5, DType::F64), sq}, out->type));
  p.print(p.grad(E, p.param("net.W2", w2->type)));
  // SGD(lr: 0.5): one update region per parameter.
  std::vector<Value *> params{p.param("net.W1", w1->type), p.param("net.W2", w2->type)};
  ir::Op *minimize = p.append(OpKind::Minimize, {E, params[0], params[1]}, std::nullopt);
  for (Value *param : params) {
    ir::Region *update = p.module.addRegion(*minimize);
    Value *g = p.module.newValue(param->type, {}, update);
    update->args.push_back(g);
    const std::string &name = param->def->attrs.name;
    Value *step = p.op(OpKind::Mul, {p.scalar(0.5, DType::F64, update), g}, param->type, update);
    p.store(name, p.op(OpKind::Sub, {p.param(name, param->type, update), step}, param->type, update), update);
  }
  ASSERT_TRUE(p.differentiate());
  ASSERT_EQ(problems(p), "");
  Evaluator e;
  e.storage["net.W1"] = Tensor{{2, 2}, {0.3, 0.4, 0.25, 0.35}};
  e.storage["net.W2"] = Tensor{{2, 2}, {0.45, 0.7, 0.4, 0.6}};
  e.run(p.module);
  EXPECT_NEAR(e.value(out).data[0], 0.60944600, 5e-9);
  EXPECT_NEAR(e.value(out).data[1], 0.66384491, 5e-9);
  EXPECT_NEAR(e.value(E).data[0], 0.02397190, 5e-9);
  ASSERT_EQ(e.printed.size(), 1u);
  EXPECT_NEAR(e.printed[0].data[0], 0.02592286, 5e-9);
  EXPECT_NEAR(e.storage["net.W2"].data[0], 0.43703857, 5e-9);
}

}  // namespace
}  // namespace dlc::autodiff::testing
