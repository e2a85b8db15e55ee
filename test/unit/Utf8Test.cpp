// Unit tests for UTF-8 validation and offsets (compiler/support/Utf8.h).
// Byte sequences are spelled out; offsets counted by hand.
#include "support/Utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace dlc {
namespace {

// U+D55C U+AD6D U+C5B4 ("한국어"), 3 bytes each.
const std::string kKorean = "\xED\x95\x9C" "\xEA\xB5\xAD" "\xEC\x96\xB4";
// U+1F600 (grinning face), 4 bytes.
const std::string kEmoji = "\xF0\x9F\x98\x80";
// U+00E9 (é), 2 bytes.
const std::string kEAcute = "\xC3\xA9";

TEST(Utf8Valid, Ascii) {
  EXPECT_EQ(findInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(findInvalidUtf8("let x = zeros([2, 3])\n"), std::nullopt);
  EXPECT_EQ(findInvalidUtf8(std::string("a\0b", 3)), std::nullopt);  // NUL is a valid code point
}

TEST(Utf8Valid, MultiByte) {
  EXPECT_EQ(findInvalidUtf8(kKorean), std::nullopt);  // ED 95 9C is below the surrogates
  EXPECT_EQ(findInvalidUtf8(kEmoji), std::nullopt);
  EXPECT_EQ(findInvalidUtf8("// " + kEAcute + " " + kKorean + " " + kEmoji + "\n"), std::nullopt);
}

TEST(Utf8Valid, Boundaries) {
  EXPECT_EQ(findInvalidUtf8("\xC2\x80"), std::nullopt);          // U+0080, smallest 2-byte
  EXPECT_EQ(findInvalidUtf8("\xDF\xBF"), std::nullopt);          // U+07FF
  EXPECT_EQ(findInvalidUtf8("\xE0\xA0\x80"), std::nullopt);      // U+0800, smallest 3-byte
  EXPECT_EQ(findInvalidUtf8("\xED\x9F\xBF"), std::nullopt);      // U+D7FF, just below surrogates
  EXPECT_EQ(findInvalidUtf8("\xEE\x80\x80"), std::nullopt);      // U+E000, just above surrogates
  EXPECT_EQ(findInvalidUtf8("\xEF\xBF\xBF"), std::nullopt);      // U+FFFF
  EXPECT_EQ(findInvalidUtf8("\xF0\x90\x80\x80"), std::nullopt);  // U+10000, smallest 4-byte
  EXPECT_EQ(findInvalidUtf8("\xF4\x8F\xBF\xBF"), std::nullopt);  // U+10FFFF, the largest
}

TEST(Utf8Invalid, TruncatedSequence) {
  // "ab" then the first two bytes of a three-byte sequence (E2 82 AC is €).
  EXPECT_EQ(findInvalidUtf8("ab\xE2\x82"), std::optional<uint32_t>(2));
  // The first three bytes of the emoji, at offset 1.
  EXPECT_EQ(findInvalidUtf8("x\xF0\x9F\x98"), std::optional<uint32_t>(1));
  // A lone lead byte at the very end.
  EXPECT_EQ(findInvalidUtf8(kKorean + "\xC3"), std::optional<uint32_t>(9));
}

TEST(Utf8Invalid, BadContinuation) {
  // C3 must be followed by 80..BF; '(' is not a continuation.
  EXPECT_EQ(findInvalidUtf8("a\xC3(b"), std::optional<uint32_t>(1));
  // Third byte of a three-byte sequence is ASCII.
  EXPECT_EQ(findInvalidUtf8("ok " "\xE2\x82" "x"), std::optional<uint32_t>(3));
  // A lone continuation byte.
  EXPECT_EQ(findInvalidUtf8("abc\x80"), std::optional<uint32_t>(3));
  EXPECT_EQ(findInvalidUtf8(kEAcute + "\xA9"), std::optional<uint32_t>(2));
}

TEST(Utf8Invalid, Overlong) {
  // E0 80 80 would be U+0000 in three bytes.
  EXPECT_EQ(findInvalidUtf8("xy\xE0\x80\x80"), std::optional<uint32_t>(2));
  // E0 9F BF would be U+07FF in three bytes.
  EXPECT_EQ(findInvalidUtf8("\xE0\x9F\xBF"), std::optional<uint32_t>(0));
  // C0 80 / C1 BF: two-byte overlongs.
  EXPECT_EQ(findInvalidUtf8("\xC0\x80"), std::optional<uint32_t>(0));
  EXPECT_EQ(findInvalidUtf8("a\xC1\xBF"), std::optional<uint32_t>(1));
  // F0 8F BF BF would be U+FFFF in four bytes.
  EXPECT_EQ(findInvalidUtf8("\xF0\x8F\xBF\xBF"), std::optional<uint32_t>(0));
}

TEST(Utf8Invalid, Surrogate) {
  // ED A0 80 encodes U+D800, a UTF-16 surrogate.
  EXPECT_EQ(findInvalidUtf8("a\xED\xA0\x80"), std::optional<uint32_t>(1));
  // ED BF BF encodes U+DFFF.
  EXPECT_EQ(findInvalidUtf8(kKorean + "\xED\xBF\xBF"), std::optional<uint32_t>(9));
}

TEST(Utf8Invalid, AboveMaxCodePoint) {
  // F4 90 80 80 would be U+110000.
  EXPECT_EQ(findInvalidUtf8("ab\xF4\x90\x80\x80"), std::optional<uint32_t>(2));
  // F5..F7 leads can only encode values above U+10FFFF.
  EXPECT_EQ(findInvalidUtf8("\xF5\x80\x80\x80"), std::optional<uint32_t>(0));
}

TEST(Utf8Invalid, LoneFF) {
  EXPECT_EQ(findInvalidUtf8("\xFF"), std::optional<uint32_t>(0));
  EXPECT_EQ(findInvalidUtf8("abc\xFF" "def"), std::optional<uint32_t>(3));
  EXPECT_EQ(findInvalidUtf8("\xFE"), std::optional<uint32_t>(0));
}

TEST(Utf8Invalid, ReportsTheFirstError) {
  // é (2 bytes) + emoji (4 bytes) then FF at 6, then a surrogate at 7.
  EXPECT_EQ(findInvalidUtf8(kEAcute + kEmoji + "\xFF" "\xED\xA0\x80"), std::optional<uint32_t>(6));
}

TEST(Utf8Offsets, CodePointByteOffsets) {
  // a (1 byte) é (2) 한 (3) 😀 (4): code points start at 0, 1, 3, 6; the size is 10.
  std::string text = "a" + kEAcute + kKorean.substr(0, 3) + kEmoji;
  ASSERT_EQ(text.size(), 10u);
  EXPECT_EQ(codePointByteOffsets(text), (std::vector<uint32_t>{0, 1, 3, 6, 10}));
}

TEST(Utf8Offsets, AsciiAndEmpty) {
  EXPECT_EQ(codePointByteOffsets(""), (std::vector<uint32_t>{0}));
  EXPECT_EQ(codePointByteOffsets("abc"), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(codePointByteOffsets(kKorean), (std::vector<uint32_t>{0, 3, 6, 9}));
}

TEST(Utf8Utf16, Lengths) {
  std::string text = "a" + kEAcute + kKorean.substr(0, 3) + kEmoji;  // as above
  EXPECT_EQ(utf16Length(text, 0), 0u);
  EXPECT_EQ(utf16Length(text, 1), 1u);   // a
  EXPECT_EQ(utf16Length(text, 3), 2u);   // a é
  EXPECT_EQ(utf16Length(text, 6), 3u);   // a é 한
  EXPECT_EQ(utf16Length(text, 10), 5u);  // the emoji takes a surrogate pair
}

TEST(Utf8Utf16, EmojiCountsTwo) {
  EXPECT_EQ(utf16Length(kEmoji, 4), 2u);
  EXPECT_EQ(utf16Length(kEmoji + kEmoji + "x", 9), 5u);
  EXPECT_EQ(utf16Length(kKorean, 9), 3u);
  EXPECT_EQ(utf16Length("hello", 5), 5u);
}

TEST(Utf8Utf16, ByteCountBeyondTheText) {
  EXPECT_EQ(utf16Length("ab", 100), 2u);
}

}  // namespace
}  // namespace dlc
