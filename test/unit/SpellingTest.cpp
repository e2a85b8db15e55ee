// Unit tests for "did you mean" suggestions (compiler/support/Spelling.h).
#include "support/Spelling.h"

#include <gtest/gtest.h>

namespace dlc {
namespace {

TEST(EditDistance, Identical) {
  EXPECT_EQ(editDistance("", ""), 0u);
  EXPECT_EQ(editDistance("relu", "relu"), 0u);
}

TEST(EditDistance, EmptyAgainstWord) {
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("abcd", ""), 4u);
}

TEST(EditDistance, Insertion) {
  EXPECT_EQ(editDistance("sofmax", "softmax"), 1u);
  EXPECT_EQ(editDistance("abd", "abcd"), 1u);
  EXPECT_EQ(editDistance("relu", "relu6"), 1u);
}

TEST(EditDistance, Deletion) {
  EXPECT_EQ(editDistance("abcd", "abd"), 1u);
  EXPECT_EQ(editDistance("sigmoidd", "sigmoid"), 1u);
}

TEST(EditDistance, Substitution) {
  EXPECT_EQ(editDistance("abc", "abx"), 1u);
  EXPECT_EQ(editDistance("tanh", "tank"), 1u);
  EXPECT_EQ(editDistance("abc", "xyz"), 3u);
}

TEST(EditDistance, AdjacentTransposition) {
  EXPECT_EQ(editDistance("abc", "acb"), 1u);
  EXPECT_EQ(editDistance("rleu", "relu"), 1u);
  EXPECT_EQ(editDistance("ab", "ba"), 1u);
}

TEST(EditDistance, Combined) {
  // kitten -> sitten -> sittin -> sitting
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  // flaw -> law -> lawn
  EXPECT_EQ(editDistance("flaw", "lawn"), 2u);
  EXPECT_EQ(editDistance("sitting", "kitten"), 3u);
}

// BUG (compiler/support/Spelling.cpp): substitutions compare letters
// case-insensitively ("aB" vs "ab" is 0), but the adjacent-swap check compares
// them case-sensitively, so "aB" vs "ba" is 2 although "aB" ~ "ab" and "ab" vs
// "ba" is one swap. The distance then breaks the triangle inequality
// d(aB, ba) <= d(aB, ab) + d(ab, ba) = 1. Fix: use the same case folding in
// the transposition test.
TEST(EditDistance, TranspositionFoldsCaseLikeSubstitution) {
  ASSERT_EQ(editDistance("aB", "ab"), 0u);
  ASSERT_EQ(editDistance("ab", "ba"), 1u);
  EXPECT_LE(editDistance("aB", "ba"), editDistance("aB", "ab") + editDistance("ab", "ba"));
  EXPECT_EQ(editDistance("aB", "ba"), 1u);
}

TEST(ClosestName, SuggestsCloseTypos) {
  std::vector<std::string> names = {"relu", "sigmoid", "softmax", "tanh", "Linear", "Adam"};
  EXPECT_EQ(closestName("rleu", names), "relu");      // swap
  EXPECT_EQ(closestName("sofmax", names), "softmax"); // missing letter
  EXPECT_EQ(closestName("sigmoyd", names), "sigmoid"); // wrong letter
  EXPECT_EQ(closestName("Lineer", names), "Linear");
  EXPECT_EQ(closestName("Adamm", names), "Adam");
}

TEST(ClosestName, PicksTheClosest) {
  // "sofmax" is 1 from "softmax" and 3 from "sofplus".
  EXPECT_EQ(closestName("sofmax", {"sofplus", "softmax"}), "softmax");
  // "relo" is 1 from "relu" and 2 from "help".
  EXPECT_EQ(closestName("relo", {"help", "relu"}), "relu");
}

TEST(ClosestName, RejectsUnrelatedNames) {
  std::vector<std::string> names = {"relu", "sigmoid", "softmax", "tanh", "Linear", "Adam"};
  EXPECT_EQ(closestName("loss", names), "");
  EXPECT_EQ(closestName("x", names), "");
  EXPECT_EQ(closestName("optimizer", names), "");
  EXPECT_EQ(closestName("relu", {"tanh"}), "");
  // "ab" allows one edit; "xy" needs two.
  EXPECT_EQ(closestName("ab", {"xy"}), "");
  // Six letters allow two edits; three are too many.
  EXPECT_EQ(closestName("abcdef", {"abcxyz"}), "");
  EXPECT_EQ(closestName("abcdef", {"abcdxy"}), "abcdxy");
}

TEST(ClosestName, ExcludesExactMatch) {
  EXPECT_EQ(closestName("relu", {"relu"}), "");
  EXPECT_EQ(closestName("relu", {"relu", "relux"}), "relux");
}

TEST(ClosestName, EmptyInputs) {
  EXPECT_EQ(closestName("", {"a", "b"}), "");
  EXPECT_EQ(closestName("relu", {}), "");
  EXPECT_EQ(closestName("a", {""}), "");
}

}  // namespace
}  // namespace dlc
