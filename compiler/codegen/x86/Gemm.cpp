// The generated GEMM (see Gemm.h): a task over row blocks, a tile kernel per
// row count (1..kGemmRows) for full and for masked column tiles.
#include "codegen/x86/Gemm.h"

#include <functional>
#include <string>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>

namespace dlc::codegen::x86 {

namespace {

using llvm::BasicBlock;
using llvm::Value;

constexpr unsigned kVectorBytes = 32;  // one AVX2 register
constexpr int kVectorsPerTile = 2;
// A block of K: a packed panel of B (256 x 16 f32 = 16 KiB) stays in L1
// while every row tile of a row block streams past it.
constexpr int64_t kBlockK = 256;
// A block of rows: its packed strip of A (384 KiB: 384 rows x 256 f32, 192
// x 256 f64) stays in L2 (512 KiB on Zen 3) while every column panel of B
// passes over it. Each thread packs all of B once per block, so at n = 2048
// (B 16 MiB, from memory) 384 f32 rows ran 4 % faster than 192.
constexpr int64_t kStripBytes = 384 * 1024;
// Products whose A and B together hold at most this many elements (128 KiB
// of f32, in L2 and mostly in L1) are computed without packing when A's
// rows or columns are adjacent and B's columns are: the tiles read A and B
// where they lie. For the digits MLP's 32 x 64 x 128 products, packing was a
// fifth of the GEMM's time.
constexpr int64_t kDirectElements = 32 * 1024;

// for (i = lo; i < hi; i += body(i)), i an i64, in function `f`: the body
// gives the step.
void loopBy(llvm::IRBuilder<> &b, llvm::Function *f, Value *lo, Value *hi,
            const std::function<Value *(Value *)> &body) {
  BasicBlock *before = b.GetInsertBlock();
  BasicBlock *header = BasicBlock::Create(f->getContext(), "loop", f);
  BasicBlock *bodyBB = BasicBlock::Create(f->getContext(), "loop.body", f);
  BasicBlock *exit = BasicBlock::Create(f->getContext(), "loop.end", f);
  b.CreateBr(header);
  b.SetInsertPoint(header);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(lo, before);
  b.CreateCondBr(b.CreateICmpSLT(i, hi), bodyBB, exit);
  b.SetInsertPoint(bodyBB);
  Value *step = body(i);
  i->addIncoming(b.CreateNSWAdd(i, step), b.GetInsertBlock());
  b.CreateBr(header);
  b.SetInsertPoint(exit);
}

// for (i = lo; i < hi; i += step) body(i).
void loop(llvm::IRBuilder<> &b, llvm::Function *f, Value *lo, Value *hi, int64_t step,
          const std::function<void(Value *)> &body) {
  loopBy(b, f, lo, hi, [&](Value *i) {
    body(i);
    return b.getInt64(static_cast<uint64_t>(step));
  });
}

Value *smin(llvm::IRBuilder<> &b, Value *x, Value *y) { return b.CreateSelect(b.CreateICmpSLT(x, y), x, y); }

// The rows of the tile that starts `rest` rows before the end of its range:
// kGemmRows, except that the last 7..11 rows are split into two near
// halves (32 rows: 6, 6, 6, 6, 4, 4), as a tile of one or two rows has too
// few accumulators to hide the FMA's latency.
Value *tileRows(llvm::IRBuilder<> &b, Value *rest) {
  Value *R = b.getInt64(kGemmRows);
  Value *half = b.CreateAShr(b.CreateAdd(rest, b.getInt64(1)), b.getInt64(1));
  return b.CreateSelect(b.CreateICmpSGE(rest, b.getInt64(2 * kGemmRows)), R,
                        b.CreateSelect(b.CreateICmpSGT(rest, R), half, rest));
}

// K in max(1, ceil(K / kBlockK)) blocks of equal size (the last may be
// shorter): with K = 0 one empty block writes the zeros. {blocks, blockK}.
std::pair<Value *, Value *> kBlocks(llvm::IRBuilder<> &b, Value *K) {
  Value *blocks = b.CreateSDiv(b.CreateAdd(K, b.getInt64(kBlockK - 1)), b.getInt64(kBlockK));
  blocks = b.CreateSelect(b.CreateICmpSLT(blocks, b.getInt64(1)), b.getInt64(1), blocks);
  return {blocks, b.CreateSDiv(b.CreateAdd(K, b.CreateSub(blocks, b.getInt64(1))), blocks)};
}

// Rows of a row block of `dtype`, whose packed strip of A (kStripBytes)
// stays in L2: whole tiles.
int64_t stripRows(DType dtype) {
  return kStripBytes / (kBlockK * (dtype == DType::F64 ? 8 : 4)) / kGemmRows * kGemmRows;
}

// Columns of a tile of `dtype`: two AVX2 vectors.
int64_t tileColumns(DType dtype) { return static_cast<int64_t>(kVectorBytes / (dtype == DType::F64 ? 8 : 4)) * kVectorsPerTile; }

// The column panels (tiles' widths) of N columns: ceil(N / columns).
Value *panelCount(llvm::IRBuilder<> &b, Value *N, int64_t columns) {
  return b.CreateSDiv(b.CreateAdd(N, b.getInt64(columns - 1)), b.getInt64(columns));
}

// A B of more elements than this is packed for every thread in passes of
// as many K blocks as this holds (sharedB), each pass while the threads
// wait: all of it at once would go to memory and come back, and n = 2048
// ran no faster that way (1.04, 0.96-1.09, in alternating pairs). A pass
// of B (4 MiB at n = 2048) stays in L3 while each thread's strips of A
// pass over it.
constexpr int64_t kSharedElements = int64_t(1) << 20;

class GemmBuilder {
public:
  GemmBuilder(llvm::Module &module, DType dtype)
      : module_(module), context_(module.getContext()), dtype_(dtype),
        element_(dtype == DType::F64 ? llvm::Type::getDoubleTy(context_) : llvm::Type::getFloatTy(context_)),
        lanes_(kVectorBytes / (dtype == DType::F64 ? 8 : 4)),
        vector_(llvm::FixedVectorType::get(element_, lanes_)), ptr_(llvm::PointerType::get(context_, 0)) {}

