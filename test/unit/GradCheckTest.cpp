// Gradient checks through the whole back end: every case of GradCases.h is
// built into one program per op family. For each element e of each input x
// it prints, in f64 with 17 decimals, d f / d x[e] (from a Grad op, expanded
// by the autodiff pass) and f at x ± h one_hot(e) (the forward ops built
// again, in a loop over e). The program is compiled by the code generator,
// run, and each gradient element compared with the central difference
// (f(x + h) - f(x - h)) / 2h from its own output.
//
// Built only when the code generator is (DLC_HAVE_CODEGEN, test/CMakeLists.txt).
// DLC_GRADCHECK_KEEP=1 keeps the compiled programs (in the temp dir) for a look.
#include <gtest/gtest.h>

#ifdef DLC_HAVE_CODEGEN

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "GradCases.h"
#include "codegen/Codegen.h"

namespace dlc::autodiff::testing {
namespace {

struct Expectation {
  std::string what;  // "case: d f / d x"
  size_t firstLine, count;  // lines "gradient f(x + h) f(x - h)", one per element
  double step, tolerance;
};

class GradCheckProgram {
public:
  void add(const GradCase &c) {
    std::string prefix = "case" + std::to_string(cases_++) + ".";
    std::vector<Value *> xs;
    for (const Input &in : c.inputs) xs.push_back(input(prefix + in.name, in, in.data));
    Value *out = c.build(p_, xs);
    std::vector<int64_t> outShape = runtimeShape(out->type, c.inputs);
    Input w{"weights", out->type, weights(count(outShape)), outShape, false};
    Value *weighting = input(prefix + w.name, w, w.data);
    Value *y = weightedSum(out, weighting);
    for (size_t i = 0; i < xs.size(); ++i) {
      const Input &in = c.inputs[i];
      if (!in.differentiate) continue;
      Value *g = p_.grad(y, xs[i]);
      size_t n = in.data.size();
      Value *flat = p_.op(ir::OpKind::Reshape, {g}, f64({S(int64_t(n))}));
      // for e in 0..n: print(g[e], f(x + h one_hot(e)), f(x - h one_hot(e)))
      ir::Region *body = p_.loop(0, int64_t(n));
      p_.current = body;
      Value *e = body->args[0];
      Value *hot = p_.op(ir::OpKind::OneHot, {e}, f64({S(int64_t(n))}));
      Value *step = p_.op(ir::OpKind::Mul, {hot, p_.scalar(c.step, DType::F64)}, hot->type);
      std::vector<Value *> reshape{step};
      for (size_t axis = 0; axis < in.type.rank(); ++axis) {
        if (in.type.dims[axis].isStatic()) continue;
        ir::Op *size = p_.append(ir::OpKind::SizeOf, {xs[i]}, TensorType{DType::I32, {}});
        size->attrs.axis = int64_t(axis);
        reshape.push_back(size->result);
      }
      Value *delta = p_.op(ir::OpKind::Reshape, reshape, in.type);
      Value *f[2];
      for (int side = 0; side < 2; ++side) {
        std::vector<Value *> moved = xs;
        moved[i] = p_.op(side ? ir::OpKind::Sub : ir::OpKind::Add, {xs[i], delta}, in.type);
        f[side] = weightedSum(c.build(p_, moved), weighting);
      }
      ir::Op *item = p_.append(ir::OpKind::Index, {flat, e}, f64());
      item->attrs.items = {ir::IndexItem{false, 1, -1}};
      ir::Op *line = p_.append(ir::OpKind::Print, {item->result, f[0], f[1]}, std::nullopt);
      line->attrs.text = {"", "", "", ""};
      line->attrs.precision = 17;
      p_.current = nullptr;
      expectations_.push_back({c.name + ": d f / d " + in.name, lines_, n, c.step, c.tolerance});
      lines_ += n;
    }
  }

  // Differentiates, compiles, runs and compares.
  void check(const std::string &name) {
    ASSERT_TRUE(p_.differentiate());
    ASSERT_EQ(problems(p_), "");
    std::filesystem::path exe =
        std::filesystem::temp_directory_path() / ("dlc-gradcheck-" + std::to_string(::getpid()) + "-" + name);
    codegen::CodegenOptions options;
    options.output = exe.string();
    options.optLevel = 1;
    std::ostringstream unused;
    bool compiled = codegen::compileModule(p_.module, options, p_.diags, unused);
    std::ostringstream diagnostics;
    p_.diags.render(diagnostics);
    ASSERT_TRUE(compiled) << diagnostics.str();
    std::vector<std::array<double, 3>> lines;
    FILE *pipe = ::popen(exe.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) {
      std::array<double, 3> numbers{};
      std::istringstream(buffer) >> numbers[0] >> numbers[1] >> numbers[2];
      lines.push_back(numbers);
    }
    int status = ::pclose(pipe);
    if (!std::getenv("DLC_GRADCHECK_KEEP")) std::filesystem::remove(exe);
    ASSERT_EQ(status, 0);
    ASSERT_EQ(lines.size(), lines_);
    for (const Expectation &x : expectations_) {
      for (size_t k = 0; k < x.count; ++k) {
        const auto &[analytic, plus, minus] = lines[x.firstLine + k];
        double numeric = (plus - minus) / (2 * x.step);
        EXPECT_NEAR(analytic, numeric, x.tolerance * std::max(1.0, std::fabs(numeric))) << x.what << "[" << k << "]";
      }
    }
  }

private:
  static size_t count(const std::vector<int64_t> &shape) {
    size_t n = 1;
    for (int64_t d : shape) n *= size_t(d);
    return n;
  }

  // An input read from storage, as parameters are, so that no rule sees a constant.
  Value *input(const std::string &name, const Input &in, const std::vector<double> &data) {
    std::vector<int64_t> shape = in.shape.empty() ? staticShape(in.type) : in.shape;
    Shape dims;
    for (int64_t d : shape) dims.push_back(S(d));
    p_.module.storages.push_back(ir::Storage{name, ir::Storage::Var, in.type});
    p_.store(name, p_.constant(data, TensorType{in.type.dtype, dims}));
    return p_.param(name, in.type);
  }

  // sum(out * w)
  Value *weightedSum(Value *out, Value *w) { return p_.sumAll(p_.op(ir::OpKind::Mul, {out, w}, out->type)); }

  Program p_;
  size_t cases_ = 0, lines_ = 0;
  std::vector<Expectation> expectations_;
};

// One test per list of GradCases.h; the parameter is the list's position.
class GradCheck : public ::testing::TestWithParam<size_t> {};

TEST_P(GradCheck, CompiledGradientsMatchFiniteDifferences) {
  auto lists = allGradCases();
  GradCheckProgram program;
  for (const GradCase &c : lists[GetParam()].second) program.add(c);
  program.check(lists[GetParam()].first);
}

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::Range<size_t>(0, allGradCases().size()),
                         [](const auto &info) { return allGradCases()[info.param].first; });

}  // namespace
}  // namespace dlc::autodiff::testing

#else

TEST(GradCheck, NeedsTheCodeGenerator) { GTEST_SKIP() << "dlc_codegen is not built"; }

#endif
