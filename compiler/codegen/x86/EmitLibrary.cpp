// A library's code (--emit=lib, ir/Library.h): instead of `main`,
//
//   internal i32 <prefix>__forward(dl_context *ctx, void *const *params,
//                                  const void *x, i64 n, void *y)
//
// runs the module's main region once: the Param storages point at the
// caller's loaded weights (never freed or written here), the input storage at
// a copy of x (ours, so aligned like every buffer), and the output storage's
// elements are copied to y at the end. A failing check returns its status
// with the message recorded on ctx instead of exiting, after freeing the
// buffers made so far. Then the public C API
// of <prefix>.h: thin functions that pass the model's description (parameter
// names, types, shapes, the forward function) to dl_model.h.
#include "codegen/x86/Emitter.h"
#include "codegen/x86/InPlaceLoads.h"
#include "codegen/x86/TransposeViews.h"

#include <llvm/IR/Constants.h>

namespace dlc::codegen::x86 {

using llvm::BasicBlock;
using llvm::Value;

std::unique_ptr<llvm::Module> Emitter::runLibrary(const llvm::DataLayout &layout, const std::string &triple,
                                                  const ir::LibraryInterface &lib, const std::string &prefix) {
  out_ = std::make_unique<llvm::Module>(prefix, llvm_);
  out_->setDataLayout(layout);
  out_->setTargetTriple(triple);
  inPlaceLoads_ = findInPlaceLoads(module_);
  inPlaceUpdates_ = findInPlaceUpdates(module_, inPlaceLoads_);
  transposeViews_ = findTransposeViews(module_);
  llvm::Function *forward = emitForwardFunction(lib, prefix + "__forward");
  if (failed_) return nullptr;
  emitLibraryApi(lib, prefix, forward);
  if (failed_) return nullptr;
  return std::move(out_);
}

llvm::Function *Emitter::emitForwardFunction(const ir::LibraryInterface &lib, const std::string &name) {
  auto *ptrTy = b_.getPtrTy();
  auto *fnTy = llvm::FunctionType::get(b_.getInt32Ty(), {ptrTy, ptrTy, ptrTy, b_.getInt64Ty(), ptrTy}, false);
  main_ = llvm::Function::Create(fnTy, llvm::Function::InternalLinkage, name, out_.get());
  ctx_ = main_->getArg(0);
  Value *params = main_->getArg(1), *x = main_->getArg(2), *n = main_->getArg(3), *y = main_->getArg(4);
  b_.SetInsertPoint(BasicBlock::Create(llvm_, "entry", main_));
  statusSlot_ = entryAlloca(b_.getInt32Ty(), nullptr, "status");
  b_.CreateStore(i32(0), statusSlot_);
  failBlock_ = BasicBlock::Create(llvm_, "fail", main_);
  stdout_ = llvm::ConstantPointerNull::get(ptrTy);  // nothing prints (LowerLibrary.cpp)
  declareStorages();

  for (size_t i = 0; i < lib.paramStorages.size(); ++i) {
    auto it = storages_.find(lib.paramStorages[i]);
    if (it == storages_.end()) {
      internalError(SourceLoc{}, "no storage for parameter '" + lib.paramStorages[i] + "'");
      return nullptr;
    }
    Value *p = b_.CreateLoad(ptrTy, b_.CreateInBoundsGEP(ptrTy, params, i64(static_cast<int64_t>(i))));
    b_.CreateStore(p, it->second.data);
  }
  auto input = storages_.find(lib.input), output = storages_.find(lib.output);
  if (input == storages_.end() || output == storages_.end()) {
    internalError(SourceLoc{}, "the library's module has no input or output storage");
    return nullptr;
  }
  // The caller's batch, copied into a buffer of ours.
  DType inType = lib.inputType.dtype;
  Value *inCount = n;
  for (size_t d = 1; d < lib.inputType.rank(); ++d) inCount = b_.CreateMul(inCount, i64(lib.inputType.dims[d].size));
  Value *inSlot = entryAlloca(ptrTy, nullptr, "input.buffer");
  callChecked("dl_buffer_alloc", {ctx_, b_.CreateMul(inCount, i64(elementSize(inType))), inSlot});
  Value *inBuffer = b_.CreateLoad(ptrTy, inSlot);
  memcpyElements(inBuffer, x, inCount, inType);
  b_.CreateStore(inBuffer, input->second.data);
  b_.CreateStore(n, input->second.dims[0]);

  emitRegion(module_.main());

  // The value forward gave, to the caller's y.
  const StorageSlot &out = output->second;
  Value *outData = b_.CreateLoad(ptrTy, out.data);
  Value *outCount = b_.CreateLoad(b_.getInt64Ty(), out.dims[0]);
  for (size_t d = 1; d < lib.outputType.rank(); ++d) outCount = b_.CreateMul(outCount, i64(lib.outputType.dims[d].size));
  memcpyElements(y, outData, outCount, lib.outputType.dtype);
  for (auto &[storageName, slot] : storages_)
    if (slot.storage->kind != ir::Storage::Param)
      callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, b_.CreateLoad(ptrTy, slot.data)});
  b_.CreateRet(i32(0));

  // Every failure comes here after freeing its open scopes' buffers
  // (freeScopeBuffers): the storages' buffers go too, so a failing call
  // leaves nothing behind in the handle's context.
  b_.SetInsertPoint(failBlock_);
  for (auto &[storageName, slot] : storages_)
    if (slot.storage->kind != ir::Storage::Param)
      callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, b_.CreateLoad(ptrTy, slot.data)});
  b_.CreateRet(b_.CreateLoad(b_.getInt32Ty(), statusSlot_));
  return main_;
}

