// Large fused elementwise kernels split across the context's threads.
//
// A Fused kernel over at least kParallelElements elements whose operands are
// each either shaped like the result or a single element (the optimizer
// updates, a ReLU over a batch of activations), and whose body computes only
// in float and bool (integer division checks for errors in `main`), is
// emitted as a dl_parallel_for task over chunks of its elements: the same
// per-element arithmetic as the loop in `main` (EmitElementwise.cpp), only
// the elements are shared out, so results do not depend on the thread count.
#include "codegen/x86/Emitter.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using llvm::Value;

namespace {

// Below this, waking the other threads costs more than it saves.
constexpr int64_t kParallelElements = int64_t(1) << 16;
// Elements per unit of dl_parallel_for's count.
constexpr int64_t kChunk = 1024;

bool floatOrBool(const ir::Value *v) { return v && (isFloat(v->type.dtype) || v->type.dtype == DType::Bool); }

}  // namespace

bool Emitter::emitParallelFused(const ir::Op &op) {
  if (!op.result || op.regions.size() != 1) return false;
  if (!op.attrs.data.empty()) return false;  // extra outputs: the serial loop writes them
  const TensorType &type = op.result->type;
  std::optional<int64_t> count = type.staticElementCount();
  if (!count || *count < kParallelElements) return false;
  const ir::Region &body = *op.regions[0];
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
  RtTensor out = allocate(type.dtype, resultDims(type, {}));
  const size_t n = ins.size();
  std::vector<llvm::Type *> fields(n + 1, b_.getPtrTy());
  auto *argsTy = llvm::StructType::get(llvm_, fields);
  Value *args = entryAlloca(argsTy, nullptr, "kernel.args");
  b_.CreateStore(out.data, b_.CreateStructGEP(argsTy, args, 0));
  for (size_t k = 0; k < n; ++k) b_.CreateStore(ins[k]->data, b_.CreateStructGEP(argsTy, args, static_cast<unsigned>(k + 1)));

  std::vector<ElementFunction> steps;
  for (auto &inner : body.ops) steps.push_back(elementFunction(*inner));
  auto *taskTy = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getInt64Ty(), b_.getInt64Ty()}, false);
  llvm::Function *task = llvm::Function::Create(taskTy, llvm::Function::InternalLinkage, "dlc.kernel", out_.get());
  task->addFnAttr(llvm::Attribute::NoUnwind);
  {
    llvm::IRBuilderBase::InsertPointGuard keep(b_);
    llvm::Function *mainFunction = main_;
    main_ = task;
    b_.SetInsertPoint(llvm::BasicBlock::Create(llvm_, "entry", task));
    Value *record = task->getArg(0);
    auto pointer = [&](size_t i) {
      auto *load = b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(argsTy, record, static_cast<unsigned>(i)));
      return load;
    };
    RtTensor result{type.dtype, pointer(0), {}};
    std::vector<RtTensor> operands;
    std::vector<Value *> singles(n, nullptr);
    for (size_t k = 0; k < n; ++k) {
      operands.push_back(RtTensor{ins[k]->dtype, pointer(k + 1), {}});
      if (single[k]) singles[k] = loadElement(operands.back(), i64(0));  // read once
    }
    Value *begin = b_.CreateMul(task->getArg(1), i64(kChunk));
    Value *end = b_.CreateMul(task->getArg(2), i64(kChunk));
    end = b_.CreateSelect(b_.CreateICmpSLT(end, i64(*count)), end, i64(*count));
    loop(begin, end, [&](Value *i) {
      std::unordered_map<const ir::Value *, Value *> element;
      for (size_t k = 0; k < n; ++k) element[op.operands[k]] = single[k] ? singles[k] : loadElement(operands[k], i);
      for (size_t s = 0; s < body.ops.size(); ++s) {
        std::vector<Value *> xs;
        for (const ir::Value *v : body.ops[s]->operands) xs.push_back(element.at(v));
        element[body.ops[s]->result] = steps[s](xs);
      }
      storeElement(result, i, element.at(body.ops.back()->result));
    });
    b_.CreateRetVoid();
    main_ = mainFunction;
  }
  callChecked("dl_parallel_for", {ctx_, i64((*count + kChunk - 1) / kChunk), task, args});
  define(op, out);
  return true;
}

}  // namespace dlc::codegen::x86
