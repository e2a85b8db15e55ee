// The --emit=lib pipeline (EmitLib.h): lowering of one model, verification
// after each stage, the passes of the -O level, then the library's files.
#include "driver/EmitLib.h"

#include <iostream>

#include "codegen/Library.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "lower/Lower.h"
#include "passes/Pass.h"

namespace dlc {

namespace {
bool verified(const ir::Module &module, const char *after) {
  auto problems = ir::verify(module);
  for (auto &p : problems) std::cerr << "dlc: internal error: invalid IR after " << after << ": " << p << "\n";
  return problems.empty();
}
}  // namespace

int emitLibrary(const sema::Program &program, const SourceManager &sources, DiagnosticEngine &diags,
                const LibraryOptions &options) {
  if (options.output.empty()) {
    diags.report(Severity::Error, SourceLoc{}, SourceRange{}, "--emit=lib needs the library's name: -o libNAME.a");
    return 1;
  }
  ir::LibraryInterface lib;
  lib.sourcePath = options.input;
  auto module = lower::lowerLibrary(program, sources, diags, options.model, lib);
  if (!module) return 1;
  if (!verified(*module, "lowering")) return 1;
  for (const passes::Pass &pass : passes::pipelineFor(options.optLevel)) {
    pass.run(*module);
    if (!verified(*module, pass.name)) return 1;
    if (options.printAfter == pass.name) {
      std::cout << "// after " << pass.name << "\n";
      ir::print(*module, std::cout);
    }
  }
  codegen::CodegenOptions codegen;
  codegen.emit = "lib";
  codegen.output = options.output;
  codegen.optLevel = options.optLevel;
  codegen.sanitize = options.sanitize;
  return codegen::compileLibrary(*module, lib, codegen, diags) ? 0 : 1;
}

}  // namespace dlc
