// The back end's entry point: tensor IR → LLVM IR → optimised (-O2, the new
// pass manager) → x86-64-v3 object → linked with dl_runtime into one
// standalone executable. Every stage can be printed instead (--emit=).
//
// The IR it gets has no Grad or Minimize ops (autodiff expanded them).
#pragma once

#include <ostream>
#include <string>

#include "ir/IR.h"
#include "support/Diagnostics.h"

namespace dlc::codegen {

// Whether dl_runtime was built with ASan+UBSan (DLC_SANITIZE): then every
// program must link their runtimes, so it is --sanitize's default.
bool runtimeIsSanitized();

struct CodegenOptions {
  std::string emit;    // "llvm", "asm", "obj", "ptx" (the kernels of --target=cuda), or "" for an executable
  std::string target = "cpu";  // "cpu", or "cuda": PTX kernels for NVIDIA GPUs too (codegen/nvptx)
  std::string output;  // the file to write; for llvm/asm, empty means `out`
  int optLevel = 2;    // 0..3
  // AddressSanitizer in the generated code and ASan+UBSan linked in (dlc
  // --sanitize; on by default in a sanitizer build, whose runtime needs them).
  bool sanitize = runtimeIsSanitized();
};

// Compiles `m`. LLVM IR and assembly go to `out` unless opts.output names a
// file; objects and executables need opts.output. Files are written under a
// temporary name in the same folder and renamed, so a failure leaves no
// partial output. Returns false after reporting the reason to `diags`.
bool compileModule(const ir::Module &m, const CodegenOptions &opts, DiagnosticEngine &diags,
                   std::ostream &out);

}  // namespace dlc::codegen
