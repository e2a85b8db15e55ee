#include "codegen/x86/Target.h"

#include <mutex>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/Transforms/Instrumentation/AddressSanitizer.h>

namespace dlc::codegen::x86 {

std::unique_ptr<llvm::TargetMachine> createTargetMachine(int optLevel, std::string *error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
  });
  std::string lookupError;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kTriple, lookupError);
  if (!target) {
    *error = "LLVM has no x86-64 target: " + lookupError;
    return nullptr;
  }
  llvm::TargetOptions options;
  // PyTorch's numbers need every a*b+c rounded twice: never fuse into FMA.
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  llvm::CodeGenOptLevel level = optLevel <= 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(kTriple, kCpu, "", options, llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine) *error = "cannot create a target machine for " + std::string(kCpu);
  return machine;
}

void optimize(llvm::Module &module, llvm::TargetMachine &machine, int optLevel, bool sanitize) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgscc);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgscc, modules);
  llvm::OptimizationLevel level = optLevel <= 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager pipeline = level == llvm::OptimizationLevel::O0
                                         ? builder.buildO0DefaultPipeline(level)
                                         : builder.buildPerModuleDefaultPipeline(level);
  if (sanitize) {
    // As clang does, instrument after optimising: the checks guard the loads
    // and stores that remain. ASan only touches functions that ask for it.
    for (llvm::Function &function : module)
      if (!function.isDeclaration()) function.addFnAttr(llvm::Attribute::SanitizeAddress);
    pipeline.addPass(llvm::AddressSanitizerPass(llvm::AddressSanitizerOptions{}));
  }
  pipeline.run(module, modules);
}

bool emitCode(llvm::Module &module, llvm::TargetMachine &machine, bool assembly, llvm::raw_pwrite_stream &out,
              std::string *error) {
  llvm::legacy::PassManager passes;
  auto kind = assembly ? llvm::CodeGenFileType::AssemblyFile : llvm::CodeGenFileType::ObjectFile;
  if (machine.addPassesToEmitFile(passes, out, nullptr, kind)) {
    *error = "the x86-64 target cannot emit this file type";
    return false;
  }
  passes.run(module);
  return true;
}

}  // namespace dlc::codegen::x86