  llvm::Function *task() {
    std::string name = std::string("dlc.gemm.") + dtypeName(dtype_);
    if (llvm::Function *existing = module_.getFunction(name)) return existing;
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context_), {ptr_, i64Ty(), i64Ty()}, false);
    llvm::Function *f = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *args = f->getArg(0);
    llvm::StructType *argsTy = gemmArgsType(context_);
    auto field = [&](unsigned i, llvm::Type *t, const char *what) {
      return b.CreateLoad(t, b.CreateStructGEP(argsTy, args, i), what);
    };
    Value *M = field(0, i64Ty(), "M"), *N = field(1, i64Ty(), "N"), *K = field(2, i64Ty(), "K");
    Value *A = field(3, ptr_, "A"), *B = field(4, ptr_, "B"), *C = field(5, ptr_, "C");
    Value *rsA = field(6, i64Ty(), "rsA"), *csA = field(7, i64Ty(), "csA");
    Value *rsB = field(8, i64Ty(), "rsB"), *csB = field(9, i64Ty(), "csB");
    Value *epilogue = field(10, ptr_, "epilogue"), *epilogueArgs = field(11, ptr_, "epilogue.args");
    Value *byColumns = b.CreateICmpNE(field(12, i64Ty(), "by.columns"), b.getInt64(0));
    const int64_t columns = tileColumns(dtype_);
    // This task's part of C: blocks [begin, end) of kGemmRows rows and every
    // column, or panels [begin, end) of kGemmColumns columns and every row.
    static_assert(kGemmColumns % (kVectorBytes / 4 * kVectorsPerTile) == 0, "a panel is whole tiles");
    Value *zero = b.getInt64(0);
    Value *rowBegin = b.CreateSelect(byColumns, zero, b.CreateMul(f->getArg(1), b.getInt64(kGemmRows)));
    Value *rowEnd = b.CreateSelect(byColumns, M, smin(b, b.CreateMul(f->getArg(2), b.getInt64(kGemmRows)), M));
    Value *colBegin = b.CreateSelect(byColumns, b.CreateMul(f->getArg(1), b.getInt64(kGemmColumns)), zero);
    Value *colEnd = b.CreateSelect(byColumns, smin(b, b.CreateMul(f->getArg(2), b.getInt64(kGemmColumns)), N), N);

