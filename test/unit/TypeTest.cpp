// Unit tests for the semantic types (compiler/types/Type.h).
#include "types/Type.h"

#include <gtest/gtest.h>

namespace dlc {
namespace {

const DimSymbol kN{"N", DimSymbol::Variable, 1};
const DimSymbol kRows{"rows", DimSymbol::Runtime, 2};

TEST(TypeDType, Names) {
  EXPECT_STREQ(dtypeName(DType::Bool), "bool");
  EXPECT_STREQ(dtypeName(DType::I32), "i32");
  EXPECT_STREQ(dtypeName(DType::F32), "f32");
  EXPECT_STREQ(dtypeName(DType::F64), "f64");
}

TEST(TypeDType, IsFloat) {
  EXPECT_FALSE(isFloat(DType::Bool));
  EXPECT_FALSE(isFloat(DType::I32));
  EXPECT_TRUE(isFloat(DType::F32));
  EXPECT_TRUE(isFloat(DType::F64));
}

TEST(TypeDType, CategoriesOrderBoolIntFloat) {
  EXPECT_LT(dtypeCategory(DType::Bool), dtypeCategory(DType::I32));
  EXPECT_LT(dtypeCategory(DType::I32), dtypeCategory(DType::F32));
  // f32 and f64 are the same category (both floats).
  EXPECT_EQ(dtypeCategory(DType::F32), dtypeCategory(DType::F64));
}

TEST(TypeDim, StrAndEquality) {
  EXPECT_EQ(Dim::fixed(64).str(), "64");
  EXPECT_EQ(Dim::of(&kN).str(), "N");
  EXPECT_TRUE(Dim::fixed(1).isOne());
  EXPECT_FALSE(Dim::fixed(2).isOne());
  EXPECT_FALSE(Dim::of(&kN).isOne());
  EXPECT_FALSE(Dim::of(&kN).isStatic());
  EXPECT_EQ(Dim::fixed(3), Dim::fixed(3));
  EXPECT_NE(Dim::fixed(3), Dim::fixed(4));
  EXPECT_EQ(Dim::of(&kN), Dim::of(&kN));
  EXPECT_NE(Dim::of(&kN), Dim::of(&kRows));
  EXPECT_NE(Dim::of(&kN), Dim::fixed(0));
}

TEST(TypeTensor, Str) {
  TensorType t{DType::F32, {Dim::of(&kN), Dim::fixed(64)}};
  EXPECT_EQ(t.str(), "f32[N, 64]");
  EXPECT_EQ((TensorType{DType::F64, {}}).str(), "f64");
  EXPECT_EQ((TensorType{DType::I32, {Dim::fixed(2), Dim::fixed(3)}}).str(), "i32[2, 3]");
  EXPECT_EQ((TensorType{DType::Bool, {Dim::fixed(5)}}).str(), "bool[5]");
  EXPECT_EQ((TensorType{DType::F32, {Dim::of(&kRows)}}).str(), "f32[rows]");
}

TEST(TypeTensor, ShapeStr) {
  EXPECT_EQ(shapeStr({}), "[]");
  EXPECT_EQ(shapeStr({Dim::fixed(7)}), "[7]");
  EXPECT_EQ(shapeStr({Dim::fixed(2), Dim::of(&kN), Dim::fixed(3)}), "[2, N, 3]");
}

TEST(TypeTensor, RankAndScalar) {
  TensorType s{DType::F64, {}};
  EXPECT_TRUE(s.isScalar());
  EXPECT_EQ(s.rank(), 0u);
  TensorType m{DType::F32, {Dim::fixed(2), Dim::fixed(3)}};
  EXPECT_FALSE(m.isScalar());
  EXPECT_EQ(m.rank(), 2u);
}

TEST(TypeTensor, StaticElementCount) {
  EXPECT_EQ((TensorType{DType::F32, {Dim::fixed(2), Dim::fixed(3), Dim::fixed(4)}}).staticElementCount(),
            std::optional<int64_t>(24));
  // A scalar has one element.
  EXPECT_EQ((TensorType{DType::F32, {}}).staticElementCount(), std::optional<int64_t>(1));
  // A zero-sized dimension: no elements.
  EXPECT_EQ((TensorType{DType::F32, {Dim::fixed(0), Dim::fixed(5)}}).staticElementCount(),
            std::optional<int64_t>(0));
  // Any symbol: unknown.
  EXPECT_EQ((TensorType{DType::F32, {Dim::of(&kN), Dim::fixed(3)}}).staticElementCount(), std::nullopt);
  EXPECT_EQ((TensorType{DType::F32, {Dim::fixed(3), Dim::of(&kRows)}}).staticElementCount(), std::nullopt);
}

TEST(TypeTensor, StaticElementCountNeverWraps) {
  // 2^40 * 2^40 does not fit in 64 bits: no (wrong) count is given.
  int64_t big = int64_t(1) << 40;
  auto n = TensorType{DType::F32, {Dim::fixed(big), Dim::fixed(big)}}.staticElementCount();
  EXPECT_FALSE(n.has_value());
}

TEST(TypeTensor, Equality) {
  TensorType a{DType::F32, {Dim::fixed(2), Dim::of(&kN)}};
  TensorType b{DType::F32, {Dim::fixed(2), Dim::of(&kN)}};
  TensorType c{DType::F64, {Dim::fixed(2), Dim::of(&kN)}};
  TensorType d{DType::F32, {Dim::fixed(2), Dim::of(&kRows)}};
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
}

TEST(TypeStr, Simple) {
  EXPECT_EQ(Type::error().str(), "<error>");
  EXPECT_EQ(Type::voidType().str(), "void");
  EXPECT_EQ(Type::string().str(), "str");
  EXPECT_EQ(Type::range().str(), "range");
  EXPECT_EQ(Type::scalar(DType::I32).str(), "i32");
  EXPECT_EQ(Type::callable("relu").str(), "fn relu");
  EXPECT_EQ(Type::tensorOf(TensorType{DType::F32, {Dim::of(&kN), Dim::fixed(64)}}).str(), "f32[N, 64]");
}

TEST(TypeStr, Tuples) {
  Type t = Type::tuple({Type::tensorOf(TensorType{DType::F32, {Dim::fixed(2)}}), Type::string(),
                        Type::scalar(DType::I32)});
  EXPECT_EQ(t.str(), "(f32[2], str, i32)");
  EXPECT_EQ(Type::tuple({}).str(), "()");
  Type nested = Type::tuple({Type::scalar(DType::F64), Type::tuple({Type::scalar(DType::Bool)})});
  EXPECT_EQ(nested.str(), "(f64, (bool))");
}

TEST(TypeStr, DatasetsAndBatches) {
  TensorType x{DType::F32, {Dim::of(&kRows), Dim::fixed(2)}};
  TensorType y{DType::I32, {Dim::of(&kRows)}};
  EXPECT_EQ(Type::dataset(x, y).str(), "dataset(x: f32[rows, 2], y: i32[rows])");
  EXPECT_EQ(Type::batches(x, y).str(), "batches(x: f32[rows, 2], y: i32[rows])");
  EXPECT_EQ(Type::batches(x, y).kind, Type::Batches);
}

TEST(TypePredicates, Kinds) {
  Type s = Type::scalar(DType::F32);
  EXPECT_TRUE(s.isTensor());
  EXPECT_TRUE(s.isScalar());
  EXPECT_TRUE(s.isFloatTensor());
  Type i = Type::tensorOf(TensorType{DType::I32, {Dim::fixed(3)}});
  EXPECT_TRUE(i.isTensor());
  EXPECT_FALSE(i.isScalar());
  EXPECT_FALSE(i.isFloatTensor());
  EXPECT_TRUE(Type::error().isError());
  EXPECT_FALSE(Type::string().isTensor());
  EXPECT_FALSE(Type::string().isScalar());
}

TEST(TypeSameType, ComparesStructure) {
  TensorType x{DType::F32, {Dim::fixed(4), Dim::fixed(2)}};
  TensorType y{DType::I32, {Dim::fixed(4)}};
  EXPECT_TRUE(sameType(Type::tensorOf(x), Type::tensorOf(x)));
  // Weakness (an untyped literal) is not part of the type's identity.
  EXPECT_TRUE(sameType(Type::scalar(DType::F32, true), Type::scalar(DType::F32, false)));
  EXPECT_FALSE(sameType(Type::tensorOf(x), Type::tensorOf(y)));
  EXPECT_FALSE(sameType(Type::dataset(x, y), Type::batches(x, y)));
  EXPECT_TRUE(sameType(Type::dataset(x, y), Type::dataset(x, y)));
  EXPECT_FALSE(sameType(Type::dataset(x, y), Type::dataset(x, x)));
  EXPECT_TRUE(sameType(Type::tuple({Type::string(), Type::tensorOf(x)}),
                       Type::tuple({Type::string(), Type::tensorOf(x)})));
  EXPECT_FALSE(sameType(Type::tuple({Type::string(), Type::tensorOf(x)}),
                        Type::tuple({Type::string(), Type::tensorOf(y)})));
  EXPECT_FALSE(sameType(Type::tuple({Type::string()}), Type::tuple({Type::string(), Type::string()})));
  EXPECT_TRUE(sameType(Type::callable("relu"), Type::callable("relu")));
  EXPECT_FALSE(sameType(Type::callable("relu"), Type::callable("tanh")));
  EXPECT_FALSE(sameType(Type::string(), Type::voidType()));
}

}  // namespace
}  // namespace dlc
