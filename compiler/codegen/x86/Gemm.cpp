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
constexpr int64_t kBlockK = 4096;  // a packed panel: 4096 x 16 f32 = 256 KiB of stack

// for (i = lo; i < hi; i += step) body(i), i an i64, in function `f`.
void loop(llvm::IRBuilder<> &b, llvm::Function *f, Value *lo, Value *hi, int64_t step,
          const std::function<void(Value *)> &body) {
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
  body(i);
  i->addIncoming(b.CreateNSWAdd(i, b.getInt64(static_cast<uint64_t>(step))), b.GetInsertBlock());
  b.CreateBr(header);
  b.SetInsertPoint(exit);
}

Value *smin(llvm::IRBuilder<> &b, Value *x, Value *y) { return b.CreateSelect(b.CreateICmpSLT(x, y), x, y); }

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
    Value *rowBegin = b.CreateMul(f->getArg(1), b.getInt64(kGemmRows));
    Value *rowEnd = smin(b, b.CreateMul(f->getArg(2), b.getInt64(kGemmRows)), M);
    const int64_t columns = static_cast<int64_t>(lanes_) * kVectorsPerTile;

    // K in blocks of kBlockK; in each, column panels outside and row tiles
    // inside. A block's panel of B (up to kBlockK x 2 vectors) is copied into
    // a contiguous buffer first: B's rows are N elements apart, and for N a
    // multiple of 1024 they all fall into the same few L1 sets (2048^2: 61 ->
    // 140 GFLOP/s); it then stays in cache while every row tile of this task
    // reads it. (Blocks of 256, to keep A's strip in L1 too, measured slower:
    // C is reloaded per block.) A tile's first block starts its
    // accumulators at zero and later blocks reload them from C, which holds
    // exactly the partial sums: each element is still one FMA chain in k
    // order, as without blocks.
    llvm::Type *packedTy = llvm::ArrayType::get(element_, kBlockK * static_cast<uint64_t>(columns));
    llvm::AllocaInst *packed = b.CreateAlloca(packedTy, nullptr, "packed.panel");
    packed->setAlignment(llvm::Align(64));
    // max(1, ceil(K / kBlockK)) blocks: with K = 0 one empty block writes the zeros.
    Value *blocks = b.CreateSDiv(b.CreateAdd(K, b.getInt64(kBlockK - 1)), b.getInt64(kBlockK));
    blocks = b.CreateSelect(b.CreateICmpSLT(blocks, b.getInt64(1)), b.getInt64(1), blocks);
    loop(b, f, b.getInt64(0), blocks, 1, [&](Value *block) {
      Value *k0 = b.CreateMul(block, b.getInt64(kBlockK));
      Value *kc = smin(b, b.CreateSub(K, k0), b.getInt64(kBlockK));
      Value *first = b.CreateICmpEQ(block, b.getInt64(0));
      loop(b, f, b.getInt64(0), N, columns, [&](Value *j0) {
        Value *cols = smin(b, b.CreateSub(N, j0), b.getInt64(static_cast<uint64_t>(columns)));
        Value *full = b.CreateICmpEQ(cols, b.getInt64(static_cast<uint64_t>(columns)));
        Value *panel = b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(k0, rsB), b.CreateMul(j0, csB)));
        b.CreateCall(packPanel(), {panel, packed, kc, rsB, csB, cols});
        loop(b, f, rowBegin, rowEnd, kGemmRows, [&](Value *i0) {
          Value *rows = smin(b, b.CreateSub(rowEnd, i0), b.getInt64(kGemmRows));
          Value *a = b.CreateGEP(element_, A, b.CreateAdd(b.CreateMul(i0, rsA), b.CreateMul(k0, csA)));
          Value *c = b.CreateGEP(element_, C, b.CreateAdd(b.CreateMul(i0, N), j0));
          // switch (rows) to the kernel for that many rows, full or masked.
          BasicBlock *after = BasicBlock::Create(context_, "tile.done", f);
          llvm::SwitchInst *byRows = b.CreateSwitch(rows, after, kGemmRows);
          for (int r = 1; r <= kGemmRows; ++r) {
            BasicBlock *caseBB = BasicBlock::Create(context_, "tile.rows" + std::to_string(r), f);
            byRows->addCase(b.getInt64(static_cast<uint64_t>(r)), caseBB);
            b.SetInsertPoint(caseBB);
            BasicBlock *fullBB = BasicBlock::Create(context_, "tile.full", f);
            BasicBlock *maskedBB = BasicBlock::Create(context_, "tile.masked", f);
            b.CreateCondBr(full, fullBB, maskedBB);
            b.SetInsertPoint(fullBB);
            b.CreateCall(tile(r, false), {a, packed, c, kc, rsA, csA, N, cols, first});
            b.CreateBr(after);
            b.SetInsertPoint(maskedBB);
            b.CreateCall(tile(r, true), {a, packed, c, kc, rsA, csA, N, cols, first});
            b.CreateBr(after);
          }
          b.SetInsertPoint(after);
        });
      });
    });
    b.CreateRetVoid();
    return f;
  }

