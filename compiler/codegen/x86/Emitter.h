// Emitter: one ir::Module → one LLVM module whose `main` runs the program.
//
// The whole program is one function: host control flow (`for`, `if`) becomes
// branches, and every tensor op becomes a plain loop nest over its elements
// (scalar code; fusion and vectorisation come later). At run time an IR value
// is a pointer to contiguous row-major elements plus one i64 per dimension:
// constants for static dimensions, run-time values for symbolic ones.
//
// Memory: small static tensors (scalars included) live in stack slots of
// `main`'s entry block; the rest come from dl_buffer_alloc and are freed when
// the region that defines them finishes (each iteration of a `for` body, the
// end of main). Values are never written after they are made, so a reshape
// or a constant can share elements instead of copying them. Storage (params,
// optimizer state, vars) is owned by `main`: Store copies into a new buffer
// (or takes the value's own buffer when nothing reads the value after it)
// and frees the old one; Load copies out of it, so a later Store never
// changes a value already loaded — except where InPlaceLoads.h proves no use
// of the loaded value follows the next Store, and the Load shares the buffer;
// and a fused kernel whose output is stored back into such a storage (an
// optimizer's update) may write it over the buffer it read (same header).
//
// Errors found at run time (a size mismatch between symbolic dimensions, a
// failed allocation, an index out of range) print `error: <message>` on
// stderr and exit with status 2.
//
// The op emitters are split by category: EmitElementwise.cpp, EmitReduce.cpp
// (reductions, matmul), EmitMovement.cpp, EmitHost.cpp (creation, storage,
// print, seed), EmitData.cpp (files, permutations, take, check); Emitter.cpp
// has the machinery and the control flow.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "codegen/x86/InPlaceLoads.h"
#include "ir/IR.h"
#include "ir/Library.h"
#include "support/Diagnostics.h"

namespace dlc::codegen::nvptx {
class DeviceLauncher;  // codegen/nvptx/HostLaunch.h: the device program of --target=cuda
}

namespace dlc::codegen::x86 {

// An IR value at run time.
struct RtTensor {
  DType dtype = DType::F32;
  llvm::Value *data = nullptr;      // ptr to the first element
  std::vector<llvm::Value *> dims;  // i64 each; ConstantInt where static
  size_t rank() const { return dims.size(); }
};

using Indices = std::vector<llvm::Value *>;

class Emitter {
public:
  Emitter(const ir::Module &module, llvm::LLVMContext &context, DiagnosticEngine &diags);

  // Builds the LLVM module for `layout` and `triple`; null after reporting errors.
  std::unique_ptr<llvm::Module> run(const llvm::DataLayout &layout, const std::string &triple);
  // --target=cuda: main also holds the device program (HostLaunch.h).
  void setDevice(nvptx::DeviceLauncher *device) { device_ = device; }
  // For --emit=lib (EmitLibrary.cpp): no `main`, but the model's forward pass
  // as a function and the C API of `<prefix>.h` calling into dl_model.h.
  std::unique_ptr<llvm::Module> runLibrary(const llvm::DataLayout &layout, const std::string &triple,
                                           const ir::LibraryInterface &lib, const std::string &prefix);

private:
  friend class nvptx::DeviceLauncher;
  // A storage's home in `main`: a pointer to its buffer and its sizes.
  struct StorageSlot {
    const ir::Storage *storage = nullptr;
    llvm::Value *data = nullptr;      // alloca of ptr: the buffer (null until the first Store)
    std::vector<llvm::Value *> dims;  // i64 per dim, in dimsArray
    llvm::Value *dimsArray = nullptr; // alloca of rank i64 (null for rank 0)
  };
  // Every storage, as the checkpoint functions take them (dl_training.h):
  // arrays in main's frame, filled once at the start.
  struct StorageTable {
    llvm::Value *names = nullptr, *dtypes = nullptr, *ranks = nullptr, *staticDims = nullptr;
    llvm::Value *buffers = nullptr, *dims = nullptr;
    int64_t count = 0;
    uint64_t fingerprint = 0;
  };
  // What a region owns: buffers to free at its end, symbols to unbind.
  struct Scope {
    std::vector<llvm::Value *> owned;
    size_t symbolMark = 0;
  };
  // Index and IndexGrad share this: where the indexed view's elements are in
  // the source, and the view's sizes.
  struct IndexPlan {
    std::vector<llvm::Value *> viewDims;     // i64
    llvm::Value *base = nullptr;             // i64 offset of the view's first element
    std::vector<llvm::Value *> viewStrides;  // i64, in source elements
  };

