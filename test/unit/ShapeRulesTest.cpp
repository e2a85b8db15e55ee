// Unit tests for the shape rules (compiler/types/ShapeRules.h). Expected
// shapes follow NumPy / PyTorch semantics, worked out by hand.
#include "types/ShapeRules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

namespace dlc::shapes {
namespace {

using ::testing::HasSubstr;

Dim S(int64_t n) { return Dim::fixed(n); }

// Symbols outlive the shapes that point at them.
const DimSymbol kN{"N", DimSymbol::Variable, 1};
const DimSymbol kM{"M", DimSymbol::Variable, 2};
const DimSymbol kRows{"rows", DimSymbol::Runtime, 3};

Dim N() { return Dim::of(&kN); }
Dim M() { return Dim::of(&kM); }
Dim Rows() { return Dim::of(&kRows); }

// A FreshDim callback that records the names asked for and hands out new symbols.
struct FreshRecorder {
  std::deque<DimSymbol> made;
  std::vector<std::string> names;
  FreshDim callback() {
    return [this](const std::string &name) {
      names.push_back(name);
      made.push_back(DimSymbol{name, DimSymbol::Runtime, static_cast<uint32_t>(100 + made.size())});
      return Dim::of(&made.back());
    };
  }
};

// ---- broadcast --------------------------------------------------------------

TEST(ShapeBroadcast, EqualShapes) {
  Shape out;
  std::string why;
  ASSERT_TRUE(broadcast({S(2), S(3)}, {S(2), S(3)}, &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(3)}));
}

TEST(ShapeBroadcast, ScalarWithTensor) {
  Shape out;
  ASSERT_TRUE(broadcast({}, {S(4), S(5)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(4), S(5)}));
  ASSERT_TRUE(broadcast({S(4), S(5)}, {}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(4), S(5)}));
  ASSERT_TRUE(broadcast({}, {}, &out, nullptr));
  EXPECT_TRUE(out.empty());
}

TEST(ShapeBroadcast, RankExtensionAlignsAtTheRight) {
  Shape out;
  // [5, 2, 3] and [3] -> [5, 2, 3]
  ASSERT_TRUE(broadcast({S(5), S(2), S(3)}, {S(3)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(5), S(2), S(3)}));
  // [3] and [5, 2, 3] -> [5, 2, 3] (the shorter one on the left)
  ASSERT_TRUE(broadcast({S(3)}, {S(5), S(2), S(3)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(5), S(2), S(3)}));
}

TEST(ShapeBroadcast, OnesStretch) {
  Shape out;
  // [4, 1] and [1, 3] -> [4, 3]
  ASSERT_TRUE(broadcast({S(4), S(1)}, {S(1), S(3)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(4), S(3)}));
  // [8, 1, 6, 1] and [7, 1, 5] -> [8, 7, 6, 5] (the NumPy docs' example)
  ASSERT_TRUE(broadcast({S(8), S(1), S(6), S(1)}, {S(7), S(1), S(5)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(8), S(7), S(6), S(5)}));
  // [1] and [1] -> [1]
  ASSERT_TRUE(broadcast({S(1)}, {S(1)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(1)}));
}

TEST(ShapeBroadcast, ZeroSizedDimension) {
  Shape out;
  // NumPy: (0,) with (1,) -> (0,); (0,) with (3,) fails.
  ASSERT_TRUE(broadcast({S(0)}, {S(1)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(0)}));
  EXPECT_FALSE(broadcast({S(0)}, {S(3)}, &out, nullptr));
}

