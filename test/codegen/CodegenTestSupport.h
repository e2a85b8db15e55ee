// Helpers for the back end's tests: IR built by hand (no front end needed),
// compiled to an executable in a fresh folder, run, its output captured.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "codegen/Codegen.h"
#include "ir/IR.h"

namespace dlc::codegen::testing {

// Builds a module op by op; `at` is the region new ops go to.
class ProgramBuilder {
public:
  ir::Module module;
  ir::Region *at = &module.main();

  ir::Value *op(ir::OpKind kind, std::vector<ir::Value *> operands, TensorType type, ir::Attrs attrs = {});
  void statement(ir::OpKind kind, std::vector<ir::Value *> operands, ir::Attrs attrs = {});
  ir::Value *constant(TensorType type, std::vector<double> data);
  ir::Value *f32(double v) { return constant(TensorType{DType::F32, {}}, {v}); }
  ir::Value *f64(double v) { return constant(TensorType{DType::F64, {}}, {v}); }
  ir::Value *i32(int v) { return constant(TensorType{DType::I32, {}}, {static_cast<double>(v)}); }
  ir::Value *boolean(bool v) { return constant(TensorType{DType::Bool, {}}, {v ? 1.0 : 0.0}); }
  // print(text[0], values[0], text[1], ..., text[n]); no text: values only.
  void print(std::vector<ir::Value *> values, std::vector<std::string> text = {}, int precision = -1);
  // One print() per value.
  void printEach(const std::vector<ir::Value *> &values);
  // for i in lo..hi: returns the loop's index; `at` moves into the body.
  ir::Value *beginFor(ir::Value *lo, ir::Value *hi);
  // if cond: `at` moves into the then branch; elseBranch() into the else one.
  ir::Op *beginIf(ir::Value *cond);
  void elseBranch(ir::Op *ifOp);
  void end(ir::Op *control);  // back to the region holding `control`
  ir::Op *lastControl() { return controls_.back(); }
  void endLast();
  void storage(const std::string &name, TensorType type);
  const DimSymbol *symbol(const std::string &name);

private:
  std::deque<DimSymbol> symbols_;
  std::vector<ir::Op *> controls_;
};

TensorType tensor(DType dtype, std::vector<int64_t> dims);
TensorType symbolic(DType dtype, std::vector<Dim> dims);

struct RunResult {
  int status = -1;
  std::string out, err;
};

class CodegenTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;
  std::string path(const std::string &name) const { return dir_ + "/" + name; }
  // Compiles to an executable; the diagnostics' text goes to *diagnostics.
  bool compile(const ir::Module &m, const std::string &exe, std::string *diagnostics = nullptr,
               const std::string &emit = "", std::string *text = nullptr);
  RunResult run(const std::string &exe, const std::string &args = "");
  // Compiles and runs, failing the test on a compile error.
  RunResult compileAndRun(const ir::Module &m, const std::string &args = "");

  std::string dir_;
};

}  // namespace dlc::codegen::testing
