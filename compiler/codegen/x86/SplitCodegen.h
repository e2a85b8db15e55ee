// An executable's object code generated on two threads: LLVM's code
// generation (instruction selection, register allocation) takes a third of
// `dlc digits.dl -o digits` and works one function at a time. After the
// -O pipeline has run on the whole module, its functions are dealt into two
// halves of about equal size (by instructions, largest first); local symbols
// become hidden external ones so that the halves link together. The module
// is copied through bitcode, use-lists in their order, into a second
// LLVMContext; each copy drops the other half's bodies, and the second is
// compiled on a second thread while this one compiles the first. Each
// function's machine code is what a single object would hold (a copy that
// reordered use-lists changed some functions' register allocation).
#pragma once

#include <string>
#include <vector>

#include <llvm/ADT/SmallString.h>

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace dlc::codegen::x86 {

// ELF objects for `module` (optimised; `machine` made for -O<optLevel>):
// two, or one when the machine has one core, $DLC_CODEGEN_THREADS is 1, or
// the module cannot be split
// (comdats, ifuncs or aliases, which must stay with what they name, or a
// single function). `module` is left holding the first half.
bool emitObjectsSplit(llvm::Module &module, llvm::TargetMachine &machine, int optLevel,
                      std::vector<llvm::SmallString<0>> *objects, std::string *error);

}  // namespace dlc::codegen::x86