TEST(ShapeBroadcast, MismatchNamesTheDimension) {
  Shape out{S(99)};
  std::string why;
  // [2, 3] and [2, 4]: dimension 1 differs (3 vs 4).
  EXPECT_FALSE(broadcast({S(2), S(3)}, {S(2), S(4)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("dimension 1"));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_THAT(why, HasSubstr("4"));
  // The output is left alone on failure.
  EXPECT_EQ(out, (Shape{S(99)}));

  why.clear();
  // [3, 2] and [4, 2]: dimension 0 differs.
  EXPECT_FALSE(broadcast({S(3), S(2)}, {S(4), S(2)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("dimension 0"));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_THAT(why, HasSubstr("4"));
}

TEST(ShapeBroadcast, MismatchAfterRankExtension) {
  Shape out;
  std::string why;
  // [2, 3] and [4]: the trailing dimensions 3 and 4 differ.
  EXPECT_FALSE(broadcast({S(2), S(3)}, {S(4)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_THAT(why, HasSubstr("4"));
  EXPECT_THAT(why, HasSubstr("dimension"));
}

TEST(ShapeBroadcast, NullWhyIsAllowed) {
  Shape out;
  EXPECT_FALSE(broadcast({S(2)}, {S(3)}, &out, nullptr));
}

TEST(ShapeBroadcast, SymbolMatchesItself) {
  Shape out;
  ASSERT_TRUE(broadcast({N(), S(64)}, {N(), S(64)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(64)}));
}

TEST(ShapeBroadcast, SymbolMatchesOne) {
  Shape out;
  // [N, 64] and [1, 64] -> [N, 64]
  ASSERT_TRUE(broadcast({N(), S(64)}, {S(1), S(64)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(64)}));
  // [1, 64] and [N, 1] -> [N, 64]
  ASSERT_TRUE(broadcast({S(1), S(64)}, {N(), S(1)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(64)}));
  // [N, 64] and [64] -> [N, 64]
  ASSERT_TRUE(broadcast({N(), S(64)}, {S(64)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(64)}));
  // [] and [N] -> [N]
  ASSERT_TRUE(broadcast({}, {N()}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N()}));
}

TEST(ShapeBroadcast, SymbolDoesNotMatchAnotherSymbol) {
  Shape out;
  std::string why;
  EXPECT_FALSE(broadcast({N(), S(2)}, {M(), S(2)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("N"));
  EXPECT_THAT(why, HasSubstr("M"));
  // A symbol with the same name but a different identity is a different dim.
  DimSymbol otherN{"N", DimSymbol::Variable, 7};
  EXPECT_FALSE(broadcast({N()}, {Dim::of(&otherN)}, &out, nullptr));
}

TEST(ShapeBroadcast, SymbolDoesNotMatchStaticSize) {
  Shape out;
  std::string why;
  EXPECT_FALSE(broadcast({N()}, {S(3)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("N"));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_FALSE(broadcast({S(3)}, {N()}, &out, nullptr));
  EXPECT_FALSE(broadcast({Rows(), S(2)}, {S(5), S(2)}, &out, nullptr));
}

// ---- matmul -----------------------------------------------------------------

TEST(ShapeMatmul, TwoDimensional) {
  Shape out;
  std::string why;
  // [2, 3] @ [3, 4] -> [2, 4]
  ASSERT_TRUE(matmul({S(2), S(3)}, {S(3), S(4)}, &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(4)}));
}

TEST(ShapeMatmul, SymbolicRows) {
  Shape out;
  // [N, 64] @ [64, 10] -> [N, 10]
  ASSERT_TRUE(matmul({N(), S(64)}, {S(64), S(10)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(10)}));
  // [2, N] @ [N, 3] -> [2, 3]
  ASSERT_TRUE(matmul({S(2), N()}, {N(), S(3)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(2), S(3)}));
}

TEST(ShapeMatmul, BatchedSameBatch) {
  Shape out;
  // [5, 2, 3] @ [5, 3, 4] -> [5, 2, 4]
  ASSERT_TRUE(matmul({S(5), S(2), S(3)}, {S(5), S(3), S(4)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(5), S(2), S(4)}));
}

TEST(ShapeMatmul, BatchedWithBroadcasting) {
  Shape out;
  // [5, 2, 3] @ [3, 4] -> [5, 2, 4]
  ASSERT_TRUE(matmul({S(5), S(2), S(3)}, {S(3), S(4)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(5), S(2), S(4)}));
  // [2, 3] @ [7, 3, 4] -> [7, 2, 4]
  ASSERT_TRUE(matmul({S(2), S(3)}, {S(7), S(3), S(4)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(7), S(2), S(4)}));
  // [5, 1, 2, 3] @ [4, 3, 6] -> [5, 4, 2, 6]
  ASSERT_TRUE(matmul({S(5), S(1), S(2), S(3)}, {S(4), S(3), S(6)}, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(5), S(4), S(2), S(6)}));
}

TEST(ShapeMatmul, BatchMismatch) {
  Shape out;
  std::string why;
  // Batch dims 2 and 5 do not broadcast.
  EXPECT_FALSE(matmul({S(2), S(3), S(4)}, {S(5), S(4), S(6)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("2"));
  EXPECT_THAT(why, HasSubstr("5"));
}

TEST(ShapeMatmul, InnerMismatch) {
  Shape out{S(42)};
  std::string why;
  // [2, 3] @ [4, 5]: 3 != 4.
  EXPECT_FALSE(matmul({S(2), S(3)}, {S(4), S(5)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_THAT(why, HasSubstr("4"));
  EXPECT_EQ(out, (Shape{S(42)}));
  // [N, 3] @ [3, N] is fine, but [2, N] @ [M, 3] is not.
  why.clear();
  EXPECT_FALSE(matmul({S(2), N()}, {M(), S(3)}, &out, &why));
  EXPECT_THAT(why, HasSubstr("N"));
  EXPECT_THAT(why, HasSubstr("M"));
  // A symbol is not the static inner size, even 1 (no broadcasting there).
  EXPECT_FALSE(matmul({S(2), N()}, {S(1), S(3)}, &out, nullptr));
  EXPECT_FALSE(matmul({S(2), S(1)}, {S(3), S(4)}, &out, nullptr));
}

TEST(ShapeMatmul, RankBelowTwo) {
  Shape out;
  std::string why;
  EXPECT_FALSE(matmul({S(3)}, {S(3), S(4)}, &out, &why));
  EXPECT_FALSE(why.empty());
  why.clear();
  EXPECT_FALSE(matmul({S(2), S(3)}, {S(3)}, &out, &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(matmul({}, {}, &out, nullptr));
  EXPECT_FALSE(matmul({S(2)}, {S(2)}, &out, nullptr));
}

// ---- normalizeAxis ----------------------------------------------------------

TEST(ShapeNormalizeAxis, NonNegative) {
  size_t out = 99;
  ASSERT_TRUE(normalizeAxis(0, 3, &out));
  EXPECT_EQ(out, 0u);
  ASSERT_TRUE(normalizeAxis(2, 3, &out));
  EXPECT_EQ(out, 2u);
}

TEST(ShapeNormalizeAxis, Negative) {
  size_t out = 99;
  ASSERT_TRUE(normalizeAxis(-1, 3, &out));
  EXPECT_EQ(out, 2u);
  ASSERT_TRUE(normalizeAxis(-3, 3, &out));
  EXPECT_EQ(out, 0u);
  ASSERT_TRUE(normalizeAxis(-1, 1, &out));
  EXPECT_EQ(out, 0u);
}

TEST(ShapeNormalizeAxis, OutOfRange) {
  size_t out = 99;
  EXPECT_FALSE(normalizeAxis(3, 3, &out));
  EXPECT_FALSE(normalizeAxis(-4, 3, &out));
  EXPECT_FALSE(normalizeAxis(100, 3, &out));
  EXPECT_FALSE(normalizeAxis(0, 0, &out));
  EXPECT_FALSE(normalizeAxis(-1, 0, &out));
  EXPECT_EQ(out, 99u);
}

// ---- reduce -----------------------------------------------------------------

TEST(ShapeReduce, OneAxis) {
  Shape out;
  std::string why;
  // sum over axis 1 of [2, 3, 4] -> [2, 4]
  ASSERT_TRUE(reduce({S(2), S(3), S(4)}, 1, false, &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(4)}));
  // axis -1 -> [2, 3]
  ASSERT_TRUE(reduce({S(2), S(3), S(4)}, -1, false, &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(3)}));
  // axis 0 of [N, 5] -> [5]
  ASSERT_TRUE(reduce({N(), S(5)}, 0, false, &out, &why));
  EXPECT_EQ(out, (Shape{S(5)}));
  // the only axis of a vector -> scalar
  ASSERT_TRUE(reduce({S(7)}, 0, false, &out, &why));
  EXPECT_TRUE(out.empty());
}

TEST(ShapeReduce, KeepDim) {
  Shape out;
  // axis 1, keepdim -> [2, 1, 4]
  ASSERT_TRUE(reduce({S(2), S(3), S(4)}, 1, true, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(2), S(1), S(4)}));
  // axis -1 of [N, 5], keepdim -> [N, 1]
  ASSERT_TRUE(reduce({N(), S(5)}, -1, true, &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(1)}));
}

TEST(ShapeReduce, AllAxes) {
  Shape out{S(9)};
  ASSERT_TRUE(reduce({S(2), S(3), S(4)}, std::nullopt, false, &out, nullptr));
  EXPECT_TRUE(out.empty());
  // keepdim over everything keeps the rank: [1, 1, 1] (numpy.sum(x, keepdims=True)).
  ASSERT_TRUE(reduce({S(2), S(3), S(4)}, std::nullopt, true, &out, nullptr));
  EXPECT_EQ(out, (Shape{S(1), S(1), S(1)}));
  ASSERT_TRUE(reduce({N(), S(3)}, std::nullopt, false, &out, nullptr));
  EXPECT_TRUE(out.empty());
}

TEST(ShapeReduce, AxisOutOfRange) {
  Shape out;
  std::string why;
  EXPECT_FALSE(reduce({S(2), S(3)}, 2, false, &out, &why));
  EXPECT_THAT(why, HasSubstr("2"));
  why.clear();
  EXPECT_FALSE(reduce({S(2), S(3)}, -3, false, &out, &why));
  EXPECT_THAT(why, HasSubstr("-3"));
}

// ---- transpose --------------------------------------------------------------

TEST(ShapeTranspose, SwapsLastTwo) {
  EXPECT_EQ(transpose({S(2), S(3)}), (Shape{S(3), S(2)}));
  EXPECT_EQ(transpose({S(2), S(3), S(4)}), (Shape{S(2), S(4), S(3)}));
  EXPECT_EQ(transpose({N(), S(64)}), (Shape{S(64), N()}));
}

TEST(ShapeTranspose, IdentityBelowRankTwo) {
  EXPECT_EQ(transpose({S(5)}), (Shape{S(5)}));
  EXPECT_EQ(transpose({}), Shape{});
}

// ---- reshape ----------------------------------------------------------------

using Target = std::vector<std::optional<Dim>>;

TEST(ShapeReshape, StaticExact) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  // [2, 3, 4] (24) -> [4, 6]
  ASSERT_TRUE(reshape({S(2), S(3), S(4)}, Target{S(4), S(6)}, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(4), S(6)}));
  // -> [24]
  ASSERT_TRUE(reshape({S(2), S(3), S(4)}, Target{S(24)}, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(24)}));
  EXPECT_TRUE(fresh.names.empty());
}

TEST(ShapeReshape, InfersMinusOne) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  // [2, 3, 4] -> [6, -1] = [6, 4]
  ASSERT_TRUE(reshape({S(2), S(3), S(4)}, Target{S(6), std::nullopt}, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(6), S(4)}));
  // -> [-1] = [24]
  ASSERT_TRUE(reshape({S(2), S(3), S(4)}, Target{std::nullopt}, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(24)}));
  // -> [-1, 2, 3] = [4, 2, 3]
  ASSERT_TRUE(reshape({S(2), S(3), S(4)}, Target{std::nullopt, S(2), S(3)}, fresh.callback(), &out,
                      &why));
  EXPECT_EQ(out, (Shape{S(4), S(2), S(3)}));
  // a scalar to [-1] = [1]
  ASSERT_TRUE(reshape({}, Target{std::nullopt}, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(1)}));
  EXPECT_TRUE(fresh.names.empty());
}

TEST(ShapeReshape, ElementCountMismatch) {
  FreshRecorder fresh;
  Shape out{S(77)};
  std::string why;
  // 24 elements cannot be viewed as [5, 5] (25).
  EXPECT_FALSE(reshape({S(2), S(3), S(4)}, Target{S(5), S(5)}, fresh.callback(), &out, &why));
  EXPECT_THAT(why, HasSubstr("24"));
  EXPECT_THAT(why, HasSubstr("25"));
  EXPECT_EQ(out, (Shape{S(77)}));
  // 24 elements are not a multiple of 5: [-1, 5] fails.
  why.clear();
  EXPECT_FALSE(reshape({S(2), S(3), S(4)}, Target{std::nullopt, S(5)}, fresh.callback(), &out, &why));
  EXPECT_THAT(why, HasSubstr("24"));
  EXPECT_THAT(why, HasSubstr("5"));
}

TEST(ShapeReshape, TwoMinusOnes) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  EXPECT_FALSE(reshape({S(2), S(3)}, Target{std::nullopt, std::nullopt}, fresh.callback(), &out, &why));
  EXPECT_THAT(why, HasSubstr("-1"));
}

TEST(ShapeReshape, SymbolicSourceInfersAFreshDim) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  // [N, 4] -> [-1, 2]: the -1 is N * 2, unknown statically -> a fresh symbol.
  ASSERT_TRUE(reshape({N(), S(4)}, Target{std::nullopt, S(2)}, fresh.callback(), &out, &why));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].isStatic());
  EXPECT_EQ(out[1], S(2));
  ASSERT_EQ(fresh.made.size(), 1u);
  EXPECT_EQ(out[0].symbol, &fresh.made.back());
}

