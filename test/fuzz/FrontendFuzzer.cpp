// libFuzzer target for dlc's compiler up to code generation: every input is
// a .dl file, run through the whole front end (lexer, ANTLR parser, AST
// builder, sema) by a fresh dlc::Compilation, as `dlc --check` does, and, when
// it checks, through lowering and automatic differentiation with the IR
// verifier after each, as `dlc --emit=ir-grad` does. Diagnostics are
// rendered to a string to exercise the renderer, and the checked program and
// the IR are printed. Nothing is written to stdout or stderr.
//
// Invalid IR after a stage is a compiler bug, so it traps (libFuzzer keeps
// the input as a crash). Lowering or autodiff refusing a program with a
// diagnostic is not a bug.
//
// Like the driver, the work runs on runWithLargeStack's thread: the parser
// and the checkers recurse over the input's nesting (bounded by
// parse::kMaxNesting), and libFuzzer's own thread has only 8 MB of stack,
// which ASan's larger frames would overflow where the driver does not.
//
// Build and run: see test/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ast/ASTPrinter.h"
#include "autodiff/Autodiff.h"
#include "driver/Frontend.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "lower/Lower.h"

namespace {

void requireValid(const dlc::ir::Module &module) {
  if (!dlc::ir::verify(module).empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  dlc::runWithLargeStack([&] {
    dlc::Compilation compilation;
    bool ok = compilation.run("fuzz.dl", &text);
    std::ostringstream out;
    compilation.diags.render(out);
    if (ok && compilation.program)
      dlc::ast::printProgram(*compilation.program, compilation.sources, out);
    else if (compilation.main)
      dlc::ast::printModule(*compilation.main, compilation.sources, out);
    if (!ok || !compilation.program) return 1;

    compilation.diags.clear();
    auto module = dlc::lower::lowerProgram(*compilation.program, compilation.sources, compilation.diags);
    compilation.diags.render(out);
    if (!module) return 1;
    requireValid(*module);
    dlc::ir::print(*module, out);
    compilation.diags.clear();
    bool differentiated = dlc::autodiff::differentiate(*module, compilation.diags);
    compilation.diags.render(out);
    if (!differentiated) return 1;
    requireValid(*module);
    dlc::ir::print(*module, out);
    return 0;
  });
  return 0;
}
