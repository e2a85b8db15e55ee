// Regression tests for front-end bugs the fuzzer (test/fuzz) found that the
// dlc driver cannot show: each input runs through the same steps as
// test/fuzz/FrontendFuzzer.cpp, including printing the unchecked module
// after syntax errors.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "ast/ASTPrinter.h"
#include "driver/Frontend.h"

namespace dlc {
namespace {

std::string runLikeTheFuzzer(const std::string &text) {
  Compilation compilation;
  bool ok = compilation.run("fuzz.dl", &text);
  std::ostringstream out;
  compilation.diags.render(out);
  if (ok && compilation.program)
    ast::printProgram(*compilation.program, compilation.sources, out);
  else if (compilation.main)
    ast::printModule(*compilation.main, compilation.sources, out);
  return out.str();
}

// `p[:,` ends in an index that error recovery left without an alternative:
// the AST builder gave it no expression, and printModule dereferenced null.
TEST(FuzzRegression, IndexLostToErrorRecovery) {
  std::string out = runLikeTheFuzzer("p[:,");
  EXPECT_NE(out.find("error: expected ']' to close the index"), std::string::npos) << out;
  EXPECT_NE(out.find("index"), std::string::npos) << out;
}

}  // namespace
}  // namespace dlc