    // Row blocks of blockRows (this task's rows only) outside, K blocks
    // inside them, then column panels (this task's columns only), then row
    // tiles (tileRows): the GotoBLAS loop nest. A row block's strip of A
    // for one K block is packed into its row tiles (element k of row r at
    // k * rows + r), so a tile reads one contiguous stream whatever A's
    // strides; each column panel of B for the K block is packed into
    // kBlockK x 2 vectors. A tile's first K block starts its accumulators
    // at zero, later blocks reload them from C, which holds exactly the
    // partial sums: each element of C is still one FMA chain in k order, as
    // without blocks. When the row block is done, the epilogue (if any)
    // runs over its rows of this task's columns of C while they are in
    // cache.
    llvm::Type *packedBTy = llvm::ArrayType::get(element_, kBlockK * static_cast<uint64_t>(columns));
    llvm::AllocaInst *packedB = b.CreateAlloca(packedBTy, nullptr, "packed.b");
    packedB->setAlignment(llvm::Align(64));
    // (one vector of slack: packStrip's vector stores run past a tile's end)
    const int64_t blockRows = stripRows(dtype_);
    llvm::Type *packedATy = llvm::ArrayType::get(element_, kBlockK * static_cast<uint64_t>(blockRows) + lanes_);
    llvm::AllocaInst *packedA = b.CreateAlloca(packedATy, nullptr, "packed.a");
    packedA->setAlignment(llvm::Align(64));
    auto [blocks, blockK] = kBlocks(b, K);
    Value *shared = field(13, ptr_, "shared.b");
    // This call's K blocks: all of them, or one phase of a B shared a few
    // K blocks at a time (sharedB); the epilogue waits for the last.
    Value *blockBegin = field(14, i64Ty(), "block.begin");
    Value *blockEnd = smin(b, field(15, i64Ty(), "block.end"), blocks);
    Value *lastPhase = b.CreateICmpEQ(blockEnd, blocks);
    Value *panelsOfN = panelCount(b, N, columns);
    BasicBlock *directBB = BasicBlock::Create(context_, "direct", f);
    BasicBlock *packedBB = BasicBlock::Create(context_, "packed", f);
    BasicBlock *exitBB = BasicBlock::Create(context_, "exit", f);
    Value *small = b.CreateICmpSLE(b.CreateAdd(b.CreateMul(M, K), b.CreateMul(K, N)), b.getInt64(kDirectElements));
    Value *adjacentA = b.CreateOr(b.CreateICmpEQ(csA, b.getInt64(1)), b.CreateICmpEQ(rsA, b.getInt64(1)));
    b.CreateCondBr(b.CreateAnd(small, b.CreateAnd(adjacentA, b.CreateICmpEQ(csB, b.getInt64(1)))), directBB, packedBB);
    b.SetInsertPoint(directBB);
    direct(b, f, {M, N, K, A, B, C, rsA, csA, rsB, epilogue, epilogueArgs}, rowBegin, rowEnd, colBegin, colEnd);
    b.CreateBr(exitBB);
    b.SetInsertPoint(packedBB);
    loop(b, f, rowBegin, rowEnd, blockRows, [&](Value *i1) {
      Value *mc = smin(b, b.CreateSub(rowEnd, i1), b.getInt64(static_cast<uint64_t>(blockRows)));
      loop(b, f, blockBegin, blockEnd, 1, [&](Value *block) {
        Value *k0 = b.CreateMul(block, blockK);
        Value *kc = smin(b, b.CreateSub(K, k0), blockK);
        Value *first = b.CreateICmpEQ(block, b.getInt64(0));
        Value *strip = b.CreateGEP(element_, A, b.CreateAdd(b.CreateMul(i1, rsA), b.CreateMul(k0, csA)));
        b.CreateCall(packStrip(), {strip, packedA, mc, kc, rsA, csA});
        loop(b, f, colBegin, colEnd, columns, [&](Value *j0) {
          Value *cols = smin(b, b.CreateSub(N, j0), b.getInt64(static_cast<uint64_t>(columns)));
          Value *full = b.CreateICmpEQ(cols, b.getInt64(static_cast<uint64_t>(columns)));
          // The panel packed by packTask() before, or packed here.
          Value *sharedPanel =
              b.CreateGEP(element_, shared,
                          panelOffset(b, b.CreateSub(block, blockBegin), b.CreateSDiv(j0, b.getInt64(columns)),
                                      panelsOfN, blockK));
          BasicBlock *packBB = BasicBlock::Create(context_, "pack.panel", f);
          BasicBlock *readyBB = BasicBlock::Create(context_, "panel.ready", f);
          b.CreateCondBr(b.CreateIsNull(shared), packBB, readyBB);
          b.SetInsertPoint(packBB);
          Value *panel = b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(k0, rsB), b.CreateMul(j0, csB)));
          b.CreateCall(packPanel(), {panel, packedB, kc, rsB, csB, cols});
          b.CreateBr(readyBB);
          b.SetInsertPoint(readyBB);
          Value *panelB = b.CreateSelect(b.CreateIsNull(shared), packedB, sharedPanel);
          loopBy(b, f, b.getInt64(0), mc, [&](Value *i0) {
            Value *rows = tileRows(b, b.CreateSub(mc, i0));
            Value *a = b.CreateGEP(element_, packedA, b.CreateMul(i0, kc));
            Value *c = b.CreateGEP(element_, C, b.CreateAdd(b.CreateMul(b.CreateAdd(i1, i0), N), j0));
            callTile(b, f, rows, full, false, {a, panelB, c, kc, N, cols, first});
            return rows;
          });
        });
      });
      // The epilogue over rows [i1, i1 + mc) of this task's columns of C,
      // once they hold whole sums.
      callEpilogue(b, b.CreateSelect(lastPhase, epilogue, llvm::ConstantPointerNull::get(ptr_)), epilogueArgs, C, i1,
                   b.CreateAdd(i1, mc), colBegin, colEnd);
    });
    b.CreateBr(exitBB);
    b.SetInsertPoint(exitBB);
    b.CreateRetVoid();
    return f;
  }

  // void dlc.gemm.<dtype>.share(ptr args, i64 first, i64 end): packs the
  // panels [first, end) of the record's phase of B (unit u: K block
  // blockBegin + u / panels, column panel u % panels) into its shared
  // buffer, where the task reads them.
  llvm::Function *packTask() {
    std::string name = helperName("share");
    if (llvm::Function *existing = module_.getFunction(name)) return existing;
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context_), {ptr_, i64Ty(), i64Ty()}, false);
    llvm::Function *f = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    llvm::StructType *argsTy = gemmArgsType(context_);
    auto field = [&](unsigned i, llvm::Type *t) { return b.CreateLoad(t, b.CreateStructGEP(argsTy, f->getArg(0), i)); };
    Value *N = field(1, i64Ty()), *K = field(2, i64Ty()), *B = field(4, ptr_);
    Value *rsB = field(8, i64Ty()), *csB = field(9, i64Ty()), *shared = field(13, ptr_);
    Value *blockBegin = field(14, i64Ty());
    const int64_t columns = tileColumns(dtype_);
    auto [blocks, blockK] = kBlocks(b, K);
    (void)blocks;
    Value *panels = panelCount(b, N, columns);
    loop(b, f, f->getArg(1), f->getArg(2), 1, [&](Value *u) {
      Value *phaseBlock = b.CreateSDiv(u, panels), *p = b.CreateSRem(u, panels);
      Value *block = b.CreateAdd(blockBegin, phaseBlock);
      Value *k0 = b.CreateMul(block, blockK), *j0 = b.CreateMul(p, b.getInt64(columns));
      Value *kc = smin(b, b.CreateSub(K, k0), blockK);
      Value *cols = smin(b, b.CreateSub(N, j0), b.getInt64(columns));
      Value *from = b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(k0, rsB), b.CreateMul(j0, csB)));
      b.CreateCall(packPanel(), {from, b.CreateGEP(element_, shared, panelOffset(b, phaseBlock, p, panels, blockK)), kc,
                                 rsB, csB, cols});
    });
    b.CreateRetVoid();
    return f;
  }

