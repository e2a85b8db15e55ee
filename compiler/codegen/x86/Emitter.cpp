// The emitter's machinery (values, memory, loops, run-time checks, calls into
// dl_runtime) and the program's structure: `main`, regions, `for`, `if`.
#include "codegen/x86/Emitter.h"
#include "codegen/common/Elements.h"
#include "codegen/nvptx/HostLaunch.h"
#include "codegen/x86/InPlaceLoads.h"
#include "codegen/x86/TransposeViews.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

namespace dlc::codegen::x86 {

using llvm::BasicBlock;
using llvm::Value;

namespace {
// Static tensors up to this size live in stack slots instead of the heap.
constexpr int64_t kStackBytes = 256;
}  // namespace

Emitter::Emitter(const ir::Module &module, llvm::LLVMContext &context, DiagnosticEngine &diags)
    : module_(module), llvm_(context), diags_(diags), b_(context) {}

std::unique_ptr<llvm::Module> Emitter::run(const llvm::DataLayout &layout, const std::string &triple) {
  out_ = std::make_unique<llvm::Module>("dl_program", llvm_);
  out_->setDataLayout(layout);
  out_->setTargetTriple(triple);
  inPlaceLoads_ = findInPlaceLoads(module_);
  inPlaceUpdates_ = findInPlaceUpdates(module_, inPlaceLoads_);
  transposeViews_ = findTransposeViews(module_);
  emitMain();
  if (failed_) return nullptr;
  return std::move(out_);
}

// ---- Program structure ------------------------------------------------------

void Emitter::emitMain() {
  auto *ptrTy = b_.getPtrTy();
  auto *fnTy = llvm::FunctionType::get(b_.getInt32Ty(), {b_.getInt32Ty(), ptrTy}, false);
  main_ = llvm::Function::Create(fnTy, llvm::Function::ExternalLinkage, "main", out_.get());
  Value *argc = main_->getArg(0), *argv = main_->getArg(1);
  BasicBlock *entry = BasicBlock::Create(llvm_, "entry", main_);
  b_.SetInsertPoint(entry);

  // The context: a program that cannot make one has nothing to report with.
  Value *ctxSlot = b_.CreateAlloca(ptrTy, nullptr, "ctx.slot");
  Value *created = callRuntime("dl_context_create", b_.getInt32Ty(), {ctxSlot});
  BasicBlock *noContext = BasicBlock::Create(llvm_, "no.context", main_);
  BasicBlock *start = BasicBlock::Create(llvm_, "start", main_);
  b_.CreateCondBr(b_.CreateICmpNE(created, i32(0)), noContext, start);
  b_.SetInsertPoint(noContext);
  callRuntime("dl_error_report", b_.getVoidTy(), {llvm::ConstantPointerNull::get(ptrTy)});
  b_.CreateRet(i32(2));

  b_.SetInsertPoint(start);
  ctx_ = b_.CreateLoad(ptrTy, ctxSlot, "ctx");
  failBlock_ = BasicBlock::Create(llvm_, "fail", main_);
  stdout_ = callRuntime("dl_stdout", ptrTy, {});
  Value *exitNowSlot = entryAlloca(b_.getInt32Ty(), nullptr, "exit.now");
  if (device_) device_->emitEnable();
  callChecked("dl_program_start", {ctx_, argc, argv, exitNowSlot});
  BasicBlock *exitNow = BasicBlock::Create(llvm_, "exit.now", main_);
  BasicBlock *body = BasicBlock::Create(llvm_, "program", main_);
  b_.CreateCondBr(b_.CreateICmpNE(b_.CreateLoad(b_.getInt32Ty(), exitNowSlot), i32(0)), exitNow, body);
  b_.SetInsertPoint(exitNow);
  callRuntime("dl_context_destroy", b_.getVoidTy(), {ctx_});
  b_.CreateRet(i32(0));

  b_.SetInsertPoint(body);
  declareStorages();
  prepareCheckpoints();
  if (device_) device_->emitProgram();
  else emitRegion(module_.main());
  freeStorages();
  callRuntime("dl_context_destroy", b_.getVoidTy(), {ctx_});
  b_.CreateRet(i32(0));

  // Every run-time failure ends here: the message was recorded on the context.
  b_.SetInsertPoint(failBlock_);
  callRuntime("dl_error_report", b_.getVoidTy(), {ctx_});
  b_.CreateCall(runtime("exit", b_.getVoidTy(), {b_.getInt32Ty()}), {i32(2)});
  b_.CreateUnreachable();
}

void Emitter::emitRegion(const ir::Region &region) {
  pushScope();
  for (auto &op : region.ops) emitOp(*op);
  popScope();
}

void Emitter::emitOp(const ir::Op &op) {
  if (!device_ || !device_->emit(op)) emitOnHost(op);
}

void Emitter::emitOnHost(const ir::Op &op) {
  using ir::OpKind;
  switch (ir::category(op.kind)) {
  case ir::Category::Constant: return emitConstant(op);
  case ir::Category::Unary:
  case ir::Category::Binary:
  case ir::Category::Ternary: return emitElementwise(op);
  case ir::Category::Reduce: return emitReduce(op);
  case ir::Category::Contraction: return emitMatMul(op);
  case ir::Category::Creation: return emitCreation(op);
  case ir::Category::Random:
    return op.kind == OpKind::Randperm || op.kind == OpKind::LoaderOrder ? emitRandperm(op) : emitRandom(op);
  case ir::Category::Storage: return op.kind == OpKind::Load ? emitLoad(op) : emitStore(op);
  case ir::Category::Control: return op.kind == OpKind::For ? emitFor(op) : emitIf(op);
  case ir::Category::Movement:
    switch (op.kind) {
    case OpKind::Transpose: return emitTranspose(op);
    case OpKind::Reshape: return emitReshape(op);
    case OpKind::BroadcastTo: return emitBroadcastTo(op);
    case OpKind::ReduceTo: return emitReduceTo(op);
    case OpKind::Index: return emitIndex(op);
    case OpKind::IndexGrad: return emitIndexGrad(op);
    case OpKind::Concat: return emitConcat(op);
    case OpKind::Stack: return emitStack(op);
    case OpKind::OneHot: return emitOneHot(op);
    case OpKind::Take: return emitTake(op);
    default: break;
    }
    break;
  case ir::Category::Host:
    if (op.kind == OpKind::Seed) return emitSeed(op);
    if (op.kind == OpKind::Print) return emitPrint(op);
    if (op.kind == OpKind::SizeOf) return emitSizeOf(op);
    if (op.kind == OpKind::Check) return emitCheck(op);
    if (op.kind == OpKind::Series || op.kind == OpKind::SeriesAdd) return emitPlot(op);
    return emitCheckpointOp(op);
  case ir::Category::Data: return emitData(op);
  case ir::Category::Kernel:
    if (op.kind == OpKind::KernelOutput) return emitKernelOutput(op);
    if (op.kind == OpKind::FusedRows) return emitFusedRows(op);
    if (!op.regions.empty() && !op.regions[0]->ops.empty() && op.regions[0]->ops[0]->kind == OpKind::MatMul)
      return emitMatMulKernel(op);  // FuseMatmulEpilogue.h
    return emitFused(op);
  case ir::Category::Derivative:
    return internalError(op.loc, std::string("'") + ir::spelling(op.kind) +
                                     "' reached code generation; the autodiff pass expands it");
  }
  internalError(op.loc, std::string("no code generation for '") + ir::spelling(op.kind) + "'");
}

void Emitter::emitFor(const ir::Op &op) {
  if (op.regions.size() != 1 || op.regions[0]->args.size() != 1)
    return internalError(op.loc, "'for' needs one region with one argument");
  Value *lo = scalar(op.operands[0], DType::I32);
  Value *hi = scalar(op.operands[1], DType::I32);
  const ir::Region &body = *op.regions[0];
  Value *slot = entryAlloca(b_.getInt32Ty(), nullptr, "for.index");
  loop(lo, hi, [&](Value *i) {
    b_.CreateStore(i, slot);
    values_[body.args[0]] = RtTensor{DType::I32, slot, {}};
    emitRegion(body);
  });
}

void Emitter::emitIf(const ir::Op &op) {
  if (op.regions.empty() || op.regions.size() > 2) return internalError(op.loc, "'if' needs one or two regions");
  Value *cond = b_.CreateICmpNE(scalar(op.operands[0], DType::Bool), b_.getInt8(0));
  BasicBlock *thenBB = BasicBlock::Create(llvm_, "then", main_);
  BasicBlock *elseBB = BasicBlock::Create(llvm_, "else", main_);
  BasicBlock *merge = BasicBlock::Create(llvm_, "endif", main_);
  b_.CreateCondBr(cond, thenBB, elseBB);
  b_.SetInsertPoint(thenBB);
  emitRegion(*op.regions[0]);
  b_.CreateBr(merge);
  b_.SetInsertPoint(elseBB);
  if (op.regions.size() == 2) emitRegion(*op.regions[1]);
  b_.CreateBr(merge);
  b_.SetInsertPoint(merge);
}

// ---- Scopes, values and symbols ------------------------------------------------

void Emitter::pushScope() { scopes_.push_back(Scope{{}, symbolUndo_.size()}); }

void Emitter::popScope() {
  Scope &scope = scopes_.back();
  for (Value *buffer : scope.owned) callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, buffer});
  while (symbolUndo_.size() > scope.symbolMark) {
    auto [symbol, previous] = symbolUndo_.back();
    symbolUndo_.pop_back();
    if (previous) symbols_[symbol] = previous;
    else symbols_.erase(symbol);
  }
  scopes_.pop_back();
}

