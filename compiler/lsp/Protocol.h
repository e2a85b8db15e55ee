// The Language Server Protocol's vocabulary, as the server needs it: error
// codes, kinds, positions (0-based line, UTF-16 character) and file URIs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "support/SourceManager.h"

namespace dlc::lsp {

using json = nlohmann::json;

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  ParseError = -32700,      // the body is not JSON
  InvalidRequest = -32600,  // JSON, but not a request or notification
  MethodNotFound = -32601,  // a request the server does not implement
  InvalidParams = -32602,   // the params lack what the method needs
  InternalError = -32603,   // the server failed while answering
  ServerNotInitialized = -32002,
};

// CompletionItemKind values.
enum class CompletionKind : int {
  Method = 2, Function = 3, Field = 5, Variable = 6, Class = 7, Module = 9,
  Property = 10, Keyword = 14, Constant = 21, TypeParameter = 25,
};

// SymbolKind values.
enum class SymbolKind : int {
  Class = 5, Method = 6, Property = 7, Field = 8, Function = 12, Variable = 13,
  Constant = 14, TypeParameter = 26,
};

// DiagnosticSeverity values.
enum class DiagnosticSeverity : int { Error = 1, Warning = 2, Information = 3, Hint = 4 };

struct Position {
  int64_t line = 0;       // 0-based
  int64_t character = 0;  // 0-based, in UTF-16 code units
};

// Byte offset of an LSP position in `file` (clamped to the file and to the
// end of the line).
uint32_t offsetOf(const SourceFile &file, Position position);
Position positionOf(const SourceFile &file, uint32_t offset);
// {"start":…, "end":…} of a byte range of `file`.
json rangeJson(const SourceFile &file, uint32_t begin, uint32_t end);

// "file:///a%20b/x.dl" → "/a b/x.dl"; other schemes give nullopt.
std::optional<std::string> pathFromUri(const std::string &uri);
std::string uriFromPath(const std::string &path);

// Reads a position from a request's params ({"position": {...}}); nullopt
// when it is missing or not numbers.
std::optional<Position> positionParam(const json &params);
// params.textDocument.uri, or nullopt.
std::optional<std::string> documentUri(const json &params);

// Serialises without throwing on invalid UTF-8 (replaced by U+FFFD), which a
// document's text, and so a message quoting it, may contain.
std::string dump(const json &value);

}  // namespace dlc::lsp
