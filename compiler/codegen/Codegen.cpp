// compileModule: the back end's pipeline as one explicit list —
//   emit LLVM IR (x86/Emitter) → verify → optimise (-O<n>) → print it, or
//   emit assembly / an object (x86/Target) → link with dl_runtime.
#include "codegen/Codegen.h"

#include <cstdio>

#include <llvm/ADT/SmallString.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/common/Output.h"
#include "codegen/x86/Emitter.h"
#include "codegen/x86/Target.h"

namespace dlc::codegen {

namespace {

bool fail(DiagnosticEngine &diags, const std::string &message) {
  diags.report(Severity::Error, SourceLoc{}, SourceRange{}, message);
  return false;
}

// LLVM IR or assembly text: to `out`, or to opts.output when it is set.
bool writeText(const std::string &text, const CodegenOptions &opts, DiagnosticEngine &diags, std::ostream &out) {
  if (opts.output.empty() || opts.output == "-") {
    out << text;
    return true;
  }
  std::string error;
  return writeFileAtomically(opts.output, text, &error) || fail(diags, error);
}

}  // namespace

bool compileModule(const ir::Module &m, const CodegenOptions &opts, DiagnosticEngine &diags, std::ostream &out) {
  const std::string &emit = opts.emit;
  if (emit != "llvm" && emit != "asm" && emit != "obj" && !emit.empty())
    return fail(diags, "unknown output kind '" + emit + "' (expected llvm, asm or obj)");
  if ((emit == "obj" || emit.empty()) && opts.output.empty())
    return fail(diags, emit.empty() ? "an executable needs an output file (-o)" : "an object needs an output file (-o)");

  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = x86::createTargetMachine(opts.optLevel, &error);
  if (!machine) return fail(diags, error);

  llvm::LLVMContext context;
  x86::Emitter emitter(m, context, diags);
  std::unique_ptr<llvm::Module> module = emitter.run(machine->createDataLayout(), x86::kTriple);
  if (!module) return false;
  std::string problems;
  llvm::raw_string_ostream problemStream(problems);
  if (llvm::verifyModule(*module, &problemStream))
    return fail(diags, "internal error in code generation: invalid LLVM IR: " + problems);
  x86::optimize(*module, *machine, opts.optLevel, opts.sanitize);

  if (emit == "llvm") {
    std::string text;
    llvm::raw_string_ostream stream(text);
    module->print(stream, nullptr);
    return writeText(text, opts, diags, out);
  }
  llvm::SmallString<0> code;
  llvm::raw_svector_ostream codeStream(code);
  if (!x86::emitCode(*module, *machine, emit == "asm", codeStream, &error)) return fail(diags, error);
  std::string_view bytes(code.data(), code.size());
  if (emit == "asm") return writeText(std::string(bytes), opts, diags, out);
  if (emit == "obj") return writeFileAtomically(opts.output, bytes, &error) || fail(diags, error);

  // An executable: a temporary object next to the output, linked, removed.
  std::string object = temporaryPathFor(opts.output) + ".o";
  bool ok = writeFileAtomically(object, bytes, &error) && linkExecutable(object, opts.output, opts.sanitize, &error);
  std::remove(object.c_str());
  return ok || fail(diags, error);
}

}  // namespace dlc::codegen