void Emitter::bindSymbol(const DimSymbol *symbol, Value *size) {
  auto it = symbols_.find(symbol);
  symbolUndo_.emplace_back(symbol, it == symbols_.end() ? nullptr : it->second);
  symbols_[symbol] = size;
}

Value *Emitter::symbolSize(const Dim &dim, SourceLoc loc) {
  if (dim.isStatic()) return i64(dim.size);
  auto it = symbols_.find(dim.symbol);
  if (it != symbols_.end()) return it->second;
  internalError(loc, "no value in scope gives the run-time size of dimension '" + dim.symbol->name + "'");
  return i64(0);
}

std::vector<Value *> Emitter::resultDims(const TensorType &type, const std::vector<Value *> &known) {
  std::vector<Value *> dims;
  for (size_t i = 0; i < type.rank(); ++i) {
    const Dim &d = type.dims[i];
    if (d.isStatic()) dims.push_back(i64(d.size));
    else if (i < known.size() && known[i]) dims.push_back(known[i]);
    else dims.push_back(symbolSize(d, SourceLoc{}));
  }
  return dims;
}

const RtTensor &Emitter::operand(const ir::Op &op, size_t i) {
  static const RtTensor missing;
  if (i >= op.operands.size()) {
    internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' is missing operand " + std::to_string(i));
    return missing;
  }
  auto it = values_.find(op.operands[i]);
  if (it != values_.end()) return it->second;
  internalError(op.loc, std::string("operand ") + std::to_string(i) + " of '" + ir::spelling(op.kind) +
                            "' is not defined before it or not in scope");
  // A stand-in of the right rank, so emission can go on and report more.
  RtTensor stand{op.operands[i]->type.dtype, llvm::ConstantPointerNull::get(b_.getPtrTy()), {}};
  stand.dims.assign(op.operands[i]->type.rank(), i64(1));
  return values_[op.operands[i]] = stand;
}

