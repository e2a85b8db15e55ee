// fuse-matmul-epilogue: a rank-2 matrix product whose only reader is an
// elementwise op or a fused elementwise kernel of the same shape (a bias
// add, an activation, the activation's backward mask applied to an incoming
// gradient) becomes one kernel with it: a Fused op whose body starts with
// the matmul, then the elementwise ops that read its result.
//
// Codegen (codegen/x86/EmitEpilogue.cpp) writes the product straight into
// the kernel's result and applies the rest to each block of rows as soon as
// the GEMM finishes it, on the thread that computed it, so the product is
// never written out and read back as a separate tensor pass. Taken: float
// products of float matrices of one dtype (the generated GEMM's path) whose
// reader gives a result of the product's shape and dtype, computes only in
// float and bool, and reads besides the product only values that broadcast
// to it without run-time checks (each dimension 1 or the product's own).
// Every element is computed by the same operations as before: fusing never
// changes a number.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createFuseMatmulEpiloguePass();

}  // namespace dlc::passes
