#include "codegen/nvptx/Target.h"

#include <cstdlib>
#include <mutex>
#include <vector>

#include <unistd.h>

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Linker/Linker.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

namespace dlc::codegen::nvptx {

namespace {

std::string findLibdevice() {
  std::vector<std::string> candidates;
  if (const char *p = std::getenv("DLC_LIBDEVICE"); p && *p) candidates.push_back(p);
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *p = std::getenv(var); p && *p) candidates.push_back(std::string(p) + "/nvvm/libdevice/libdevice.10.bc");
  candidates.push_back("/usr/local/cuda/nvvm/libdevice/libdevice.10.bc");
  candidates.push_back("/usr/lib/nvidia-cuda-toolkit/libdevice/libdevice.10.bc");
  candidates.push_back("/usr/lib/cuda/nvvm/libdevice/libdevice.10.bc");
  for (const std::string &c : candidates)
    if (::access(c.c_str(), R_OK) == 0) return c;
  return "";
}

bool needsLibdevice(const llvm::Module &module) {
  for (const llvm::Function &f : module)
    if (f.isDeclaration() && f.getName().starts_with("__nv_")) return true;
  return false;
}

bool linkLibdevice(llvm::Module &module, std::string *error) {
  std::string path = findLibdevice();
  if (path.empty()) {
    *error = "the cuda target needs libdevice.10.bc (CUDA toolkit) for exp, log, tanh, sin, cos, pow and fmod; "
             "set DLC_LIBDEVICE or CUDA_HOME";
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    *error = "cannot read '" + path + "': " + buffer.getError().message();
    return false;
  }
  auto libdevice = llvm::parseBitcodeFile(buffer.get()->getMemBufferRef(), module.getContext());
  if (!libdevice) {
    *error = "cannot parse '" + path + "': " + llvm::toString(libdevice.takeError());
    return false;
  }
  (*libdevice)->setTargetTriple(module.getTargetTriple());
  (*libdevice)->setDataLayout(module.getDataLayout());
  if (llvm::Linker::linkModules(module, std::move(*libdevice), llvm::Linker::LinkOnlyNeeded)) {
    *error = "cannot link '" + path + "' into the kernels";
    return false;
  }
  // Only the kernels are entry points: the rest may be inlined and dropped.
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && f.getCallingConv() != llvm::CallingConv::PTX_Kernel)
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  return true;
}

}  // namespace

bool compileToPtx(llvm::Module &module, int optLevel, std::string *ptx, std::string *error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  std::string lookupError;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kTriple, lookupError);
  if (!target) {
    *error = "LLVM has no NVPTX target: " + lookupError;
    return false;
  }
  llvm::TargetOptions options;
  // a*b+c may become one FMA (the kernels' instructions carry `contract`), as nvcc does.
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  llvm::CodeGenOptLevel level = optLevel <= 0 ? llvm::CodeGenOptLevel::None : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(kTriple, kCpu, "+ptx78", options, std::nullopt, std::nullopt, level));
  if (!machine) {
    *error = "cannot create a target machine for " + std::string(kCpu);
    return false;
  }
  module.setDataLayout(machine->createDataLayout());
  if (needsLibdevice(module) && !linkLibdevice(module, error)) return false;

  {
    llvm::LoopAnalysisManager loops;
    llvm::FunctionAnalysisManager functions;
    llvm::CGSCCAnalysisManager cgscc;
    llvm::ModuleAnalysisManager modules;
    llvm::PassBuilder builder(machine.get());
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(cgscc);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, cgscc, modules);
    // Even at -O0 the libdevice calls must be inlined and __nvvm_reflect folded: O1 at least.
    llvm::OptimizationLevel opt = optLevel <= 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
    builder.buildPerModuleDefaultPipeline(opt).run(module, modules);
  }

  llvm::SmallString<0> text;
  llvm::raw_svector_ostream stream(text);
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, stream, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    *error = "the NVPTX target cannot emit PTX";
    return false;
  }
  passes.run(module);
  ptx->assign(text.data(), text.size());
  return true;
}

}  // namespace dlc::codegen::nvptx
