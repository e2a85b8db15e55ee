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
#include "codegen/nvptx/HostLaunch.h"
#include "codegen/nvptx/Kernels.h"
#include "codegen/nvptx/Target.h"
#include "codegen/x86/TransposeViews.h"
#include "codegen/x86/Emitter.h"
#include "codegen/x86/SplitCodegen.h"
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

// --emit=kernels-emu (tests only): the cuda target's kernels built for the
// host, as an object for test/lit/cuda/Inputs/emu_libcuda.cpp (Kernels.h).
bool emitEmulatedKernels(const ir::Module &m, const CodegenOptions &opts, DiagnosticEngine &diags) {
  if (opts.output.empty()) return fail(diags, "--emit=kernels-emu needs an output file (-o)");
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = x86::createTargetMachine(2, &error);
  if (!machine) return fail(diags, error);
  llvm::LLVMContext context;
  nvptx::KernelTable kernels;
  std::unique_ptr<llvm::Module> module =
      nvptx::buildKernels(m, x86::findTransposeViews(m), context, &kernels, &error, /*emulate=*/true);
  if (!module) return fail(diags, error);
  module->setDataLayout(machine->createDataLayout());
  std::string problems;
  llvm::raw_string_ostream problemStream(problems);
  if (llvm::verifyModule(*module, &problemStream))
    return fail(diags, "internal error in code generation: invalid emulated kernels: " + problems);
  x86::optimize(*module, *machine, 2);
  llvm::SmallString<0> code;
  llvm::raw_svector_ostream codeStream(code);
  if (!x86::emitCode(*module, *machine, false, codeStream, &error)) return fail(diags, error);
  return writeFileAtomically(opts.output, std::string_view(code.data(), code.size()), &error) || fail(diags, error);
}

}  // namespace

bool compileModule(const ir::Module &m, const CodegenOptions &opts, DiagnosticEngine &diags, std::ostream &out) {
  const std::string &emit = opts.emit;
  if (emit == "kernels-emu") return emitEmulatedKernels(m, opts, diags);
  if (emit != "llvm" && emit != "asm" && emit != "obj" && emit != "ptx" && !emit.empty())
    return fail(diags, "unknown output kind '" + emit + "' (expected llvm, asm, obj or ptx)");
  if (opts.target != "cpu" && opts.target != "cuda")
    return fail(diags, "unknown target '" + opts.target + "' (expected cpu or cuda)");
  if ((emit == "obj" || emit.empty()) && opts.output.empty())
    return fail(diags, emit.empty() ? "an executable needs an output file (-o)" : "an object needs an output file (-o)");

  std::string error;
  // --target=cuda: the kernels first (codegen/nvptx), as PTX for main to carry.
  const bool cuda = opts.target == "cuda" || emit == "ptx";
  nvptx::KernelTable kernels;
  std::string ptx;
  if (cuda) {
    llvm::LLVMContext deviceContext;
    std::unique_ptr<llvm::Module> device =
        nvptx::buildKernels(m, x86::findTransposeViews(m), deviceContext, &kernels, &error);
    if (!device) return fail(diags, error);
    std::string problems;
    llvm::raw_string_ostream problemStream(problems);
    if (llvm::verifyModule(*device, &problemStream))
      return fail(diags, "internal error in code generation: invalid NVPTX kernels: " + problems);
    if (!nvptx::compileToPtx(*device, opts.optLevel, &ptx, &error)) return fail(diags, error);
    if (emit == "ptx") return writeText(ptx, opts, diags, out);
  }

  std::unique_ptr<llvm::TargetMachine> machine = x86::createTargetMachine(opts.optLevel, &error);
  if (!machine) return fail(diags, error);

  llvm::LLVMContext context;
  x86::Emitter emitter(m, context, diags);
  nvptx::DeviceLauncher launcher(emitter, kernels, ptx);
  if (cuda) emitter.setDevice(&launcher);
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
  if (emit == "asm" || emit == "obj") {
    llvm::SmallString<0> code;
    llvm::raw_svector_ostream codeStream(code);
    if (!x86::emitCode(*module, *machine, emit == "asm", codeStream, &error)) return fail(diags, error);
    std::string_view bytes(code.data(), code.size());
    if (emit == "asm") return writeText(std::string(bytes), opts, diags, out);
    return writeFileAtomically(opts.output, bytes, &error) || fail(diags, error);
  }

  // An executable: its objects (two halves, generated on two threads, when
  // it can be split: x86::emitObjectsSplit) written next to the output,
  // linked, removed. A sanitized module keeps its instrumentation's
  // constructors and globals together in one object.
  std::vector<llvm::SmallString<0>> codes(1);
  if (opts.sanitize) {
    llvm::raw_svector_ostream codeStream(codes[0]);
    if (!x86::emitCode(*module, *machine, false, codeStream, &error)) return fail(diags, error);
  } else if (!x86::emitObjectsSplit(*module, *machine, opts.optLevel, &codes, &error)) {
    return fail(diags, error);
  }
  std::vector<std::string> objects;
  bool ok = true;
  for (const llvm::SmallString<0> &code : codes) {
    objects.push_back(temporaryPathFor(opts.output) + ".o");
    ok = ok && writeFileAtomically(objects.back(), std::string_view(code.data(), code.size()), &error);
  }
  ok = ok && linkExecutable(objects, opts.output, opts.sanitize, &error);
  for (const std::string &object : objects) std::remove(object.c_str());
  return ok || fail(diags, error);
}

}  // namespace dlc::codegen