void Emitter::freeScopeBuffers() {
  for (const Scope &scope : scopes_)
    for (Value *buffer : scope.owned) callRuntime("dl_buffer_free", b_.getVoidTy(), {ctx_, buffer});
}

void Emitter::emitLibraryApi(const ir::LibraryInterface &lib, const std::string &prefix, llvm::Function *forward) {
  auto *ptrTy = b_.getPtrTy();
  auto *i32Ty = b_.getInt32Ty();
  auto *i64Ty = b_.getInt64Ty();
  auto constantArray = [&](llvm::Type *element, std::vector<llvm::Constant *> items, const char *what) -> llvm::Constant * {
    auto *type = llvm::ArrayType::get(element, items.size());
    auto *global = new llvm::GlobalVariable(*out_, type, true, llvm::GlobalValue::PrivateLinkage,
                                            llvm::ConstantArray::get(type, items), prefix + "." + what);
    return global;
  };
  std::vector<llvm::Constant *> names, dtypes, ranks, dims;
  for (size_t i = 0; i < lib.paramNames.size(); ++i) {
    const TensorType &t = lib.paramTypes[i];
    names.push_back(stringConstant(lib.paramNames[i]));
    dtypes.push_back(i32(runtimeDType(t.dtype)));
    ranks.push_back(i32(static_cast<int32_t>(t.rank())));
    std::vector<llvm::Constant *> sizes;
    for (const Dim &d : t.dims) sizes.push_back(i64(d.size));
    dims.push_back(sizes.empty() ? llvm::ConstantPointerNull::get(ptrTy) : constantArray(i64Ty, sizes, "dims"));
  }
  llvm::Constant *namesArray = constantArray(ptrTy, names, "names");
  llvm::Constant *dtypesArray = constantArray(i32Ty, dtypes, "dtypes");
  llvm::Constant *ranksArray = constantArray(i32Ty, ranks, "ranks");
  llvm::Constant *dimsArray = constantArray(ptrTy, dims, "shapes");

  // One public function: `body` builds its return value from the arguments.
  auto publish = [&](const std::string &name, llvm::Type *result, std::vector<llvm::Type *> params,
                    const std::function<Value *(llvm::Function *)> &body) {
    auto *f = llvm::Function::Create(llvm::FunctionType::get(result, params, false), llvm::Function::ExternalLinkage,
                                     prefix + "_" + name, out_.get());
    b_.SetInsertPoint(BasicBlock::Create(llvm_, "entry", f));
    Value *v = body(f);
    if (result->isVoidTy()) b_.CreateRetVoid();
    else b_.CreateRet(v);
  };
  auto perExample = [](const TensorType &t) {
    int64_t n = 1;
    for (size_t d = 1; d < t.rank(); ++d) n *= t.dims[d].size;
    return n;
  };
  int64_t count = static_cast<int64_t>(lib.paramNames.size());
  publish("create", i32Ty, {ptrTy}, [&](llvm::Function *f) {
    return callRuntime("dl_model_create",
                       i32Ty, {f->getArg(0), i64(count), namesArray, dtypesArray, ranksArray, dimsArray, forward,
                               i64(perExample(lib.inputType)), i64(elementSize(lib.inputType.dtype)),
                               i64(perExample(lib.outputType)), i64(elementSize(lib.outputType.dtype))});
  });
  publish("destroy", b_.getVoidTy(), {ptrTy}, [&](llvm::Function *f) {
    return callRuntime("dl_model_destroy", b_.getVoidTy(), {f->getArg(0)});
  });
  publish("load", i32Ty, {ptrTy, ptrTy}, [&](llvm::Function *f) {
    return callRuntime("dl_model_load", i32Ty, {f->getArg(0), f->getArg(1)});
  });
  publish("forward", i32Ty, {ptrTy, ptrTy, i64Ty, ptrTy}, [&](llvm::Function *f) {
    return callRuntime("dl_model_forward", i32Ty, {f->getArg(0), f->getArg(1), f->getArg(2), f->getArg(3)});
  });
  publish("set_threads", i32Ty, {ptrTy, i32Ty}, [&](llvm::Function *f) {
    return callRuntime("dl_model_set_threads", i32Ty, {f->getArg(0), f->getArg(1)});
  });
  publish("last_error", ptrTy, {ptrTy}, [&](llvm::Function *f) {
    return callRuntime("dl_model_last_error", ptrTy, {f->getArg(0)});
  });
  publish("status_name", ptrTy, {i32Ty}, [&](llvm::Function *f) {
    return callRuntime("dl_status_name", ptrTy, {f->getArg(0)});
  });
}

}  // namespace dlc::codegen::x86
