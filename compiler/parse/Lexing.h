// Internal to parse/: the lexer set-up shared by the parser and --emit=tokens.
#pragma once

#include <memory>
#include <vector>

#include "DLLexer.h"
#include "antlr4-runtime.h"
#include "support/Diagnostics.h"

namespace dlc::parse {

// Token text as it appears in the source, with code-point indices mapped
// back to byte offsets.
class LexedFile {
public:
  // Checks size, encoding, lexical errors and bracket nesting; returns
  // nullptr (with diagnostics) when the text cannot be parsed.
  static std::unique_ptr<LexedFile> lex(const SourceFile &file, DiagnosticEngine &diags);

  antlr4::CommonTokenStream &tokens() { return *tokens_; }
  const SourceFile &file() const { return file_; }

  SourceLoc locAt(size_t codePoint) const;
  SourceRange rangeOf(const antlr4::Token *token) const;
  // Covers start..stop; tolerates the partial contexts of error recovery.
  SourceRange rangeOf(antlr4::ParserRuleContext *ctx) const;

private:
  explicit LexedFile(const SourceFile &file) : file_(file) {}

  const SourceFile &file_;
  std::vector<uint32_t> byteOffsets_;
  std::unique_ptr<antlr4::ANTLRInputStream> input_;
  std::unique_ptr<DLLexer> lexer_;
  std::unique_ptr<antlr4::CommonTokenStream> tokens_;
};

// How a token reads in a message: 'relu', ')', end of file.
std::string describeToken(const antlr4::Token *token);

}  // namespace dlc::parse