void Emitter::define(const ir::Op &op, RtTensor tensor) {
  if (!op.result) return internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' has no result");
  const TensorType &type = op.result->type;
  if (tensor.rank() != type.rank())
    internalError(op.loc, std::string("'") + ir::spelling(op.kind) + "' made a rank-" +
                              std::to_string(tensor.rank()) + " value for " + type.str());
  for (size_t i = 0; i < type.rank() && i < tensor.rank(); ++i)
    if (!type.dims[i].isStatic()) bindSymbol(type.dims[i].symbol, tensor.dims[i]);
  values_[op.result] = std::move(tensor);
}

// ---- Types, memory and elements ---------------------------------------------------

llvm::Type *Emitter::elementType(DType dtype) {
  switch (dtype) {
  case DType::Bool: return b_.getInt8Ty();
  case DType::I32: return b_.getInt32Ty();
  case DType::F32: return b_.getFloatTy();
  case DType::F64: return b_.getDoubleTy();
  }
  return b_.getFloatTy();
}

int64_t Emitter::elementSize(DType dtype) {
  switch (dtype) {
  case DType::Bool: return 1;
  case DType::I32:
  case DType::F32: return 4;
  case DType::F64: return 8;
  }
  return 4;
}

bool Emitter::isConst(Value *v, int64_t n) {
  auto *c = llvm::dyn_cast<llvm::ConstantInt>(v);
  return c && c->getSExtValue() == n;
}