  // ---- Emitter.cpp: program structure --------------------------------------
  void emitMain();
  void emitRegion(const ir::Region &region);
  void emitOp(const ir::Op &op);
  void emitOnHost(const ir::Op &op);
  void emitFor(const ir::Op &op);
  void emitIf(const ir::Op &op);

  // ---- EmitLibrary.cpp --------------------------------------------------------
  llvm::Function *emitForwardFunction(const ir::LibraryInterface &lib, const std::string &name);
  void emitLibraryApi(const ir::LibraryInterface &lib, const std::string &prefix, llvm::Function *forward);
  // On a failure path of a library's forward: frees the buffers the open
  // scopes own, which a program leaves to exit (the storages' go in `fail`).
  void freeScopeBuffers();

  // ---- EmitElementwise.cpp --------------------------------------------------
  void emitElementwise(const ir::Op &op);
  void emitFused(const ir::Op &op);
  void emitKernelOutput(const ir::Op &op);
  // ---- EmitRows.cpp ---------------------------------------------------------
  void emitFusedRows(const ir::Op &op);
  // A row sum written out in dl_sum's order for short rows, or null (EmitRows.cpp).
  llvm::Value *shortRowSum(const RtTensor &row, int64_t n, DType dtype);
  // For each output of a Fused op (its result, then its extras), the operand
  // whose buffer it is written over (InPlaceLoads.h), or -1; the Stores of
  // those outputs are marked to leave the storage's buffer as it is. Call it
  // only when the kernel is emitted that way.
  std::vector<int> inPlaceOperands(const ir::Op &op, size_t outputs);
  // A large fused kernel as a task split across threads, if it qualifies (EmitParallel.cpp).
  bool emitParallelFused(const ir::Op &op);
  // The op's value for one element, from its operands' elements (each in its
  // operand's dtype), as the elementwise op computes it.
  using ElementFunction = std::function<llvm::Value *(const std::vector<llvm::Value *> &)>;
  ElementFunction elementFunction(const ir::Op &op);
  llvm::Value *unaryElement(const ir::Op &op, llvm::Value *x, DType type);
  llvm::Value *binaryElement(ir::OpKind kind, llvm::Value *a, llvm::Value *b, DType type, SourceLoc loc);
  // result = f(elements of operands) with NumPy broadcasting to `type`, the
  // run-time sizes checked; f gets each operand's element in its own dtype.
  RtTensor mapElements(const TensorType &type, const std::vector<const RtTensor *> &operands,
                       const std::function<llvm::Value *(const std::vector<llvm::Value *> &)> &f, SourceLoc loc);
  // The same with extra results of the result's sizes and the given dtypes:
  // f gives the result's element, then one per extra result. `into`, if
  // given, names for each result a buffer to write (an operand's, for an
  // in-place update), or null for a new one.
  std::vector<RtTensor> mapElementsMulti(
      const TensorType &type, const std::vector<DType> &extraTypes, const std::vector<const RtTensor *> &operands,
      const std::function<std::vector<llvm::Value *>(const std::vector<llvm::Value *> &)> &f, SourceLoc loc,
      const std::vector<llvm::Value *> &into = {});

  // ---- EmitReduce.cpp -------------------------------------------------------
  void emitReduce(const ir::Op &op);
  void emitMatMul(const ir::Op &op);
  // C[rows, cols] = A[rows, inner] @ B[inner, cols] (contiguous) through the
  // generated GEMM, split across the context's threads when it is large.
  // A and B are read at a + i * rsA + k * csA and b + k * rsB + j * csB.
  // With `epilogue` (Gemm.h), that function runs over C's rows once they hold their products.
  void callGemm(DType dtype, llvm::Value *a, llvm::Value *b, llvm::Value *c, llvm::Value *rows, llvm::Value *cols,
                llvm::Value *inner, llvm::Value *rsA, llvm::Value *csA, llvm::Value *rsB, llvm::Value *csB,
                llvm::Value *epilogue = nullptr, llvm::Value *epilogueArgs = nullptr);
  // A Fused kernel whose body starts with a matrix product: the GEMM, then
  // the rest of the body as its epilogue (EmitEpilogue.cpp).
  void emitMatMulKernel(const ir::Op &op);
  void emitReduceTo(const ir::Op &op);
  void sumBlocks(const RtTensor &in, const RtTensor &out, llvm::Value *outer, llvm::Value *n, llvm::Value *inner);

