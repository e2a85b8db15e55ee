// dlc: the compiler driver. The pipeline is the explicit list below; each
// --emit= stops after its stage and prints it.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ast/ASTPrinter.h"
#include "autodiff/Autodiff.h"
#include "codegen/Codegen.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "lower/Lower.h"
#include "driver/EmitLib.h"
#include "driver/Frontend.h"
#include "lsp/Server.h"
#include "passes/Pass.h"
#include "parse/Parser.h"

namespace {

struct Options {
  std::string input;
  std::string output;
  std::string emit;
  std::string target = "cpu";
  bool check = false;
  bool sanitize = dlc::codegen::runtimeIsSanitized();
  int optLevel = 2;
  std::string printAfter;  // a pass name: print the IR after it
  std::string libModel;    // --lib-model: the model --emit=lib exports
  dlc::FrontendOptions frontend;
};

// The IR invariants after a stage; a failure is a compiler bug.
bool verified(const dlc::ir::Module &module, const char *after) {
  auto problems = dlc::ir::verify(module);
  for (auto &p : problems) std::cerr << "dlc: internal error: invalid IR after " << after << ": " << p << "\n";
  return problems.empty();
}

// The stages after the front end, in order; each --emit= stops after its own.
int runBackEnd(std::unique_ptr<dlc::ir::Module> module, const Options &options, dlc::DiagnosticEngine &diags) {
  if (!verified(*module, "lowering")) return 1;
  if (options.emit == "ir") {
    dlc::ir::print(*module, std::cout);
    return 0;
  }
  if (!dlc::autodiff::differentiate(*module, diags)) return 1;
  if (!verified(*module, "autodiff")) return 1;
  if (options.emit == "ir-grad") {
    dlc::ir::print(*module, std::cout);
    return 0;
  }
  bool printed = false;
  const bool cuda = options.target == "cuda" || options.emit == "ptx" || options.emit == "kernels-emu";
  for (const dlc::passes::Pass &pass : cuda ? dlc::passes::cudaPipelineFor(options.optLevel)
                                            : dlc::passes::pipelineFor(options.optLevel)) {
    pass.run(*module);
    if (!verified(*module, pass.name)) return 1;
    if (options.printAfter == pass.name) {
      std::cout << "// after " << pass.name << "\n";
      dlc::ir::print(*module, std::cout);
      printed = true;
    }
  }
  if (!options.printAfter.empty() && !printed) {  // -O0: the IR the pass would have started from
    std::cout << "// after " << options.printAfter << " (not run at -O" << options.optLevel << ")\n";
    dlc::ir::print(*module, std::cout);
  }
  if (options.emit == "ir-opt") {
    dlc::ir::print(*module, std::cout);
    return 0;
  }
  dlc::codegen::CodegenOptions codegen;
  codegen.emit = options.emit;
  codegen.target = cuda ? "cuda" : "cpu";
  codegen.output = options.output;
  codegen.sanitize = options.sanitize;
  codegen.optLevel = options.optLevel;
  if (options.emit.empty() && options.output.empty()) {
    std::string base = std::filesystem::path(options.input).stem().string();
    codegen.output = base.empty() ? "a.out" : base;
  }
  if (options.emit == "obj" && options.output.empty()) {
    std::cerr << "dlc: error: --emit=obj needs -o FILE\n";
    return 1;
  }
  return dlc::codegen::compileModule(*module, codegen, diags, std::cout) ? 0 : 1;
}

// A textual IR file (.ir) enters the pipeline after lowering.
int compileIr(const Options &options) {
  if (options.emit == "lib") {
    std::cerr << "dlc: error: --emit=lib needs a .dl program (its model and forward), not IR\n";
    return 1;
  }
  std::ifstream in(options.input, std::ios::binary);
  if (!in) {
    std::cerr << "dlc: error: cannot open '" << options.input << "'\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto module = dlc::ir::parse(text.str(), &error);
  if (!module) {
    std::cerr << options.input << ": error: " << error << "\n";
    return 1;
  }
  dlc::SourceManager sources;
  dlc::DiagnosticEngine diags(sources);
  int status = runBackEnd(std::move(module), options, diags);
  diags.render(std::cerr);
  return status;
}

int compile(const Options &options) {
  if (options.input.size() > 3 && options.input.substr(options.input.size() - 3) == ".ir") return compileIr(options);
  dlc::Compilation compilation(options.frontend);

  if (options.emit == "tokens") {
    std::string why;
    const dlc::SourceFile *file = compilation.sources.loadFile(options.input, &why);
    if (!file) {
      std::cerr << "dlc: error: " << why << "\n";
      return 1;
    }
    bool ok = dlc::parse::dumpTokens(*file, compilation.diags, std::cout);
    compilation.diags.render(std::cerr);
    return ok ? 0 : 1;
  }

  bool ok = compilation.run(options.input);
  compilation.diags.render(std::cerr);
  if (!ok) return 1;
  compilation.diags.clear();  // warnings are out; later stages report afresh

  if (options.emit == "ast") {
    dlc::ast::printProgram(*compilation.program, compilation.sources, std::cout);
    return 0;
  }
  if (options.check) return 0;
  if (options.emit == "lib") {
    int status = dlc::emitLibrary(*compilation.program, compilation.sources, compilation.diags,
                                  {options.input, options.output, options.libModel, options.optLevel, options.sanitize,
                                   options.printAfter});
    compilation.diags.render(std::cerr);
    return status;
  }

  auto module = dlc::lower::lowerProgram(*compilation.program, compilation.sources, compilation.diags);
  compilation.diags.render(std::cerr);
  if (!module) return 1;
  compilation.diags.clear();
  int status = runBackEnd(std::move(module), options, compilation.diags);
  compilation.diags.render(std::cerr);
  return status;
}

}  // namespace

int main(int argc, char **argv) {
  // `dlc lsp`: the language server on stdio (editors pass no other arguments we need).
  if (argc > 1 && std::string(argv[1]) == "lsp") return dlc::lsp::runServer(std::cin, std::cout);
  CLI::App app{"dlc: the compiler for the DL deep-learning language"};
  app.set_version_flag("--version", std::string("dlc ") + DLC_VERSION);
  Options options;
  app.add_option("file", options.input, "the .dl program to compile (or a .ir file from --emit=ir)")->required();
  app.add_option("-o", options.output, "where to write the executable");
  app.add_flag("--check", options.check, "report diagnostics only");
  app.add_option("--emit", options.emit, "print a stage instead of compiling: tokens, ast, ir, ir-grad, ir-opt, llvm, asm, obj (obj needs -o), lib (a static library and its C header: -o libNAME.a), ptx (the CUDA kernels; kernels-emu: the same built for the host, for tests)")
      ->check(CLI::IsMember({"tokens", "ast", "ir", "ir-grad", "ir-opt", "llvm", "asm", "obj", "lib", "ptx", "kernels-emu"}));
  app.add_option("--lib-model", options.libModel, "with --emit=lib: the top-level model to export (`let NAME = ...`)");
  app.add_option("--target", options.target,
                 "cpu (default), or cuda: the program also carries PTX kernels and runs them on an NVIDIA GPU "
                 "when one is usable, on the CPU otherwise")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("-I", options.frontend.includeDirs, "a folder where 'use' looks for files");
  app.add_option("--stdlib", options.frontend.stdlibDir, "read the standard library from this folder");
  std::vector<std::string> passNames;
  std::string passHelp = "print the IR after this pass (as it runs at the -O level):";
  for (const dlc::passes::Pass &pass : dlc::passes::allPasses()) {
    passNames.push_back(pass.name);
    passHelp += std::string(" ") + pass.name + " (" + pass.description + ")";
  }
  app.add_option("--print-after", options.printAfter, passHelp)->check(CLI::IsMember(passNames));
  app.add_option("-O", options.optLevel, "optimisation level of the generated code, 0 to 3 (default 2)")
      ->check(CLI::Range(0, 3));
  app.add_flag("--sanitize,!--no-sanitize", options.sanitize,
               "instrument the program with AddressSanitizer and link ASan+UBSan (default: on when dlc "
               "itself is a sanitizer build; otherwise set DLC_LINKER=clang++-19)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  return dlc::runWithLargeStack([&] { return compile(options); });
}