private:
  llvm::Type *i64Ty() { return llvm::Type::getInt64Ty(context_); }

  // Where panel p of the phase's K block `block` (counted from the phase's
  // first) starts in the shared buffer: every panel takes blockK rows of
  // tileColumns.
  Value *panelOffset(llvm::IRBuilder<> &b, Value *block, Value *p, Value *panels, Value *blockK) {
    return b.CreateMul(b.CreateAdd(b.CreateMul(block, panels), p), b.CreateMul(blockK, b.getInt64(tileColumns(dtype_))));
  }

  // if (epilogue) epilogue(args, C, r0, r1, c0, c1).
  void callEpilogue(llvm::IRBuilder<> &b, Value *epilogue, Value *args, Value *C, Value *r0, Value *r1, Value *c0,
                    Value *c1) {
    llvm::Function *f = b.GetInsertBlock()->getParent();
    BasicBlock *call = BasicBlock::Create(context_, "epilogue", f);
    BasicBlock *next = BasicBlock::Create(context_, "epilogue.done", f);
    b.CreateCondBr(b.CreateIsNull(epilogue), next, call);
    b.SetInsertPoint(call);
    b.CreateCall(epilogueType(context_), epilogue, {args, C, r0, r1, c0, c1});
    b.CreateBr(next);
    b.SetInsertPoint(next);
  }

  // switch (rows) to the tile kernel for that many rows, full or masked
  // (tile()), called with `args`.
  void callTile(llvm::IRBuilder<> &b, llvm::Function *f, Value *rows, Value *full, bool direct,
                llvm::ArrayRef<Value *> args) {
    BasicBlock *after = BasicBlock::Create(context_, "tile.done", f);
    llvm::SwitchInst *byRows = b.CreateSwitch(rows, after, kGemmRows);
    for (int r = 1; r <= kGemmRows; ++r) {
      BasicBlock *caseBB = BasicBlock::Create(context_, "tile.rows" + std::to_string(r), f);
      byRows->addCase(b.getInt64(static_cast<uint64_t>(r)), caseBB);
      b.SetInsertPoint(caseBB);
      BasicBlock *fullBB = BasicBlock::Create(context_, "tile.full", f);
      BasicBlock *maskedBB = BasicBlock::Create(context_, "tile.masked", f);
      b.CreateCondBr(full, fullBB, maskedBB);
      for (bool masked : {false, true}) {
        b.SetInsertPoint(masked ? maskedBB : fullBB);
        b.CreateCall(tile(r, masked, direct), args);
        b.CreateBr(after);
      }
    }
    b.SetInsertPoint(after);
  }

  struct Operands {
    Value *M, *N, *K, *A, *B, *C, *rsA, *csA, *rsB, *epilogue, *epilogueArgs;
  };

  // Rows [rowBegin, rowEnd) and columns [colBegin, colEnd) of a small
  // product whose A has adjacent rows or columns and whose B has adjacent
  // columns, without packing: column panels outside (a panel of B, K x 2
  // vectors, stays in L1), row tiles (tileRows) inside, each tile reading A
  // and B in place over the whole of K. Every element is the same chain as
  // with packing (K is one block).
  void direct(llvm::IRBuilder<> &b, llvm::Function *f, const Operands &o, Value *rowBegin, Value *rowEnd,
              Value *colBegin, Value *colEnd) {
    const int64_t columns = tileColumns(dtype_);
    loop(b, f, colBegin, colEnd, columns, [&](Value *j0) {
      Value *cols = smin(b, b.CreateSub(o.N, j0), b.getInt64(static_cast<uint64_t>(columns)));
      Value *full = b.CreateICmpEQ(cols, b.getInt64(static_cast<uint64_t>(columns)));
      Value *panel = b.CreateGEP(element_, o.B, j0);
      // A tile of `rows` rows at i0, then the next at i0 + rows.
      loopBy(b, f, rowBegin, rowEnd, [&](Value *i0) {
        Value *rows = tileRows(b, b.CreateSub(rowEnd, i0));
        Value *a = b.CreateGEP(element_, o.A, b.CreateMul(i0, o.rsA));
        Value *c = b.CreateGEP(element_, o.C, b.CreateAdd(b.CreateMul(i0, o.N), j0));
        callTile(b, f, rows, full, true, {a, panel, c, o.K, o.N, cols, o.rsA, o.csA, o.rsB});
        return rows;
      });
    });
    callEpilogue(b, o.epilogue, o.epilogueArgs, o.C, rowBegin, rowEnd, colBegin, colEnd);
  }

  std::string helperName(const std::string &suffix) const {
    return std::string("dlc.gemm.") + dtypeName(dtype_) + "." + suffix;
  }

  // A new internal void helper of the task (helperName(suffix)) taking
  // `params`, nounwind, its first `noalias` parameters noalias. Helpers are
  // not inlined: the task would otherwise hold all 24 tile kernels, which
  // cost every program with a matrix product ~80 ms of compile time (half
  // the GEMM's) and, with its registers spilled, 4 % more instructions on
  // the digits MLP than calls to the tiles do.
  llvm::Function *helper(const std::string &suffix, llvm::ArrayRef<llvm::Type *> params, unsigned noalias) {
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context_), params, false);
    llvm::Function *f = llvm::Function::Create(type, llvm::Function::InternalLinkage, helperName(suffix), module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addFnAttr(llvm::Attribute::NoInline);
    for (unsigned i = 0; i < noalias; ++i) f->addParamAttr(i, llvm::Attribute::NoAlias);
    return f;
  }

  // Lane j of vector v is on when v * lanes + j < cols.
  std::vector<Value *> columnMasks(llvm::IRBuilder<> &b, Value *cols) {
    std::vector<Value *> masks;
    Value *limit = b.CreateVectorSplat(lanes_, cols);
    for (int v = 0; v < kVectorsPerTile; ++v) {
      std::vector<llvm::Constant *> lane;
      for (unsigned l = 0; l < lanes_; ++l) lane.push_back(b.getInt64(v * lanes_ + l));
      masks.push_back(b.CreateICmpSLT(llvm::ConstantVector::get(lane), limit));
    }
    return masks;
  }

  // void pack(ptr B, ptr out, i64 kc, i64 rsB, i64 csB, i64 cols):
  // out[k][j] = B[k * rsB + j * csB] for k < kc and the panel's first `cols`
  // columns (zeros after them), out's rows 2 vectors apart. Rows of B are
  // read as vectors when its columns are adjacent; when B is a transposed
  // view, column j of the panel is row j of the source, read along k.
  llvm::Function *packPanel() {
    if (llvm::Function *existing = module_.getFunction(helperName("pack"))) return existing;
    llvm::Function *f = helper("pack", {ptr_, ptr_, i64Ty(), i64Ty(), i64Ty(), i64Ty()}, 2);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *B = f->getArg(0), *out = f->getArg(1), *kc = f->getArg(2);
    Value *rsB = f->getArg(3), *csB = f->getArg(4), *cols = f->getArg(5);
    const int64_t columns = tileColumns(dtype_);
    const llvm::Align align(dtype_ == DType::F64 ? 8 : 4);
    std::vector<Value *> masks = columnMasks(b, cols);
    llvm::Constant *zero = llvm::Constant::getNullValue(vector_);
    BasicBlock *rowsBB = BasicBlock::Create(context_, "pack.rows", f);
    BasicBlock *fullBB = BasicBlock::Create(context_, "pack.full", f);
    BasicBlock *partBB = BasicBlock::Create(context_, "pack.part", f);
    BasicBlock *gatherBB = BasicBlock::Create(context_, "pack.gather", f);
    BasicBlock *done = BasicBlock::Create(context_, "pack.done", f);
    b.CreateCondBr(b.CreateICmpEQ(csB, b.getInt64(1)), rowsBB, gatherBB);
    b.SetInsertPoint(rowsBB);
    b.CreateCondBr(b.CreateICmpEQ(cols, b.getInt64(static_cast<uint64_t>(columns))), fullBB, partBB);
    for (bool masked : {false, true}) {
      b.SetInsertPoint(masked ? partBB : fullBB);
      loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
        Value *from = b.CreateMul(k, rsB), *to = b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns)));
        for (int v = 0; v < kVectorsPerTile; ++v) {
          Value *offset = b.getInt64(static_cast<uint64_t>(v) * lanes_);
          Value *src = b.CreateGEP(element_, B, b.CreateAdd(from, offset));
          Value *dst = b.CreateGEP(element_, out, b.CreateAdd(to, offset));
          Value *x = masked ? static_cast<Value *>(b.CreateMaskedLoad(vector_, src, align, masks[v], zero))
                            : b.CreateAlignedLoad(vector_, src, align);
          b.CreateAlignedStore(x, dst, align);
        }
      });
      b.CreateBr(done);
    }
    b.SetInsertPoint(gatherBB);
    // A full panel of a transposed f32 view whose k is adjacent (a weight
    // read as W^T): 8 x 8 blocks are loaded as 8 rows along k and
    // transposed in registers; the last kc % 8 values of k one at a time.
    if (lanes_ == 8) {
      BasicBlock *blocksBB = BasicBlock::Create(context_, "pack.transpose", f);
      BasicBlock *columnsBB = BasicBlock::Create(context_, "pack.columns", f);
      Value *adjacentK = b.CreateICmpEQ(rsB, b.getInt64(1));
      b.CreateCondBr(b.CreateAnd(adjacentK, b.CreateICmpEQ(cols, b.getInt64(static_cast<uint64_t>(columns)))),
                     blocksBB, columnsBB);
      b.SetInsertPoint(blocksBB);
      Value *kBlocks = b.CreateAnd(kc, b.getInt64(~uint64_t(7)));
      loop(b, f, b.getInt64(0), kBlocks, 8, [&](Value *k0) {
        for (int half = 0; half < kVectorsPerTile; ++half) {
          Value *rows[8];
          for (int r = 0; r < 8; ++r) {
            Value *j = b.getInt64(static_cast<uint64_t>(half * 8 + r));
            rows[r] = b.CreateAlignedLoad(vector_, b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(j, csB), k0)), align);
          }
          transpose8x8(b, rows);
          for (int r = 0; r < 8; ++r) {
            Value *k = b.CreateAdd(k0, b.getInt64(static_cast<uint64_t>(r)));
            Value *to = b.CreateAdd(b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns))),
                                    b.getInt64(static_cast<uint64_t>(half * 8)));
            b.CreateAlignedStore(rows[r], b.CreateGEP(element_, out, to), llvm::Align(kVectorBytes));
          }
        }
      });
      loop(b, f, kBlocks, kc, 1, [&](Value *k) {
        for (int64_t j = 0; j < columns; ++j) {
          Value *x = b.CreateLoad(element_, b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(b.getInt64(static_cast<uint64_t>(j)), csB), k)));
          b.CreateStore(x, b.CreateGEP(element_, out, b.CreateAdd(b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns))), b.getInt64(static_cast<uint64_t>(j)))));
        }
      });
      b.CreateBr(done);
      b.SetInsertPoint(columnsBB);
    }
    loop(b, f, b.getInt64(0), b.getInt64(static_cast<uint64_t>(columns)), 1, [&](Value *j) {
      Value *present = b.CreateICmpSLT(j, cols);
      BasicBlock *readBB = BasicBlock::Create(context_, "pack.read", f);
      BasicBlock *zeroBB = BasicBlock::Create(context_, "pack.zero", f);
      BasicBlock *next = BasicBlock::Create(context_, "pack.next", f);
      b.CreateCondBr(present, readBB, zeroBB);
      b.SetInsertPoint(readBB);
      Value *row = b.CreateGEP(element_, B, b.CreateMul(j, csB));
      loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
        Value *to = b.CreateGEP(element_, out, b.CreateAdd(b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns))), j));
        b.CreateStore(b.CreateLoad(element_, b.CreateGEP(element_, row, b.CreateMul(k, rsB))), to);
      });
      b.CreateBr(next);
      b.SetInsertPoint(zeroBB);
      loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
        Value *to = b.CreateGEP(element_, out, b.CreateAdd(b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns))), j));
        b.CreateStore(llvm::Constant::getNullValue(element_), to);
      });
      b.CreateBr(next);
      b.SetInsertPoint(next);
    });
    b.CreateBr(done);
    b.SetInsertPoint(done);
    b.CreateRetVoid();
    return f;
  }

  // Transposes 8 vectors of 8 lanes in place (rows[r][c] becomes
  // rows[c][r]): pairs interleaved, then pairs of pairs, then 128-bit
  // halves, as vunpck/vshufps/vperm2f128 do it.
  void transpose8x8(llvm::IRBuilder<> &b, Value *rows[8]) {
    auto shuffle = [&](Value *x, Value *y, std::initializer_list<int> lanes) {
      return b.CreateShuffleVector(x, y, llvm::ArrayRef<int>(lanes.begin(), lanes.size()));
    };
    Value *t[8], *u[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = shuffle(rows[i], rows[i + 1], {0, 8, 1, 9, 4, 12, 5, 13});
      t[i + 1] = shuffle(rows[i], rows[i + 1], {2, 10, 3, 11, 6, 14, 7, 15});
    }
    for (int i = 0; i < 8; i += 4)
      for (int h = 0; h < 2; ++h) {
        u[i + 2 * h] = shuffle(t[i + h], t[i + 2 + h], {0, 1, 8, 9, 4, 5, 12, 13});
        u[i + 2 * h + 1] = shuffle(t[i + h], t[i + 2 + h], {2, 3, 10, 11, 6, 7, 14, 15});
      }
    // u[q] (q < 4) holds rows 0..3 of columns q and q + 4; u[q + 4] rows 4..7.
    for (int q = 0; q < 4; ++q) {
      Value *low = shuffle(u[q], u[q + 4], {0, 1, 2, 3, 8, 9, 10, 11});
      Value *high = shuffle(u[q], u[q + 4], {4, 5, 6, 7, 12, 13, 14, 15});
      rows[q] = low;
      rows[q + 4] = high;
    }
  }

  // void strip(ptr A, ptr out, i64 mc, i64 kc, i64 rsA, i64 csA): the first
  // mc rows and kc columns of A (A[i][k] at i * rsA + k * csA) into the row
  // tiles the task cuts them into (tileRows), the tile of `rows` rows at i0
  // taking out[i0 * kc, (i0 + rows) * kc) with its element (k, r) at
  // k * rows + r.
  llvm::Function *packStrip() {
    if (llvm::Function *existing = module_.getFunction(helperName("strip"))) return existing;
    llvm::Function *f = helper("strip", {ptr_, ptr_, i64Ty(), i64Ty(), i64Ty(), i64Ty()}, 2);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *A = f->getArg(0), *out = f->getArg(1), *mc = f->getArg(2), *kc = f->getArg(3);
    Value *rsA = f->getArg(4), *csA = f->getArg(5);
    loopBy(b, f, b.getInt64(0), mc, [&](Value *i0) {
      Value *rows = tileRows(b, b.CreateSub(mc, i0));
      Value *tileOut = b.CreateGEP(element_, out, b.CreateMul(i0, kc));
      Value *tileIn = b.CreateGEP(element_, A, b.CreateMul(i0, rsA));
      // A[r][k] of this tile, and where the packed tile keeps it.
      auto from = [&](Value *r, Value *k) {
        return b.CreateGEP(element_, tileIn, b.CreateAdd(b.CreateMul(r, rsA), b.CreateMul(k, csA)));
      };
      auto to = [&](Value *r, Value *k) { return b.CreateGEP(element_, tileOut, b.CreateAdd(b.CreateMul(k, rows), r)); };
      BasicBlock *next = BasicBlock::Create(context_, "strip.next", f);
      if (lanes_ == 8) {
        // An f32 tile whose rows or columns are adjacent goes by vectors: a
        // vector of 8 stored for each k writes the tile's `rows` values and
        // 8 - rows that the next k's store (or the next tile, or the slack
        // after packed.a) overwrites, so k ascends.
        static_assert(kGemmRows <= 8, "a tile's column of A fits in one vector");
        BasicBlock *rowsBB = BasicBlock::Create(context_, "strip.rows", f);
        BasicBlock *notRowsBB = BasicBlock::Create(context_, "strip.notrows", f);
        BasicBlock *columnsBB = BasicBlock::Create(context_, "strip.columns", f);
        BasicBlock *scalarBB = BasicBlock::Create(context_, "strip.scalar", f);
        const llvm::Align align(4);
        llvm::Constant *zero = llvm::Constant::getNullValue(vector_);
        auto storeColumn = [&](Value *k, Value *column) { b.CreateAlignedStore(column, to(b.getInt64(0), k), align); };
        b.CreateCondBr(b.CreateICmpEQ(csA, b.getInt64(1)), rowsBB, notRowsBB);
        // Rows adjacent along k (A row-major): 8 x 8 blocks transposed, the
        // rows past the tile's read as its last row (their lanes are junk
        // the next stores overwrite).
        b.SetInsertPoint(rowsBB);
        Value *kBlocks = b.CreateAnd(kc, b.getInt64(~uint64_t(7)));
        Value *lastRow = b.CreateSub(rows, b.getInt64(1));
        loop(b, f, b.getInt64(0), kBlocks, 8, [&](Value *k0) {
          Value *block[8];
          for (int r = 0; r < 8; ++r)
            block[r] = r < kGemmRows ? b.CreateAlignedLoad(vector_, from(smin(b, b.getInt64(r), lastRow), k0), align)
                                     : static_cast<Value *>(zero);
          transpose8x8(b, block);
          for (int c = 0; c < 8; ++c) storeColumn(b.CreateAdd(k0, b.getInt64(static_cast<uint64_t>(c))), block[c]);
        });
        loop(b, f, kBlocks, kc, 1, [&](Value *k) {
          loop(b, f, b.getInt64(0), rows, 1, [&](Value *r) { b.CreateStore(b.CreateLoad(element_, from(r, k)), to(r, k)); });
        });
        b.CreateBr(next);
        // A tile's column adjacent (A a transposed view): one masked load per k.
        b.SetInsertPoint(notRowsBB);
        b.CreateCondBr(b.CreateICmpEQ(rsA, b.getInt64(1)), columnsBB, scalarBB);
        b.SetInsertPoint(columnsBB);
        std::vector<llvm::Constant *> lane;
        for (unsigned l = 0; l < lanes_; ++l) lane.push_back(b.getInt64(l));
        Value *inTile = b.CreateICmpSLT(llvm::ConstantVector::get(lane), b.CreateVectorSplat(lanes_, rows));
        loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
          storeColumn(k, b.CreateMaskedLoad(vector_, from(b.getInt64(0), k), align, inTile, zero));
        });
        b.CreateBr(next);
        b.SetInsertPoint(scalarBB);
      }
      loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
        loop(b, f, b.getInt64(0), rows, 1, [&](Value *r) { b.CreateStore(b.CreateLoad(element_, from(r, k)), to(r, k)); });
      });
      b.CreateBr(next);
      b.SetInsertPoint(next);
      return rows;
    });
    b.CreateRetVoid();
    return f;
  }

  // void tile(ptr A, ptr B, ptr C, i64 kc, i64 N, i64 cols, i1 first):
  // C[r][j] (+)= sum_k A[k * rows + r] * B[k][j] over kc steps of k,
  // for `rows` rows and the tile's columns (the first `cols` of them when
  // masked); A is a packed tile of a strip, B a packed panel (rows 2
  // vectors apart), C has row stride N. With `first` the sums start at
  // zero, else at C's values.
  //
  // The direct tile (see direct()) reads A and B where they lie:
  //   void tile(ptr A, ptr B, ptr C, i64 kc, i64 N, i64 cols, i64 rsA, i64 csA, i64 rsB)
  // with A[r][k] at A + r * rsA + k * csA and B[k][j] at B + k * rsB + j;
  // its sums start at zero.
  llvm::Function *tile(int rows, bool masked, bool direct) {
    std::string suffix = std::string(direct ? "direct" : "tile") + std::to_string(rows) + (masked ? ".masked" : "");
    if (llvm::Function *existing = module_.getFunction(helperName(suffix))) return existing;
    std::vector<llvm::Type *> params{ptr_, ptr_, ptr_, i64Ty(), i64Ty(), i64Ty()};
    if (direct) params.insert(params.end(), {i64Ty(), i64Ty(), i64Ty()});
    else params.push_back(llvm::Type::getInt1Ty(context_));
    llvm::Function *f = helper(suffix, params, 3);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *A = f->getArg(0), *B = f->getArg(1), *C = f->getArg(2), *kc = f->getArg(3);
    Value *N = f->getArg(4), *cols = f->getArg(5);
    Value *first = direct ? static_cast<Value *>(b.getTrue()) : f->getArg(6);
    const llvm::Align align(dtype_ == DType::F64 ? 8 : 4);
    const int64_t columns = tileColumns(dtype_);
    // Where row k of the panel and A[r][k] are.
    auto argOr = [&](unsigned i, int64_t constant) {
      return direct ? static_cast<Value *>(f->getArg(i)) : b.getInt64(static_cast<uint64_t>(constant));
    };
    Value *rowStrideA = argOr(6, 1), *kStrideA = argOr(7, rows), *rowStrideB = argOr(8, columns);

    std::vector<Value *> masks;
    if (masked) masks = columnMasks(b, cols);
    llvm::Constant *zero = llvm::Constant::getNullValue(vector_);
    auto vectorAt = [&](Value *base, Value *offset, int v) {
      return b.CreateGEP(element_, base, b.CreateAdd(offset, b.getInt64(static_cast<uint64_t>(v) * lanes_)));
    };
    auto cAt = [&](int r, int v) { return vectorAt(C, b.CreateMul(b.getInt64(r), N), v); };
    // The accumulators: entry-block slots that SROA turns into registers,
    // starting at zero or at C.
    std::vector<Value *> acc;
    for (int r = 0; r < rows; ++r)
      for (int v = 0; v < kVectorsPerTile; ++v) {
        acc.push_back(b.CreateAlloca(vector_, nullptr, "acc"));
        if (direct) {
          b.CreateStore(zero, acc.back());
          continue;
        }
        Value *current = masked ? static_cast<Value *>(b.CreateMaskedLoad(vector_, cAt(r, v), align, masks[v], zero))
                                : b.CreateAlignedLoad(vector_, cAt(r, v), align);
        b.CreateStore(b.CreateSelect(first, zero, current), acc.back());
      }
    llvm::Function *fma = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::fma, {vector_});
    std::vector<Value *> rowA;
    for (int r = 0; r < rows; ++r) rowA.push_back(b.CreateGEP(element_, A, b.CreateMul(b.getInt64(r), rowStrideA)));

    loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
      Value *rowB = b.CreateMul(k, rowStrideB);
      Value *panel[kVectorsPerTile];
      for (int v = 0; v < kVectorsPerTile; ++v)
        panel[v] = direct && masked ? static_cast<Value *>(b.CreateMaskedLoad(vector_, vectorAt(B, rowB, v), align, masks[v], zero))
                                    : b.CreateAlignedLoad(vector_, vectorAt(B, rowB, v), align);
      Value *column = b.CreateMul(k, kStrideA);
      for (int r = 0; r < rows; ++r) {
        Value *a = b.CreateLoad(element_, b.CreateGEP(element_, rowA[r], column));
        Value *broadcast = b.CreateVectorSplat(lanes_, a);
        for (int v = 0; v < kVectorsPerTile; ++v) {
          Value *slot = acc[r * kVectorsPerTile + v];
          b.CreateStore(b.CreateCall(fma, {broadcast, panel[v], b.CreateLoad(vector_, slot)}), slot);
        }
      }
    });
    for (int r = 0; r < rows; ++r)
      for (int v = 0; v < kVectorsPerTile; ++v) {
        Value *sum = b.CreateLoad(vector_, acc[r * kVectorsPerTile + v]);
        if (masked)
          b.CreateMaskedStore(sum, cAt(r, v), align, masks[v]);
        else
          b.CreateAlignedStore(sum, cAt(r, v), align);
      }
    b.CreateRetVoid();
    return f;
  }

  llvm::Module &module_;
  llvm::LLVMContext &context_;
  DType dtype_;
  llvm::Type *element_;
  unsigned lanes_;
  llvm::FixedVectorType *vector_;
  llvm::PointerType *ptr_;
};

}  // namespace

