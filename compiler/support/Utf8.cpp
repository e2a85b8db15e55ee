#include "support/Utf8.h"

namespace dlc {

namespace {
// Length of the sequence starting with `lead`, or 0 when it cannot start one.
int sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}
}  // namespace

std::optional<uint32_t> findInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    int n = sequenceLength(lead);
    if (n == 0 || i + n > text.size()) return static_cast<uint32_t>(i);
    for (int k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return static_cast<uint32_t>(i);
    if (n >= 3) {
      auto second = static_cast<unsigned char>(text[i + 1]);
      if (lead == 0xE0 && second < 0xA0) return static_cast<uint32_t>(i);  // overlong
      if (lead == 0xED && second >= 0xA0) return static_cast<uint32_t>(i); // surrogate
      if (lead == 0xF0 && second < 0x90) return static_cast<uint32_t>(i);  // overlong
      if (lead == 0xF4 && second >= 0x90) return static_cast<uint32_t>(i); // > U+10FFFF
    }
    i += static_cast<size_t>(n);
  }
  return std::nullopt;
}

std::vector<uint32_t> codePointByteOffsets(std::string_view text) {
  std::vector<uint32_t> offsets;
  offsets.reserve(text.size() + 1);
  for (uint32_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  offsets.push_back(static_cast<uint32_t>(text.size()));
  return offsets;
}

uint32_t utf16Length(std::string_view text, uint32_t byteCount) {
  uint32_t units = 0;
  for (uint32_t i = 0; i < byteCount && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    units += (c >= 0xF0) ? 2 : 1;
  }
  return units;
}

}  // namespace dlc