TEST(ShapeReshape, SymbolicTargetKeepsTheSymbol) {
  FreshRecorder fresh;
  Shape out;
  // [N, 4] -> [N, 2, 2]: no -1, nothing to infer.
  ASSERT_TRUE(reshape({N(), S(4)}, Target{N(), S(2), S(2)}, fresh.callback(), &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(2), S(2)}));
  EXPECT_TRUE(fresh.names.empty());
}

// ---- concat -----------------------------------------------------------------

TEST(ShapeConcat, StaticSum) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  // [2, 3] ++ [4, 3] along 0 -> [6, 3]
  ASSERT_TRUE(concat({{S(2), S(3)}, {S(4), S(3)}}, 0, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(6), S(3)}));
  // [2, 3] ++ [2, 5] ++ [2, 1] along -1 -> [2, 9]
  ASSERT_TRUE(concat({{S(2), S(3)}, {S(2), S(5)}, {S(2), S(1)}}, -1, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(9)}));
  // One part: itself.
  ASSERT_TRUE(concat({{S(2), S(3)}}, 1, fresh.callback(), &out, &why));
  EXPECT_EQ(out, (Shape{S(2), S(3)}));
  EXPECT_TRUE(fresh.names.empty());
}

TEST(ShapeConcat, SymbolicOtherDimsMustMatch) {
  FreshRecorder fresh;
  Shape out;
  // [N, 3] ++ [N, 5] along 1 -> [N, 8]
  ASSERT_TRUE(concat({{N(), S(3)}, {N(), S(5)}}, 1, fresh.callback(), &out, nullptr));
  EXPECT_EQ(out, (Shape{N(), S(8)}));
  EXPECT_TRUE(fresh.names.empty());
  // [N, 3] ++ [M, 5] along 1 fails.
  EXPECT_FALSE(concat({{N(), S(3)}, {M(), S(5)}}, 1, fresh.callback(), &out, nullptr));
}