private:
  llvm::Type *i64Ty() { return llvm::Type::getInt64Ty(context_); }

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
  // read as vectors when its columns are adjacent, element by element when
  // B is a transposed view.
  llvm::Function *packPanel() {
    std::string name = std::string("dlc.gemm.") + dtypeName(dtype_) + ".pack";
    if (llvm::Function *existing = module_.getFunction(name)) return existing;
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context_),
                                         {ptr_, ptr_, i64Ty(), i64Ty(), i64Ty(), i64Ty()}, false);
    llvm::Function *f = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addParamAttr(0, llvm::Attribute::NoAlias);
    f->addParamAttr(1, llvm::Attribute::NoAlias);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *B = f->getArg(0), *out = f->getArg(1), *kc = f->getArg(2);
    Value *rsB = f->getArg(3), *csB = f->getArg(4), *cols = f->getArg(5);
    const int64_t columns = static_cast<int64_t>(lanes_) * kVectorsPerTile;
    const llvm::Align align(dtype_ == DType::F64 ? 8 : 4);
    std::vector<Value *> masks = columnMasks(b, cols);
    llvm::Constant *zero = llvm::Constant::getNullValue(vector_);
    BasicBlock *rowsBB = BasicBlock::Create(context_, "pack.rows", f);
    BasicBlock *gatherBB = BasicBlock::Create(context_, "pack.gather", f);
    BasicBlock *done = BasicBlock::Create(context_, "pack.done", f);
    b.CreateCondBr(b.CreateICmpEQ(csB, b.getInt64(1)), rowsBB, gatherBB);
    b.SetInsertPoint(rowsBB);
    loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
      Value *from = b.CreateMul(k, rsB), *to = b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns)));
      for (int v = 0; v < kVectorsPerTile; ++v) {
        Value *offset = b.getInt64(static_cast<uint64_t>(v) * lanes_);
        Value *src = b.CreateGEP(element_, B, b.CreateAdd(from, offset));
        Value *dst = b.CreateGEP(element_, out, b.CreateAdd(to, offset));
        b.CreateAlignedStore(b.CreateMaskedLoad(vector_, src, align, masks[v], zero), dst, align);
      }
    });
    b.CreateBr(done);
    b.SetInsertPoint(gatherBB);
    // Column j of the panel is row j of the transposed source: read it along k.
    loop(b, f, b.getInt64(0), b.getInt64(static_cast<uint64_t>(columns)), 1, [&](Value *j) {
      Value *present = b.CreateICmpSLT(j, cols);
      loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
        Value *to = b.CreateGEP(element_, out, b.CreateAdd(b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns))), j));
        BasicBlock *readBB = BasicBlock::Create(context_, "pack.read", f);
        BasicBlock *zeroBB = BasicBlock::Create(context_, "pack.zero", f);
        BasicBlock *next = BasicBlock::Create(context_, "pack.next", f);
        b.CreateCondBr(present, readBB, zeroBB);
        b.SetInsertPoint(readBB);
        Value *from = b.CreateGEP(element_, B, b.CreateAdd(b.CreateMul(k, rsB), b.CreateMul(j, csB)));
        b.CreateStore(b.CreateLoad(element_, from), to);
        b.CreateBr(next);
        b.SetInsertPoint(zeroBB);
        b.CreateStore(llvm::Constant::getNullValue(element_), to);
        b.CreateBr(next);
        b.SetInsertPoint(next);
      });
    });
    b.CreateBr(done);
    b.SetInsertPoint(done);
    b.CreateRetVoid();
    return f;
  }

  // void tile(ptr A, ptr B, ptr C, i64 kc, i64 rsA, i64 csA, i64 N, i64
  // cols, i1 first): C[r][j] (+)= sum_k A[r * rsA + k * csA] * B[k][j] over
  // kc steps of k, for `rows` rows and the tile's columns (the first `cols`
  // of them when masked); B is a packed panel (rows 2 vectors apart), C has
  // row stride N. With `first` the sums start at zero, else at C's values.
  llvm::Function *tile(int rows, bool masked) {
    std::string name = std::string("dlc.gemm.") + dtypeName(dtype_) + ".tile" + std::to_string(rows) +
                       (masked ? ".masked" : "");
    if (llvm::Function *existing = module_.getFunction(name)) return existing;
    auto *type = llvm::FunctionType::get(
        llvm::Type::getVoidTy(context_),
        {ptr_, ptr_, ptr_, i64Ty(), i64Ty(), i64Ty(), i64Ty(), i64Ty(), llvm::Type::getInt1Ty(context_)}, false);
    llvm::Function *f = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    for (unsigned i = 0; i < 3; ++i) f->addParamAttr(i, llvm::Attribute::NoAlias);
    llvm::IRBuilder<> b(BasicBlock::Create(context_, "entry", f));
    Value *A = f->getArg(0), *B = f->getArg(1), *C = f->getArg(2), *kc = f->getArg(3);
    Value *rsA = f->getArg(4), *csA = f->getArg(5), *N = f->getArg(6), *cols = f->getArg(7), *first = f->getArg(8);
    const llvm::Align align(dtype_ == DType::F64 ? 8 : 4);
    const int64_t columns = static_cast<int64_t>(lanes_) * kVectorsPerTile;

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
        Value *current = masked ? static_cast<Value *>(b.CreateMaskedLoad(vector_, cAt(r, v), align, masks[v], zero))
                                : b.CreateAlignedLoad(vector_, cAt(r, v), align);
        b.CreateStore(b.CreateSelect(first, zero, current), acc.back());
      }
    llvm::Function *fma = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::fma, {vector_});

    loop(b, f, b.getInt64(0), kc, 1, [&](Value *k) {
      Value *rowB = b.CreateMul(k, b.getInt64(static_cast<uint64_t>(columns)));
      Value *panel[kVectorsPerTile];
      for (int v = 0; v < kVectorsPerTile; ++v) panel[v] = b.CreateAlignedLoad(vector_, vectorAt(B, rowB, v), align);
      Value *column = b.CreateMul(k, csA);
      for (int r = 0; r < rows; ++r) {
        Value *a = b.CreateLoad(element_, b.CreateGEP(element_, A, b.CreateAdd(b.CreateMul(b.getInt64(r), rsA), column)));
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
  return llvm::StructType::create(context, {i64, i64, i64, ptr, ptr, ptr, i64, i64, i64, i64}, "dlc.gemm.args");
}

llvm::Function *gemmTask(llvm::Module &module, DType dtype) { return GemmBuilder(module, dtype).task(); }

}  // namespace dlc::codegen::x86
