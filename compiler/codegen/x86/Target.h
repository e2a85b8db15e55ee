// The x86-64 target: a TargetMachine for x86-64-v3 (AVX2, FMA), the -O
// pipeline of LLVM's new pass manager, and object/assembly emission. Kept
// apart from the emitter because these LLVM headers are slow to compile.
#pragma once

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
class raw_pwrite_stream;
}  // namespace llvm

namespace dlc::codegen::x86 {

inline constexpr const char *kTriple = "x86_64-pc-linux-gnu";
inline constexpr const char *kCpu = "x86-64-v3";

// Null (with *error set) when LLVM lacks the X86 target.
std::unique_ptr<llvm::TargetMachine> createTargetMachine(int optLevel, std::string *error);

// Runs the default per-module pipeline for -O<optLevel> (0..3). With
// `sanitize`, every function is then instrumented by AddressSanitizer, as
// clang -fsanitize=address would (the executable must link ASan's runtime).
void optimize(llvm::Module &module, llvm::TargetMachine &machine, int optLevel, bool sanitize = false);

// Writes assembly text or an ELF object.
bool emitCode(llvm::Module &module, llvm::TargetMachine &machine, bool assembly, llvm::raw_pwrite_stream &out,
              std::string *error);

}  // namespace dlc::codegen::x86
