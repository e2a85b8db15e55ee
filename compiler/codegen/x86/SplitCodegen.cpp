// An executable's object code in two halves, generated on two threads (see
// SplitCodegen.h).
#include "codegen/x86/SplitCodegen.h"

#include "codegen/x86/Target.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <llvm/ADT/StringSet.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace dlc::codegen::x86 {

namespace {

// Instructions in a function: the measure of its code generation's cost.
size_t instructionCount(const llvm::Function &f) {
  size_t n = 0;
  for (const llvm::BasicBlock &block : f) n += block.size();
  return n;
}

// Makes every symbol the two halves may share linkable between them: local
// ones become external and hidden (not exported from the executable; their
// names are already unique in the module), unnamed ones get a name.
void externalizeLocals(llvm::Module &module) {
  unsigned anonymous = 0;
  auto externalize = [&](llvm::GlobalValue &value) {
    if (value.isDeclaration()) return;
    if (!value.hasName()) value.setName("dlc.anon." + std::to_string(anonymous++));
    if (value.hasLocalLinkage()) {
      value.setLinkage(llvm::GlobalValue::ExternalLinkage);
      value.setVisibility(llvm::GlobalValue::HiddenVisibility);
    }
  };
  for (llvm::Function &f : module) externalize(f);
  for (llvm::GlobalVariable &g : module.globals()) externalize(g);
  for (llvm::GlobalAlias &a : module.aliases()) externalize(a);
}

// Whether the module can be split here: no comdats or ifuncs, whose members
// would have to stay together.
bool splittable(const llvm::Module &module) {
  if (!module.getComdatSymbolTable().empty() || !module.ifunc_empty()) return false;
  for (const llvm::GlobalAlias &a : module.aliases())
    if (!a.isDeclaration()) return false;
  return true;
}

}  // namespace

bool emitObjectsSplit(llvm::Module &module, llvm::TargetMachine &machine, int optLevel,
                      std::vector<llvm::SmallString<0>> *objects, std::string *error) {
  objects->clear();
  std::vector<std::pair<size_t, llvm::Function *>> functions;
  for (llvm::Function &f : module)
    if (!f.isDeclaration()) functions.push_back({instructionCount(f), &f});
  // DLC_CODEGEN_THREADS=1 keeps one object (test/lit/driver/split-codegen.test
  // compares the two executables function by function).
  const char *threads = std::getenv("DLC_CODEGEN_THREADS");
  bool one = threads && std::string(threads) == "1";
  if (one || std::thread::hardware_concurrency() < 2 || functions.size() < 2 || !splittable(module)) {
    objects->emplace_back();
    llvm::raw_svector_ostream stream(objects->back());
    return emitCode(module, machine, false, stream, error);
  }
  externalizeLocals(module);
  // Largest first, each to the lighter half. Global variables are defined
  // in the first half, whose code generation runs on this thread.
  std::stable_sort(functions.begin(), functions.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
  llvm::StringSet<> second;  // the second half's functions, by name
  size_t load[2] = {0, 0};
  for (auto &[size, f] : functions) {
    bool toSecond = load[1] < load[0];
    load[toSecond] += size;
    if (toSecond) second.insert(f->getName());
  }
  // The whole module goes through bitcode (use-list order kept, so each
  // function's code is what it would be unsplit); each side then drops the
  // bodies of the other half.
  llvm::SmallVector<char, 0> bitcode;
  {
    llvm::raw_svector_ostream stream(bitcode);
    llvm::WriteBitcodeToFile(module, stream, /*ShouldPreserveUseListOrder=*/true);
  }
  for (auto &[size, f] : functions)
    if (second.contains(f->getName())) f->deleteBody();

  // The second half in its own context on another thread (an LLVMContext is
  // not shared between threads), the first here.
  objects->resize(2);
  std::string secondError;
  bool secondOk = false;
  std::thread worker([&] {
    llvm::LLVMContext context;
    auto parsed = llvm::parseBitcodeFile(llvm::MemoryBufferRef(llvm::StringRef(bitcode.data(), bitcode.size()), "half"),
                                         context);
    if (!parsed) {
      secondError = "internal error in code generation: " + llvm::toString(parsed.takeError());
      return;
    }
    std::unique_ptr<llvm::TargetMachine> own = createTargetMachine(optLevel, &secondError);
    if (!own) return;
    for (llvm::Function &f : **parsed)
      if (!f.isDeclaration() && !second.contains(f.getName())) f.deleteBody();
    for (llvm::GlobalVariable &g : (*parsed)->globals())
      if (!g.isDeclaration()) {
        g.setInitializer(nullptr);
        g.setLinkage(llvm::GlobalValue::ExternalLinkage);
      }
    llvm::raw_svector_ostream stream((*objects)[1]);
    secondOk = emitCode(**parsed, *own, false, stream, &secondError);
  });
  llvm::raw_svector_ostream stream((*objects)[0]);
  bool firstOk = emitCode(module, machine, false, stream, error);
  worker.join();
  if (!firstOk) return false;
  if (!secondOk) *error = secondError;
  return secondOk;
}

}  // namespace dlc::codegen::x86
