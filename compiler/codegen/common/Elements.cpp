// The element-level rules shared by the x86 and NVPTX back ends (Elements.h).
#include "codegen/common/Elements.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

namespace dlc::codegen {

using ir::OpKind;
using llvm::Value;

bool isComparison(OpKind k) {
  return k == OpKind::Lt || k == OpKind::Le || k == OpKind::Gt || k == OpKind::Ge || k == OpKind::Eq ||
         k == OpKind::Ne;
}

DType promote(DType a, DType b) {
  if (dtypeCategory(a) != dtypeCategory(b)) return dtypeCategory(a) > dtypeCategory(b) ? a : b;
  return a == DType::F64 || b == DType::F64 ? DType::F64 : a;
}

DType binaryComputeType(const ir::Op &op) {
  if (isComparison(op.kind)) return promote(op.operands[0]->type.dtype, op.operands[1]->type.dtype);
  if (op.kind == OpKind::And || op.kind == OpKind::Or) return DType::Bool;
  return op.result->type.dtype;
}

std::optional<double> constantExponent(const ir::Value *v) {
  if (!v->def || v->def->kind != OpKind::Constant || v->def->attrs.data.empty()) return std::nullopt;
  const auto &data = v->def->attrs.data;
  for (double d : data)
    if (d != data[0]) return std::nullopt;
  return data[0];
}

Value *powSpecialCase(llvm::IRBuilder<> &b, Value *base, double exponent) {
  Value *one = llvm::ConstantFP::get(base->getType(), 1.0);
  auto sqrt = [&](Value *v) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, v); };
  if (exponent == 0) return one;  // torch: fill_(1)
  if (exponent == 1) return base;
  if (exponent == 2) return b.CreateFMul(base, base);
  if (exponent == 3) return b.CreateFMul(b.CreateFMul(base, base), base);
  if (exponent == 0.5) return sqrt(base);
  if (exponent == -0.5) return b.CreateFDiv(one, sqrt(base));
  if (exponent == -1) return b.CreateFDiv(one, base);
  if (exponent == -2) return b.CreateFDiv(one, b.CreateFMul(base, base));
  return nullptr;
}

Value *convertElement(llvm::IRBuilder<> &b, Value *v, DType from, DType to, llvm::Type *ty) {
  if (from == to) return v;
  if (to == DType::Bool) {
    Value *nonzero = isFloat(from) ? b.CreateFCmpUNE(v, llvm::ConstantFP::get(v->getType(), 0.0))
                                   : b.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0));
    return b.CreateZExt(nonzero, ty);
  }
  if (from == DType::Bool) {
    Value *bit = b.CreateICmpNE(v, b.getInt8(0));
    return isFloat(to) ? b.CreateUIToFP(bit, ty) : b.CreateZExt(bit, ty);
  }
  if (from == DType::I32) return b.CreateSIToFP(v, ty);
  if (to == DType::I32)  // toward zero; out of range saturates instead of being undefined
    return b.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {ty, v->getType()}, {v});
  return to == DType::F64 ? b.CreateFPExt(v, ty) : b.CreateFPTrunc(v, ty);
}

}  // namespace dlc::codegen
