// libFuzzer target for dlc's front end: every input is a .dl file, run
// through the whole front end (lexer, ANTLR parser, AST builder, sema) by a
// fresh dlc::Compilation, as `dlc --check` does. Diagnostics are rendered to
// a string to exercise the renderer, and a checked program is printed as
// `--emit=ast` would. Nothing is written to stdout or stderr.
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
#include "driver/Frontend.h"

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
    return ok ? 0 : 1;
  });
  return 0;
}
