#include "CodegenTestSupport.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/Diagnostics.h"
#include "support/SourceManager.h"

namespace dlc::codegen::testing {

using ir::OpKind;

TensorType tensor(DType dtype, std::vector<int64_t> dims) {
  TensorType t{dtype, {}};
  for (int64_t d : dims) t.dims.push_back(Dim::fixed(d));
  return t;
}

TensorType symbolic(DType dtype, std::vector<Dim> dims) { return TensorType{dtype, std::move(dims)}; }

ir::Value *ProgramBuilder::op(OpKind kind, std::vector<ir::Value *> operands, TensorType type, ir::Attrs attrs) {
  ir::Op *o = module.append(*at, kind, std::move(operands), std::move(type), SourceLoc{});
  o->attrs = std::move(attrs);
  return o->result;
}

void ProgramBuilder::statement(OpKind kind, std::vector<ir::Value *> operands, ir::Attrs attrs) {
  ir::Op *o = module.append(*at, kind, std::move(operands), std::nullopt, SourceLoc{});
  o->attrs = std::move(attrs);
}

ir::Value *ProgramBuilder::constant(TensorType type, std::vector<double> data) {
  ir::Attrs attrs;
  attrs.data = std::move(data);
  return op(OpKind::Constant, {}, std::move(type), std::move(attrs));
}

void ProgramBuilder::print(std::vector<ir::Value *> values, std::vector<std::string> text, int precision) {
  ir::Attrs attrs;
  if (text.empty()) text.assign(values.size() + 1, "");
  attrs.text = std::move(text);
  attrs.precision = precision;
  statement(OpKind::Print, std::move(values), std::move(attrs));
}

void ProgramBuilder::printEach(const std::vector<ir::Value *> &values) {
  for (ir::Value *v : values) print({v});
}

ir::Value *ProgramBuilder::beginFor(ir::Value *lo, ir::Value *hi) {
  ir::Op *o = module.append(*at, OpKind::For, {lo, hi}, std::nullopt, SourceLoc{});
  ir::Region *body = module.addRegion(*o);
  ir::Value *index = module.newValue(TensorType{DType::I32, {}}, SourceLoc{}, body);
  body->args.push_back(index);
  controls_.push_back(o);
  at = body;
  return index;
}

ir::Op *ProgramBuilder::beginIf(ir::Value *cond) {
  ir::Op *o = module.append(*at, OpKind::If, {cond}, std::nullopt, SourceLoc{});
  at = module.addRegion(*o);
  controls_.push_back(o);
  return o;
}

void ProgramBuilder::elseBranch(ir::Op *ifOp) { at = module.addRegion(*ifOp); }

void ProgramBuilder::end(ir::Op *control) {
  at = control->parentRegion;
  if (!controls_.empty() && controls_.back() == control) controls_.pop_back();
}

void ProgramBuilder::endLast() { end(controls_.back()); }

void ProgramBuilder::storage(const std::string &name, TensorType type) {
  module.storages.push_back(ir::Storage{name, ir::Storage::Var, std::move(type)});
}

const DimSymbol *ProgramBuilder::symbol(const std::string &name) {
  symbols_.push_back(DimSymbol{name, DimSymbol::Runtime, static_cast<uint32_t>(symbols_.size() + 1)});
  return &symbols_.back();
}

void CodegenTest::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "dlc-codegen-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
}

void CodegenTest::TearDown() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool CodegenTest::compile(const ir::Module &m, const std::string &exe, std::string *diagnostics,
                          const std::string &emit, std::string *text) {
  SourceManager sources;
  DiagnosticEngine diags(sources);
  CodegenOptions options;
  options.emit = emit;
  options.output = exe;
  std::ostringstream out;
  bool ok = compileModule(m, options, diags, out);
  std::ostringstream rendered;
  diags.render(rendered);
  if (diagnostics) *diagnostics = rendered.str();
  if (text) *text = out.str();
  return ok;
}

RunResult CodegenTest::run(const std::string &exe, const std::string &args) {
  RunResult r;
  std::string out = path("stdout.txt"), err = path("stderr.txt");
  std::string command = "'" + exe + "' " + args + " >'" + out + "' 2>'" + err + "'";
  int status = std::system(command.c_str());
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string &p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

RunResult CodegenTest::compileAndRun(const ir::Module &m, const std::string &args) {
  std::string exe = path("program"), diagnostics;
  bool ok = compile(m, exe, &diagnostics);
  EXPECT_TRUE(ok) << diagnostics;
  if (!ok) return RunResult{};
  return run(exe, args);
}

}  // namespace dlc::codegen::testing
