// Math functions written into the program's module as LLVM IR, so that a
// loop calling them still vectorises: each is an internal, always-inlined
// function with exactly the operations of its dl_runtime twin
// (runtime/core/Math.cpp), so the bits do not change.
#pragma once

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

namespace dlc::codegen::x86 {

// float dlc.math.exp.f32(float): SLEEF's expf_u10, as dl_math_exp_f32 and
// torch's Sleef_expf8_u10 compute it. Created in `module` on first use.
llvm::Function *expF32(llvm::Module &module);

}  // namespace dlc::codegen::x86