Value *Emitter::product(const std::vector<Value *> &values, size_t from, size_t to) {
  Value *p = i64(1);
  for (size_t i = from; i < values.size() && i < to; ++i) p = b_.CreateMul(p, values[i]);
  return p;
}

std::vector<Value *> Emitter::contiguousStrides(const std::vector<Value *> &dims) {
  std::vector<Value *> strides(dims.size());
  Value *s = i64(1);
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = s;
    s = b_.CreateMul(s, dims[i]);
  }
  return strides;
}

Value *Emitter::entryAlloca(llvm::Type *type, Value *count, const char *name) {
  BasicBlock &entry = main_->getEntryBlock();
  llvm::IRBuilder<> at(&entry, entry.begin());
  return at.CreateAlloca(type, count, name);
}

RtTensor Emitter::allocate(DType dtype, const std::vector<Value *> &dims) {
  RtTensor t{dtype, nullptr, dims};
  Value *count = product(dims);
  if (auto *c = llvm::dyn_cast<llvm::ConstantInt>(count); c && c->getSExtValue() * elementSize(dtype) <= kStackBytes) {
    auto *slotTy = llvm::ArrayType::get(elementType(dtype), std::max<uint64_t>(c->getZExtValue(), 1));
    auto *slot = llvm::cast<llvm::AllocaInst>(entryAlloca(slotTy));
    slot->setAlignment(llvm::Align(32));
    t.data = slot;
    return t;
  }
  Value *out = entryAlloca(b_.getPtrTy(), nullptr, "buffer.slot");
  callChecked("dl_buffer_alloc", {ctx_, b_.CreateMul(count, i64(elementSize(dtype))), out});
  t.data = b_.CreateLoad(b_.getPtrTy(), out, "buffer");
  scopes_.back().owned.push_back(t.data);
  return t;
}

Value *Emitter::loadElement(const RtTensor &t, Value *offset) {
  llvm::Type *ty = elementType(t.dtype);
  return b_.CreateLoad(ty, b_.CreateInBoundsGEP(ty, t.data, offset));
}

void Emitter::storeElement(const RtTensor &t, Value *offset, Value *v) {
  llvm::Type *ty = elementType(t.dtype);
  b_.CreateStore(v, b_.CreateInBoundsGEP(ty, t.data, offset));
}

Value *Emitter::scalar(const ir::Value *v, DType to) {
  auto it = values_.find(v);
  if (it == values_.end() || it->second.rank() != 0) {
    internalError(v->loc, "expected a scalar defined before its use");
    return llvm::Constant::getNullValue(elementType(to));
  }
  return convert(loadElement(it->second, i64(0)), it->second.dtype, to);
}

Value *Emitter::isNaN(Value *v) { return b_.CreateFCmpUNO(v, v); }

Value *Emitter::convert(Value *v, DType from, DType to) {
  return convertElement(b_, v, from, to, elementType(to));  // codegen/common/Elements.h
}

void Emitter::memcpyElements(Value *dst, Value *src, Value *count, DType dtype) {
  llvm::Align align(static_cast<uint64_t>(elementSize(dtype)));
  b_.CreateMemCpy(dst, align, src, align, b_.CreateMul(count, i64(elementSize(dtype))));
}

// ---- Loops ----------------------------------------------------------------------

void Emitter::loop(Value *lo, Value *hi, const std::function<void(Value *)> &body) {
  BasicBlock *before = b_.GetInsertBlock();
  BasicBlock *header = BasicBlock::Create(llvm_, "loop", main_);
  BasicBlock *bodyBB = BasicBlock::Create(llvm_, "loop.body", main_);
  BasicBlock *exit = BasicBlock::Create(llvm_, "loop.end", main_);
  b_.CreateBr(header);
  b_.SetInsertPoint(header);
  llvm::PHINode *i = b_.CreatePHI(lo->getType(), 2, "i");
  i->addIncoming(lo, before);
  b_.CreateCondBr(b_.CreateICmpSLT(i, hi), bodyBB, exit);
  b_.SetInsertPoint(bodyBB);
  body(i);
  Value *next = b_.CreateNSWAdd(i, llvm::ConstantInt::get(lo->getType(), 1));
  i->addIncoming(next, b_.GetInsertBlock());
  b_.CreateBr(header);
  b_.SetInsertPoint(exit);
}

