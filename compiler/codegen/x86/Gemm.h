// The generated GEMM: C[M, N] = A[M, K] @ B[K, N] for contiguous row-major
// f32 or f64 matrices, emitted as LLVM IR into the program's module.
//
// C is cut into tiles of kGemmRows rows by two AVX2 vectors of columns (16
// f32 or 8 f64). A tile's accumulators stay in registers for the whole of
// a K block: each step broadcasts one element of A per row, loads one row of the B
// panel, and does 2 * rows fused multiply-adds. Tiles at the right edge use
// masked loads and stores; tiles at the bottom edge use a kernel made for
// their row count. Every element of C is therefore the same chain,
// fma(a[k], b[k], acc) for k = 0, 1, ... K-1 from acc = 0, whichever kernel
// or thread computes it: results do not depend on sizes, tiling or threads.
//
// A and B are read through strides, so either may be a transposed view of a
// row-major matrix (TransposeViews.h); C is contiguous. Rows are taken in
// blocks, K in blocks whose partial sums wait in C, and each block's strip
// of A and panel of B are packed (Gemm.cpp); none of this changes any
// element's chain.
//
// An epilogue may follow: a function given in the record, called with its
// own argument record, C and a block of C (rows [r0, r1), columns [c0, c1))
// once it holds its products, on the thread that computed them (so an
// elementwise op on the product runs while its block is in cache, and on
// every thread).
//
// The entry point is a dl_parallel_for task over blocks of kGemmRows rows,
// or, when the record's byColumns is not 0, over panels of kGemmColumns
// columns:
//   void dlc.gemm.<dtype>(ptr args, i64 firstBlock, i64 endBlock)
// with `args` pointing at a record {i64 M, N, K; ptr A, B, C; i64 rsA, csA,
// rsB, csB; ptr epilogue, epilogueArgs; i64 byColumns; ptr sharedB; i64
// blockBegin, blockEnd}: A[i][k] at A + i * rsA + k * csA, B[k][j] at B + k
// * rsB + j * csB; the task computes K blocks [blockBegin, min(blockEnd,
// blocks)) (0 and INT64_MAX for all); epilogue null for none, else
//   void epilogue(ptr epilogueArgs, ptr C, i64 r0, i64 r1, i64 c0, i64 c1)
// Splitting the columns suits a product with many more columns than rows
// (the forward pass's X @ W at a small batch): each thread then packs only
// its own panels of B, and the rows of A, which are fewer, are packed by
// each.
#pragma once

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "types/Type.h"

namespace dlc::codegen::x86 {

inline constexpr int kGemmRows = 6;
// Columns of a tile and of a panel of B: two AVX2 vectors of f32 (f64 tiles
// are half as wide, so an f64 task's panel holds two of its tiles).
inline constexpr int kGemmColumns = 16;

// { i64 M, i64 N, i64 K, ptr A, ptr B, ptr C, i64 rsA, i64 csA, i64 rsB, i64 csB,
//   ptr epilogue, ptr epilogueArgs, i64 byColumns, ptr sharedB,
//   i64 blockBegin, i64 blockEnd }
llvm::StructType *gemmArgsType(llvm::LLVMContext &context);

// void (ptr epilogueArgs, ptr C, i64 r0, i64 r1, i64 c0, i64 c1)
llvm::FunctionType *epilogueType(llvm::LLVMContext &context);

// The task for `dtype` (F32 or F64), created in `module` on first use.
llvm::Function *gemmTask(llvm::Module &module, DType dtype);

// B packed once for every thread: when the record's sharedB is not null,
// the task reads B's packed panels from it instead of packing its own. B is
// shared in phases of K blocks (all of them when B is small enough to stay
// in the caches, else one): for each phase the caller sets the record's
// blockBegin and blockEnd, fills the buffer by a dl_parallel_for of the
// share task over the phase's units (a K block by a column panel each),
//   void dlc.gemm.<dtype>.share(ptr args, i64 firstUnit, i64 endUnit)
// then runs the task over the phase. The epilogue runs in the last phase.
struct SharedB {
  llvm::Value *worth;        // i1: B is too large for the unpacked path, and
                             // small enough to stay in the caches or A tall
                             // enough for each thread to pack B repeatedly
  llvm::Value *cheap;        // i1: B is so small that a thread packing it
                             // for each of several chunks costs nothing
  llvm::Value *phases;       // how many phases
  llvm::Value *phaseBlocks;  // K blocks per phase (the last may have fewer)
  llvm::Value *blocks;       // K blocks in all
  llvm::Value *panels;       // column panels: units per K block
  llvm::Value *elements;     // the buffer's size in elements of dtype
};
SharedB sharedB(llvm::IRBuilder<> &b, DType dtype, llvm::Value *M, llvm::Value *K, llvm::Value *N);
llvm::Function *gemmShareTask(llvm::Module &module, DType dtype);

}  // namespace dlc::codegen::x86