TEST(ShapeConcat, SymbolicAxisGivesAFreshDim) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  // [N, 3] ++ [2, 3] along 0 -> [fresh, 3]
  ASSERT_TRUE(concat({{N(), S(3)}, {S(2), S(3)}}, 0, fresh.callback(), &out, &why));
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(fresh.made.size(), 1u);
  EXPECT_EQ(out[0].symbol, &fresh.made.back());
  EXPECT_NE(out[0], N());
  EXPECT_EQ(out[1], S(3));
  // The symbol in a later part, too.
  ASSERT_TRUE(concat({{S(2), S(3)}, {N(), S(3)}}, 0, fresh.callback(), &out, &why));
  ASSERT_EQ(fresh.made.size(), 2u);
  EXPECT_EQ(out[0].symbol, &fresh.made.back());
}

TEST(ShapeConcat, MismatchMessage) {
  FreshRecorder fresh;
  Shape out{S(5)};
  std::string why;
  // [2, 3] ++ [2, 4] along 0: dimension 1 is 3 in part 0 and 4 in part 1.
  EXPECT_FALSE(concat({{S(2), S(3)}, {S(2), S(4)}}, 0, fresh.callback(), &out, &why));
  EXPECT_THAT(why, HasSubstr("dimension 1"));
  EXPECT_THAT(why, HasSubstr("3"));
  EXPECT_THAT(why, HasSubstr("4"));
  EXPECT_THAT(why, HasSubstr("part 1"));
  EXPECT_EQ(out, (Shape{S(5)}));
}

