// Large fused elementwise kernels split across the context's threads.
//
// A Fused kernel of at least kParallelElements elements whose operands and
// extra outputs are each either shaped like the result or a single element
// (the optimizer updates, a ReLU over a batch of activations), and whose
// body computes only in float and bool (integer division checks for errors
// in `main`), is emitted as a dl_parallel_for task over chunks of its
// elements: the same per-element arithmetic as the loop in `main`
// (EmitElementwise.cpp), only the elements are shared out, so results do not
// depend on the thread count.
#include "codegen/x86/Emitter.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using llvm::Value;

namespace {

// Below this many elements, handing work to the other threads costs more
// than it saves. Weighting elements by their divisions and square roots (so
// that the digits MLP's Adam updates, 8192 elements, were split) gained at
// best a few percent on a quiet machine and doubled the step on a busy one:
// the caller then waits for a worker that is waiting for a core.
constexpr int64_t kParallelElements = int64_t(1) << 16;
// Elements per unit of dl_parallel_for's count.
constexpr int64_t kChunk = 1024;

bool floatOrBool(const ir::Value *v) { return v && (isFloat(v->type.dtype) || v->type.dtype == DType::Bool); }

}  // namespace

bool Emitter::emitParallelFused(const ir::Op &op) {
  if (!op.result || op.regions.size() != 1) return false;
  const TensorType &type = op.result->type;
  std::optional<int64_t> count = type.staticElementCount();
  if (!count) return false;
  const ir::Region &body = *op.regions[0];
  if (*count < kParallelElements) return false;
  std::vector<const ir::Value *> extras;
  for (double d : op.attrs.data) {
    size_t n = static_cast<size_t>(d);
    if (n >= body.ops.size() || !body.ops[n]->result || body.ops[n]->result->type.dims != type.dims) return false;
    extras.push_back(body.ops[n]->result);
  }
  for (auto &inner : body.ops) {
    if (!ir::isElementwise(inner->kind) || !floatOrBool(inner->result)) return false;
    for (const ir::Value *v : inner->operands)
      if (!floatOrBool(v)) return false;
  }
  // Each operand: read at the element's offset, or its one element.
  std::vector<bool> single;
  for (const ir::Value *v : op.operands) {
    std::optional<int64_t> n = v->type.staticElementCount();
    if (v->type.dims == type.dims) single.push_back(false);
    else if (n && *n == 1) single.push_back(true);
    else return false;
  }

  std::vector<const RtTensor *> ins;
  for (size_t i = 0; i < op.operands.size(); ++i) ins.push_back(&operand(op, i));
  // Outputs stored back over a buffer the kernel reads are written there
  // (InPlaceLoads.h): the loop then stores through that operand's pointer.
  std::vector<int> overwrite = inPlaceOperands(op, 1 + extras.size());
  auto output = [&](size_t k, const ir::Value *v) {
    if (overwrite[k] >= 0) return RtTensor{v->type.dtype, ins[static_cast<size_t>(overwrite[k])]->data, resultDims(v->type, {})};
    return allocate(v->type.dtype, resultDims(v->type, {}));
  };
  RtTensor out = output(0, op.result);
  std::vector<RtTensor> extraOuts;
  for (size_t e = 0; e < extras.size(); ++e) extraOuts.push_back(output(e + 1, extras[e]));
  // The task's arguments: the result, the operands, the extra outputs.
  const size_t n = ins.size();
  std::vector<llvm::Type *> fields(1 + n + extras.size(), b_.getPtrTy());
  auto *argsTy = llvm::StructType::get(llvm_, fields);
  Value *args = entryAlloca(argsTy, nullptr, "kernel.args");
  b_.CreateStore(out.data, b_.CreateStructGEP(argsTy, args, 0));
  for (size_t k = 0; k < n; ++k) b_.CreateStore(ins[k]->data, b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(k + 1)));
  for (size_t e = 0; e < extras.size(); ++e)
    b_.CreateStore(extraOuts[e].data, b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(1 + n + e)));

  std::vector<ElementFunction> steps;
  for (auto &inner : body.ops) steps.push_back(elementFunction(*inner));
  // The task loads the buffers from its record and calls the loop, a
  // function whose buffer parameters are noalias (the outputs are fresh, so
  // no operand aliases them): inlined, that lets LLVM vectorise the loop,
  // which pointers loaded from memory would not (Adam's three outputs and
  // eleven operands are too many for run-time overlap checks).
  const size_t buffers = 1 + n + extras.size();
  std::vector<llvm::Type *> loopParams(buffers, b_.getPtrTy());
  loopParams.push_back(b_.getInt64Ty());
  loopParams.push_back(b_.getInt64Ty());
  auto *loopTy = llvm::FunctionType::get(b_.getVoidTy(), loopParams, false);
  llvm::Function *loopFn = llvm::Function::Create(loopTy, llvm::Function::InternalLinkage, "dlc.kernel.loop", out_.get());
  loopFn->addFnAttr(llvm::Attribute::NoUnwind);
  loopFn->addFnAttr(llvm::Attribute::AlwaysInline);
  for (unsigned i = 0; i < buffers; ++i) loopFn->addParamAttr(i, llvm::Attribute::NoAlias);
  auto *taskTy = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getInt64Ty(), b_.getInt64Ty()}, false);
  llvm::Function *task = llvm::Function::Create(taskTy, llvm::Function::InternalLinkage, "dlc.kernel", out_.get());
  task->addFnAttr(llvm::Attribute::NoUnwind);
  {
    llvm::IRBuilderBase::InsertPointGuard keep(b_);
    llvm::Function *mainFunction = main_;
    b_.SetInsertPoint(llvm::BasicBlock::Create(llvm_, "entry", task));
    std::vector<Value *> callArgs;
    for (size_t i = 0; i < buffers; ++i)
      callArgs.push_back(b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(argsTy, task->getArg(0), static_cast<unsigned>(i))));
    Value *end = b_.CreateMul(task->getArg(2), i64(kChunk));
    callArgs.push_back(b_.CreateMul(task->getArg(1), i64(kChunk)));
    callArgs.push_back(b_.CreateSelect(b_.CreateICmpSLT(end, i64(*count)), end, i64(*count)));
    b_.CreateCall(loopFn, callArgs);
    b_.CreateRetVoid();

    main_ = loopFn;
    b_.SetInsertPoint(llvm::BasicBlock::Create(llvm_, "entry", loopFn));
    std::vector<RtTensor> operands, extraResults;
    std::vector<Value *> singles(n, nullptr);
    for (size_t k = 0; k < n; ++k) {
      operands.push_back(RtTensor{ins[k]->dtype, loopFn->getArg(static_cast<unsigned>(k + 1)), {}});
      if (single[k]) singles[k] = loadElement(operands.back(), i64(0));  // read once
    }
    // An output written in place goes through its operand's parameter (its
    // own, the same pointer, is left unused: both are noalias).
    auto outputParam = [&](size_t k, unsigned own) {
      return overwrite[k] >= 0 ? operands[static_cast<size_t>(overwrite[k])].data : static_cast<Value *>(loopFn->getArg(own));
    };
    RtTensor result{type.dtype, outputParam(0, 0), {}};
    for (size_t e = 0; e < extras.size(); ++e)
      extraResults.push_back(RtTensor{extraOuts[e].dtype, outputParam(e + 1, static_cast<unsigned>(1 + n + e)), {}});
    loop(loopFn->getArg(static_cast<unsigned>(buffers)), loopFn->getArg(static_cast<unsigned>(buffers + 1)), [&](Value *i) {
      std::unordered_map<const ir::Value *, Value *> element;
      for (size_t k = 0; k < n; ++k) element[op.operands[k]] = single[k] ? singles[k] : loadElement(operands[k], i);
      for (size_t s = 0; s < body.ops.size(); ++s) {
        std::vector<Value *> xs;
        for (const ir::Value *v : body.ops[s]->operands) xs.push_back(element.at(v));
        element[body.ops[s]->result] = steps[s](xs);
      }
      storeElement(result, i, element.at(body.ops.back()->result));
      for (size_t e = 0; e < extras.size(); ++e) storeElement(extraResults[e], i, element.at(extras[e]));
    });
    b_.CreateRetVoid();
    main_ = mainFunction;
  }
  callChecked("dl_parallel_for", {ctx_, i64((*count + kChunk - 1) / kChunk), task, args});
  kernelOutputs_[op.result] = extraOuts;
  define(op, out);
  return true;
}

}  // namespace dlc::codegen::x86