  // ---- EmitMovement.cpp -----------------------------------------------------
  void emitTranspose(const ir::Op &op);
  void emitReshape(const ir::Op &op);
  void emitBroadcastTo(const ir::Op &op);
  void emitIndex(const ir::Op &op);
  void emitIndexGrad(const ir::Op &op);
  void emitConcat(const ir::Op &op);
  void emitStack(const ir::Op &op);
  void emitOneHot(const ir::Op &op);
  IndexPlan planIndex(const ir::Op &op, const std::vector<llvm::Value *> &sourceDims);

  // ---- EmitHost.cpp ---------------------------------------------------------
  void emitConstant(const ir::Op &op);
  void emitCreation(const ir::Op &op);
  void emitRandom(const ir::Op &op);
  void emitSeed(const ir::Op &op);
  void emitLoad(const ir::Op &op);
  void emitStore(const ir::Op &op);
  bool takeBuffer(const ir::Op &store, const RtTensor &value);
  void emitPrint(const ir::Op &op);
  void emitSizeOf(const ir::Op &op);
  void declareStorages();
  void freeStorages();
  StorageSlot *storageFor(const ir::Op &op);
  // A creation op's sizes: static dims, then one i32 scalar operand per
  // symbolic dim, starting at operand `first`.
  std::vector<llvm::Value *> creationDims(const ir::Op &op, size_t first);
  llvm::Constant *constantElement(DType dtype, double value);
  static int32_t runtimeDType(DType dtype);  // dl_dtype's number

  // ---- EmitData.cpp ---------------------------------------------------------
  void emitData(const ir::Op &op);
  void emitLoadCsv(const ir::Op &op);
  void emitLoadArray(const ir::Op &op);  // LoadNpy, LoadIdx
  void emitSaveSafetensors(const ir::Op &op);
  void emitLoadSafetensors(const ir::Op &op);
  void emitRandperm(const ir::Op &op);
  void emitTake(const ir::Op &op);
  void emitCheck(const ir::Op &op);
  // ---- EmitPlot.cpp ----
  void emitPlot(const ir::Op &op);  // Series, SeriesAdd, Plot, PlotGrid, PlotBoundary
  // An array in main's frame holding `values` (of type `type`), for the
  // runtime's pointer-to-array arguments.
  llvm::Value *arrayOf(llvm::Type *type, const std::vector<llvm::Value *> &values, const char *name);

  // ---- EmitCheckpoint.cpp: checkpoint, resume and progress -----------------
  void emitCheckpointOp(const ir::Op &op);  // Checkpoint, Resume, ResumeIndex, Progress
  // After declareStorages: the storage table, or (without a checkpoint) the
  // check that --resume was not given.
  void prepareCheckpoints();

  // ---- Emitter.cpp: values, memory, loops, checks ---------------------------
  llvm::Type *elementType(DType dtype);
  static int64_t elementSize(DType dtype);
  llvm::ConstantInt *i64(int64_t v) { return b_.getInt64(static_cast<uint64_t>(v)); }
  llvm::ConstantInt *i32(int32_t v) { return b_.getInt32(static_cast<uint32_t>(v)); }
  static bool isConst(llvm::Value *v, int64_t n);
  llvm::Value *product(const std::vector<llvm::Value *> &values, size_t from = 0, size_t to = SIZE_MAX);
  std::vector<llvm::Value *> contiguousStrides(const std::vector<llvm::Value *> &dims);