void Emitter::loopNest(const std::vector<Value *> &extents, const std::function<void(const Indices &)> &body) {
  Indices idx;
  std::function<void(size_t)> level = [&](size_t d) {
    if (d == extents.size()) return body(idx);
    loop(i64(0), extents[d], [&](Value *i) {
      idx.push_back(i);
      level(d + 1);
      idx.pop_back();
    });
  };
  level(0);
}

Value *Emitter::dot(const Indices &idx, const std::vector<Value *> &strides) {
  Value *sum = i64(0);
  for (size_t d = 0; d < idx.size(); ++d) sum = b_.CreateAdd(sum, b_.CreateMul(idx[d], strides[d]));
  return sum;
}

// ---- Failures and the runtime ------------------------------------------------------

std::string Emitter::where(SourceLoc loc) const {
  if (!loc.isValid() || !module_.sources) return "";
  return " (at " + module_.sources->describe(loc) + ")";
}

void Emitter::failIf(Value *cond, const std::string &message, SourceLoc loc, Value *a, Value *b) {
  if (auto *c = llvm::dyn_cast<llvm::ConstantInt>(cond); c && c->isZero()) return;
  BasicBlock *failHere = BasicBlock::Create(llvm_, "check.fail", main_);
  BasicBlock *ok = BasicBlock::Create(llvm_, "check.ok", main_);
  b_.CreateCondBr(cond, failHere, ok, llvm::MDBuilder(llvm_).createUnlikelyBranchWeights());
  b_.SetInsertPoint(failHere);
  auto widen = [&](Value *v) -> Value * {
    if (!v) return i64(0);
    return v->getType()->isIntegerTy(64) ? v : b_.CreateSExt(v, b_.getInt64Ty());
  };
  Value *status = callRuntime("dl_error_format", b_.getInt32Ty(),
                              {ctx_, stringConstant(message + where(loc)), widen(a), widen(b)});
  if (statusSlot_) {
    b_.CreateStore(status, statusSlot_);
    freeScopeBuffers();
  }
  b_.CreateBr(failBlock_);
  b_.SetInsertPoint(ok);
}

void Emitter::checkStatus(Value *status) {
  BasicBlock *ok = BasicBlock::Create(llvm_, "ok", main_);
  BasicBlock *fail = failBlock_;
  if (statusSlot_) {  // a library's forward returns: this point's buffers are freed first
    b_.CreateStore(status, statusSlot_);
    fail = BasicBlock::Create(llvm_, "fail.free", main_);
  }
  b_.CreateCondBr(b_.CreateICmpNE(status, i32(0)), fail, ok, llvm::MDBuilder(llvm_).createUnlikelyBranchWeights());
  if (fail != failBlock_) {
    b_.SetInsertPoint(fail);
    freeScopeBuffers();
    b_.CreateBr(failBlock_);
  }
  b_.SetInsertPoint(ok);
}

llvm::FunctionCallee Emitter::runtime(const std::string &name, llvm::Type *result, std::vector<llvm::Type *> params) {
  return out_->getOrInsertFunction(name, llvm::FunctionType::get(result, params, false));
}

Value *Emitter::callRuntime(const std::string &name, llvm::Type *result, std::vector<Value *> args) {
  std::vector<llvm::Type *> params;
  for (Value *a : args) params.push_back(a->getType());
  return b_.CreateCall(runtime(name, result, params), args);
}

void Emitter::callChecked(const std::string &name, std::vector<Value *> args) {
  checkStatus(callRuntime(name, b_.getInt32Ty(), std::move(args)));
}

llvm::Constant *Emitter::stringConstant(const std::string &text) {
  auto it = strings_.find(text);
  if (it != strings_.end()) return it->second;
  auto *init = llvm::ConstantDataArray::getString(llvm_, text);
  auto *global = new llvm::GlobalVariable(*out_, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, ".str");
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  global->setAlignment(llvm::Align(1));
  return strings_[text] = global;
}

void Emitter::internalError(SourceLoc loc, const std::string &message) {
  failed_ = true;
  diags_.report(Severity::Error, loc, SourceRange(loc), "internal error in code generation: " + message);
}

}  // namespace dlc::codegen::x86