llvm::StructType *gemmArgsType(llvm::LLVMContext &context) {
  if (auto *existing = llvm::StructType::getTypeByName(context, "dlc.gemm.args")) return existing;
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *ptr = llvm::PointerType::get(context, 0);
  return llvm::StructType::create(context, {i64, i64, i64, ptr, ptr, ptr, i64, i64, i64, i64, ptr, ptr, i64, ptr, i64, i64},
                                   "dlc.gemm.args");
}

llvm::FunctionType *epilogueType(llvm::LLVMContext &context) {
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *ptr = llvm::PointerType::get(context, 0);
  return llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr, ptr, i64, i64, i64, i64}, false);
}

llvm::Function *gemmTask(llvm::Module &module, DType dtype) { return GemmBuilder(module, dtype).task(); }

llvm::Function *gemmShareTask(llvm::Module &module, DType dtype) { return GemmBuilder(module, dtype).packTask(); }

SharedB sharedB(llvm::IRBuilder<> &b, DType dtype, Value *M, Value *K, Value *N) {
  auto [blocks, blockK] = kBlocks(b, K);
  const int64_t columns = tileColumns(dtype);
  Value *panels = panelCount(b, N, columns);
  // Over kDirectElements, B alone rules out the unpacked path, which packs
  // nothing. Over kSharedElements, B is shared in passes of K blocks only
  // when each thread would otherwise pack all of it more than once (more
  // than two row blocks in all): with fewer rows, packing a panel and using
  // it at once in L1 beat writing the packed B out and reading it back (32
  // x 20000 x 64: 1.07-1.17 of the time).
  Value *size = b.CreateMul(K, N);
  Value *large = b.CreateICmpSGT(size, b.getInt64(kSharedElements));
  Value *tall = b.CreateICmpSGT(M, b.getInt64(2 * stripRows(dtype)));
  Value *worth = b.CreateAnd(b.CreateICmpSGT(size, b.getInt64(kDirectElements)), b.CreateOr(b.CreateNot(large), tall));
  Value *cheap = b.CreateICmpSLE(size, b.getInt64(kDirectElements));
  // A phase takes as many K blocks as kSharedElements hold (at least one):
  // all of them for a B that small, and few passes, so few waits, for a
  // narrow B with a long K.
  Value *blockElements = b.CreateMul(b.CreateMul(blockK, panels), b.getInt64(columns));
  Value *fit = b.CreateSDiv(b.getInt64(kSharedElements), blockElements);
  fit = b.CreateSelect(b.CreateICmpSLT(fit, b.getInt64(1)), b.getInt64(1), fit);
  Value *phaseBlocks = b.CreateSelect(b.CreateICmpSLE(size, b.getInt64(kSharedElements)), blocks,
                                      b.CreateSelect(b.CreateICmpSLT(fit, blocks), fit, blocks));
  Value *phases = b.CreateSDiv(b.CreateAdd(blocks, b.CreateSub(phaseBlocks, b.getInt64(1))), phaseBlocks);
  Value *elements = b.CreateMul(b.CreateMul(b.CreateMul(phaseBlocks, panels), blockK), b.getInt64(columns));
  return {worth, cheap, phases, phaseBlocks, blocks, panels, elements};
}

}  // namespace dlc::codegen::x86