TEST(ShapeConcat, RankMismatchAndBadAxis) {
  FreshRecorder fresh;
  Shape out;
  std::string why;
  EXPECT_FALSE(concat({{S(2), S(3)}, {S(2)}}, 0, fresh.callback(), &out, &why));
  EXPECT_FALSE(why.empty());
  why.clear();
  EXPECT_FALSE(concat({{S(2), S(3)}, {S(2), S(3)}}, 2, fresh.callback(), &out, &why));
  EXPECT_THAT(why, HasSubstr("2"));
  why.clear();
  EXPECT_FALSE(concat({}, 0, fresh.callback(), &out, &why));
  EXPECT_FALSE(why.empty());
}

// ---- sameDim ----------------------------------------------------------------

TEST(ShapeSameDim, StaticAndSymbolic) {
  EXPECT_TRUE(sameDim(S(3), S(3)));
  EXPECT_FALSE(sameDim(S(3), S(4)));
  EXPECT_TRUE(sameDim(N(), N()));
  EXPECT_FALSE(sameDim(N(), M()));
  EXPECT_FALSE(sameDim(N(), S(0)));  // a symbol's unused size field does not matter
  EXPECT_FALSE(sameDim(S(1), N()));
}

}  // namespace
}  // namespace dlc::shapes
