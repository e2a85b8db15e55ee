// Matrix products with an epilogue: a Fused kernel whose body starts with a
// rank-2 matmul of two of its operands (passes/FuseMatmulEpilogue.h). The
// product goes through the generated GEMM straight into the kernel's result
// buffer, and the rest of the body runs as the GEMM's epilogue (Gemm.h): a
// function over a block of C (a range of rows by a range of columns), called
// by the thread that computed it once it holds its final sums, which
// replaces each element of C by the body's value for it. Each element is
// computed by the same operations, in the same dtypes, as the separate
// product and elementwise ops, so fusing changes no number; and the
// elementwise part is split across threads with the product.
//
// A body the epilogue cannot take (values that are not float or bool, whose
// integer operations check for errors in `main`, or operands of rank above
// 2) is emitted as the product followed by an ordinary loop in `main`.
#include "codegen/x86/Emitter.h"
#include "codegen/x86/Gemm.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using llvm::Value;

namespace {

bool epilogueValue(const ir::Value *v) { return v && (isFloat(v->type.dtype) || v->type.dtype == DType::Bool); }

}  // namespace

void Emitter::emitMatMulKernel(const ir::Op &op) {
  const ir::Region &body = *op.regions.at(0);
  const ir::Op &product = *body.ops.at(0);
  if (product.operands.size() != 2 || !product.result || !op.result)
    return internalError(op.loc, "a matmul kernel needs a product of two operands first");
  const RtTensor &a = operand(product, 0), &bm = operand(product, 1);
  const TensorType &type = op.result->type;
  const DType dtype = type.dtype;
  if (a.rank() != 2 || bm.rank() != 2 || type.rank() != 2 || product.result->type.dtype != dtype ||
      !isFloat(dtype) || a.dtype != dtype || bm.dtype != dtype)
    return internalError(op.loc, "a matmul kernel needs float matrices of one dtype");
  Value *rows = a.dims[0], *inner = a.dims[1], *innerB = bm.dims[0], *cols = bm.dims[1];
  if (!llvm::isa<llvm::ConstantInt>(inner) || !llvm::isa<llvm::ConstantInt>(innerB))
    failIf(b_.CreateICmpNE(inner, innerB), "matrix product needs matching inner dimensions, got {} and {}", op.loc,
           inner, innerB);
  RtTensor out = allocate(dtype, resultDims(type, {rows, cols}));
  bool viewA = transposedValues_.count(product.operands[0]) > 0, viewB = transposedValues_.count(product.operands[1]) > 0;
  Value *rsA = viewA ? i64(1) : inner, *csA = viewA ? rows : i64(1);
  Value *rsB = viewB ? i64(1) : cols, *csB = viewB ? innerB : i64(1);

  // The values the epilogue reads besides the product, in order of first use.
  std::vector<const ir::Value *> extras;
  std::unordered_set<const ir::Value *> inside{product.result};
  bool fits = true;
  for (size_t i = 1; i < body.ops.size(); ++i) {
    const ir::Op &inner = *body.ops[i];
    fits = fits && epilogueValue(inner.result);
    for (size_t k = 0; k < inner.operands.size(); ++k) {
      const ir::Value *v = inner.operands[k];
      fits = fits && epilogueValue(v);
      if (inside.insert(v).second) {
        extras.push_back(v);
        fits = fits && operand(inner, k).rank() <= 2;
      }
    }
    inside.insert(inner.result);
  }
  std::vector<ElementFunction> steps;
  for (size_t i = 1; i < body.ops.size(); ++i) steps.push_back(elementFunction(*body.ops[i]));
  // Element (i, j) of the kernel from the product's element and the extras'.
  auto evaluate = [&](Value *productElement, const std::vector<Value *> &extraElements) {
    std::unordered_map<const ir::Value *, Value *> element{{product.result, productElement}};
    for (size_t k = 0; k < extras.size(); ++k) element[extras[k]] = extraElements[k];
    for (size_t i = 1; i < body.ops.size(); ++i) {
      std::vector<Value *> args;
      for (const ir::Value *v : body.ops[i]->operands) args.push_back(element.at(v));
      element[body.ops[i]->result] = steps[i - 1](args);
    }
    return element.at(body.ops.back()->result);
  };

  if (!fits) {
    callGemm(dtype, a.data, bm.data, out.data, rows, cols, inner, rsA, csA, rsB, csB);
    std::vector<const RtTensor *> ins{&out};
    for (const ir::Value *v : extras) ins.push_back(&values_.at(v));
    RtTensor result = mapElements(type, ins, [&](const std::vector<Value *> &x) {
      return evaluate(x[0], std::vector<Value *>(x.begin() + 1, x.end()));
    }, op.loc);
    return define(op, result);
  }

  // Each extra is read at row * rs + column * cs: 0 along a dimension it
  // broadcasts over. Strides known here are constants in the epilogue; the
  // others travel in its argument record {ptr data...; i64 rs..., cs...; i64 N}.
  const size_t n = extras.size();
  std::vector<Value *> rs(n), cs(n);
  for (size_t k = 0; k < n; ++k) {
    const RtTensor &t = values_.at(extras[k]);
    Value *r = t.rank() == 2 ? t.dims[0] : i64(1), *c = t.rank() >= 1 ? t.dims[t.rank() - 1] : i64(1);
    cs[k] = isConst(c, 1) ? i64(0) : b_.CreateSelect(b_.CreateICmpEQ(c, i64(1)), i64(0), i64(1));
    rs[k] = isConst(r, 1) ? i64(0) : b_.CreateSelect(b_.CreateICmpEQ(r, i64(1)), i64(0), c);
  }
  std::vector<llvm::Type *> fieldTypes(n, b_.getPtrTy());
  fieldTypes.resize(3 * n + 1, b_.getInt64Ty());
  auto *argsTy = llvm::StructType::get(llvm_, fieldTypes);
  Value *args = entryAlloca(argsTy, nullptr, "epilogue.args");
  for (size_t k = 0; k < n; ++k) {
    b_.CreateStore(values_.at(extras[k]).data, b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(k)));
    b_.CreateStore(rs[k], b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(n + k)));
    b_.CreateStore(cs[k], b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(2 * n + k)));
  }
  b_.CreateStore(out.dims[1], b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(3 * n)));

  // The epilogue function, emitted with this emitter's machinery pointed at it.
  llvm::Function *epilogue =
      llvm::Function::Create(x86::epilogueType(llvm_), llvm::Function::InternalLinkage, "dlc.epilogue", out_.get());
  epilogue->addFnAttr(llvm::Attribute::NoUnwind);
  epilogue->addParamAttr(1, llvm::Attribute::NoAlias);  // C is the kernel's fresh buffer
  {
    llvm::IRBuilderBase::InsertPointGuard keep(b_);
    llvm::Function *mainFunction = main_;
    main_ = epilogue;
    b_.SetInsertPoint(llvm::BasicBlock::Create(llvm_, "entry", epilogue));
    Value *record = epilogue->getArg(0), *C = epilogue->getArg(1);
    auto field = [&](size_t i, llvm::Type *t, Value *known) -> Value * {
      if (known && llvm::isa<llvm::Constant>(known)) return known;
      return b_.CreateLoad(t, b_.CreateStructGEP(argsTy, record, static_cast<unsigned>(i)));
    };
    std::vector<Value *> data(n), rowStride(n), columnStride(n);
    for (size_t k = 0; k < n; ++k) {
      data[k] = field(k, b_.getPtrTy(), nullptr);
      rowStride[k] = field(n + k, b_.getInt64Ty(), rs[k]);
      columnStride[k] = field(2 * n + k, b_.getInt64Ty(), cs[k]);
    }
    Value *N = field(3 * n, b_.getInt64Ty(), out.dims[1]);
    RtTensor c{dtype, C, {}};
    // Rows [r0, r1) of columns [c0, c1). (A second loop nest for whole
    // rows, whose constant N spares the vectorised loop its run-time
    // checks, saved 0.3 % of the digits MLP's instructions and cost 2.8 %
    // more of dlc's on examples/digits.dl.)
    loop(epilogue->getArg(2), epilogue->getArg(3), [&](Value *i) {
      loop(epilogue->getArg(4), epilogue->getArg(5), [&](Value *j) {
        Value *at = b_.CreateAdd(b_.CreateMul(i, N), j);
        std::vector<Value *> elements;
        for (size_t k = 0; k < n; ++k) {
          RtTensor t{extras[k]->type.dtype, data[k], {}};
          elements.push_back(loadElement(t, b_.CreateAdd(b_.CreateMul(i, rowStride[k]), b_.CreateMul(j, columnStride[k]))));
        }
        storeElement(c, at, evaluate(loadElement(c, at), elements));
      });
    });
    b_.CreateRetVoid();
    main_ = mainFunction;
  }
  callGemm(dtype, a.data, bm.data, out.data, rows, cols, inner, rsA, csA, rsB, csB, epilogue, args);
  define(op, out);
}

}  // namespace dlc::codegen::x86
