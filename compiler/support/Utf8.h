// UTF-8 checks, and offsets between code points and bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace dlc {

// The byte offset of the first malformed sequence, or nullopt when `text` is
// valid UTF-8 (overlong forms and surrogates are malformed).
std::optional<uint32_t> findInvalidUtf8(std::string_view text);

// byteOffsets[i] is the byte offset of code point i; one extra entry holds the
// text's size. Only called on valid UTF-8.
std::vector<uint32_t> codePointByteOffsets(std::string_view text);

// How many UTF-16 code units the bytes [0, byteCount) of valid UTF-8 take
// (the Language Server Protocol counts columns in those).
uint32_t utf16Length(std::string_view text, uint32_t byteCount);

}  // namespace dlc
