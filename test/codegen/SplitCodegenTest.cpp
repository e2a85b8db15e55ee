// x86::emitObjectsSplit: a module's functions are dealt into two objects
// (on a machine with two or more cores) that link together: every function
// is defined in exactly one of them, each symbol one object uses and does
// not define is defined by the other, and local symbols, now shared, are
// hidden so that the executable does not export them.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/x86/SplitCodegen.h"
#include "codegen/x86/Target.h"

namespace {

// i32 entry() = big() + small(), both internal; big() reads a private
// global and holds more instructions than small().
std::unique_ptr<llvm::Module> threeFunctions(llvm::LLVMContext &context, const llvm::DataLayout &layout) {
  auto module = std::make_unique<llvm::Module>("split-test", context);
  module->setDataLayout(layout);
  module->setTargetTriple(dlc::codegen::x86::kTriple);
  llvm::IRBuilder<> b(context);
  auto *i32 = b.getInt32Ty();
  auto *fnTy = llvm::FunctionType::get(i32, false);
  auto *table = new llvm::GlobalVariable(*module, i32, true, llvm::GlobalValue::PrivateLinkage, b.getInt32(7), "table");
  auto define = [&](const char *name, llvm::GlobalValue::LinkageTypes linkage) {
    auto *f = llvm::Function::Create(fnTy, linkage, name, *module);
    b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", f));
    return f;
  };
  llvm::Function *big = define("big", llvm::GlobalValue::InternalLinkage);
  llvm::Value *x = b.CreateLoad(i32, table);
  for (int i = 1; i <= 20; ++i) x = b.CreateXor(b.CreateMul(x, b.getInt32(i + 2)), b.CreateLoad(i32, table, true));
  b.CreateRet(x);
  llvm::Function *small = define("small", llvm::GlobalValue::InternalLinkage);
  b.CreateRet(b.getInt32(3));
  define("entry", llvm::GlobalValue::ExternalLinkage);
  b.CreateRet(b.CreateAdd(b.CreateCall(big), b.CreateCall(small)));
  return module;
}

struct Symbols {
  std::set<std::string> defined, undefined, hidden;
};

Symbols symbolsOf(const llvm::SmallString<0> &object) {
  Symbols out;
  auto file = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "half"));
  EXPECT_TRUE(static_cast<bool>(file));
  if (!file) {
    llvm::consumeError(file.takeError());
    return out;
  }
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(file->get());
  for (const llvm::object::ELFSymbolRef &symbol : elf->symbols()) {
    auto name = symbol.getName();
    auto flags = symbol.getFlags();
    if (!name || name->empty() || !flags) {
      if (!name) llvm::consumeError(name.takeError());
      if (!flags) llvm::consumeError(flags.takeError());
      continue;
    }
    if (!(*flags & llvm::object::SymbolRef::SF_Global)) continue;
    bool undefined = *flags & llvm::object::SymbolRef::SF_Undefined;
    (undefined ? out.undefined : out.defined).insert(name->str());
    if (!undefined && symbol.getOther() == llvm::ELF::STV_HIDDEN) out.hidden.insert(name->str());
  }
  return out;
}

TEST(SplitCodegen, HalvesThatLinkTogether) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = dlc::codegen::x86::createTargetMachine(2, &error);
  ASSERT_TRUE(machine) << error;
  llvm::LLVMContext context;
  auto module = threeFunctions(context, machine->createDataLayout());
  std::vector<llvm::SmallString<0>> objects;
  ASSERT_TRUE(dlc::codegen::x86::emitObjectsSplit(*module, *machine, 2, &objects, &error)) << error;
  if (std::thread::hardware_concurrency() < 2) {
    EXPECT_EQ(objects.size(), 1u);
    return;
  }
  ASSERT_EQ(objects.size(), 2u);
  Symbols first = symbolsOf(objects[0]), second = symbolsOf(objects[1]);
  std::map<std::string, int> definitions;
  for (const Symbols *half : {&first, &second})
    for (const std::string &name : half->defined) ++definitions[name];
  for (const char *function : {"entry", "big", "small"}) EXPECT_EQ(definitions[function], 1) << function;
  // big, the largest, is dealt first and stays here; the others go to the
  // lighter half, the second.
  EXPECT_TRUE(first.defined.count("big"));
  EXPECT_TRUE(second.defined.count("entry"));
  EXPECT_TRUE(second.undefined.count("big"));
  for (const auto &[user, other] : {std::pair{&first, &second}, std::pair{&second, &first}})
    for (const std::string &name : user->undefined) EXPECT_TRUE(other->defined.count(name)) << name;
  // The locals (big, small and the private table) are shared now, hidden.
  for (const char *local : {"big", "small", "table"}) {
    EXPECT_TRUE(first.hidden.count(local) || second.hidden.count(local)) << local;
  }
  EXPECT_FALSE(first.hidden.count("entry") || second.hidden.count("entry"));
}

}  // namespace
