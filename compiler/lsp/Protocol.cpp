#include "lsp/Protocol.h"

#include <algorithm>
#include <cctype>

#include "support/Utf8.h"

namespace dlc::lsp {

namespace {
bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// UTF-16 units of the code point whose lead byte is `c`, counted as
// utf16Length counts them (so the two directions agree on any bytes).
uint32_t utf16Units(char c) { return static_cast<unsigned char>(c) >= 0xF0 ? 2 : 1; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

uint32_t offsetOf(const SourceFile &file, Position position) {
  if (position.line < 0) return 0;
  if (position.line >= static_cast<int64_t>(file.lineCount()))
    return static_cast<uint32_t>(file.text().size());
  auto line = static_cast<uint32_t>(position.line + 1);
  uint32_t start = file.offsetOf(line, 1);
  std::string_view text = file.lineText(line);
  int64_t units = 0;
  for (uint32_t i = 0; i < text.size(); ++i) {
    if (isContinuationByte(text[i])) continue;
    if (units >= position.character) return start + i;
    units += utf16Units(text[i]);
  }
  return start + static_cast<uint32_t>(text.size());
}

Position positionOf(const SourceFile &file, uint32_t offset) {
  LineColumn lc = file.lineColumn(offset);
  std::string_view text = file.lineText(lc.line);
  return Position{static_cast<int64_t>(lc.line) - 1,
                  static_cast<int64_t>(utf16Length(text, lc.column - 1))};
}

json rangeJson(const SourceFile &file, uint32_t begin, uint32_t end) {
  Position b = positionOf(file, begin);
  Position e = positionOf(file, std::max(begin, end));
  return {{"start", {{"line", b.line}, {"character", b.character}}},
          {"end", {{"line", e.line}, {"character", e.character}}}};
}

std::optional<std::string> pathFromUri(const std::string &uri) {
  static const std::string scheme = "file://";
  if (uri.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
  std::string rest = uri.substr(scheme.size());
  if (rest.compare(0, 9, "localhost") == 0) rest.erase(0, 9);
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hexValue(rest[i + 1]) >= 0 && hexValue(rest[i + 2]) >= 0) {
      path.push_back(static_cast<char>(hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2])));
      i += 2;
    } else {
      path.push_back(rest[i]);
    }
  }
  return path;
}

std::string uriFromPath(const std::string &path) {
  static const char *hex = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      uri.push_back(static_cast<char>(c));
    } else {
      uri.push_back('%');
      uri.push_back(hex[c >> 4]);
      uri.push_back(hex[c & 15]);
    }
  }
  return uri;
}

std::optional<Position> positionParam(const json &params) {
  if (!params.is_object()) return std::nullopt;
  auto it = params.find("position");
  if (it == params.end() || !it->is_object()) return std::nullopt;
  auto line = it->find("line");
  auto character = it->find("character");
  if (line == it->end() || character == it->end() || !line->is_number_integer() ||
      !character->is_number_integer())
    return std::nullopt;
  return Position{line->get<int64_t>(), character->get<int64_t>()};
}

std::optional<std::string> documentUri(const json &params) {
  if (!params.is_object()) return std::nullopt;
  auto doc = params.find("textDocument");
  if (doc == params.end() || !doc->is_object()) return std::nullopt;
  auto uri = doc->find("uri");
  if (uri == doc->end() || !uri->is_string()) return std::nullopt;
  return uri->get<std::string>();
}

std::string dump(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace dlc::lsp