  // A fresh tensor owned by the current region.
  RtTensor allocate(DType dtype, const std::vector<llvm::Value *> &dims);
  const RtTensor &operand(const ir::Op &op, size_t i);
  // Binds the op's result, and its symbolic dims to their run-time sizes.
  void define(const ir::Op &op, RtTensor tensor);
  // The run-time size of a symbolic dim: that of the latest value in scope with it.
  llvm::Value *symbolSize(const Dim &dim, SourceLoc loc);
  // Sizes for a result of `type`: static dims from the type, the others from
  // `known` (or, where that has none, from the symbols in scope).
  std::vector<llvm::Value *> resultDims(const TensorType &type, const std::vector<llvm::Value *> &known);
  void pushScope();
  void popScope();
  void bindSymbol(const DimSymbol *symbol, llvm::Value *size);

  llvm::Value *loadElement(const RtTensor &t, llvm::Value *offset);
  void storeElement(const RtTensor &t, llvm::Value *offset, llvm::Value *v);
  // The one element of a rank-0 value, converted to `to`.
  llvm::Value *scalar(const ir::Value *v, DType to);
  llvm::Value *convert(llvm::Value *v, DType from, DType to);
  llvm::Value *isNaN(llvm::Value *v);
  llvm::Value *entryAlloca(llvm::Type *type, llvm::Value *count = nullptr, const char *name = "");
  void memcpyElements(llvm::Value *dst, llvm::Value *src, llvm::Value *count, DType dtype);

  // for (i = lo; i < hi; ++i) body(i), with i of lo's type.
  void loop(llvm::Value *lo, llvm::Value *hi, const std::function<void(llvm::Value *)> &body);
  // A row-major loop nest over i64 extents; rank 0 runs the body once.
  void loopNest(const std::vector<llvm::Value *> &extents, const std::function<void(const Indices &)> &body);
  llvm::Value *dot(const Indices &idx, const std::vector<llvm::Value *> &strides);

  // At run time, if `cond`: record the message (each "{}" takes a, then b),
  // print it and exit 2.
  void failIf(llvm::Value *cond, const std::string &message, SourceLoc loc, llvm::Value *a = nullptr,
              llvm::Value *b = nullptr);
  void checkStatus(llvm::Value *status);
  llvm::FunctionCallee runtime(const std::string &name, llvm::Type *result, std::vector<llvm::Type *> params);
  llvm::Value *callRuntime(const std::string &name, llvm::Type *result, std::vector<llvm::Value *> args);
  // Calls a dl_runtime function that returns a dl_status, and checks it.
  void callChecked(const std::string &name, std::vector<llvm::Value *> args);
  llvm::Constant *stringConstant(const std::string &text);
  std::string where(SourceLoc loc) const;
  // A malformed module or an op codegen lacks: reported, and run() fails.
  void internalError(SourceLoc loc, const std::string &message);

  const ir::Module &module_;
  llvm::LLVMContext &llvm_;
  DiagnosticEngine &diags_;
  std::unique_ptr<llvm::Module> out_;
  llvm::IRBuilder<> b_;
  llvm::Function *main_ = nullptr;
  llvm::BasicBlock *failBlock_ = nullptr;
  llvm::Value *ctx_ = nullptr;     // dl_context*
  llvm::Value *stdout_ = nullptr;  // FILE*
  llvm::Value *statusSlot_ = nullptr;  // a library's forward: the failing call's status, returned
  std::unordered_map<const ir::Value *, RtTensor> values_;
  std::vector<Scope> scopes_;
  std::unordered_map<const DimSymbol *, llvm::Value *> symbols_;
  std::vector<std::pair<const DimSymbol *, llvm::Value *>> symbolUndo_;
  std::map<std::string, StorageSlot> storages_;
  StorageTable storageTable_;
  std::map<std::string, llvm::Constant *> strings_;
  std::unordered_map<const ir::Value *, std::vector<RtTensor>> kernelOutputs_;  // a kernel's extra outputs
  std::unordered_set<const ir::Op *> inPlaceLoads_;  // InPlaceLoads.h
  std::unordered_map<const ir::Op *, std::vector<InPlaceUpdate>> inPlaceUpdates_;  // InPlaceLoads.h
  std::unordered_set<const ir::Op *> inPlaceStores_;  // Stores whose value was written over the storage's buffer
  std::unordered_set<const ir::Op *> transposeViews_;      // TransposeViews.h
  std::unordered_set<const ir::Value *> transposedValues_;  // their results, emitted as views
  bool failed_ = false;
  nvptx::DeviceLauncher *device_ = nullptr;
};

}  // namespace dlc::codegen::x86
