// The front end's first stage: DL text → AST.
//
// ANTLR does the lexing and parsing; this stage owns its diagnostics (clang
// form, with messages about the construct being parsed rather than token
// dumps) and turns the parse tree into dlc's AST. Nothing ANTLR leaks out.
#pragma once

#include <memory>
#include <ostream>

#include "ast/AST.h"
#include "support/Diagnostics.h"

namespace dlc::parse {

// Inputs beyond these limits are refused with a diagnostic, so no input can
// exhaust the stack or memory of the recursive-descent parser.
constexpr size_t kMaxSourceBytes = 4u << 20;
constexpr int kMaxNesting = 200;

struct ParseResult {
  std::unique_ptr<ast::Module> module;  // always set; partial when !ok
  bool ok = false;
};

ParseResult parseFile(const SourceFile &file, DiagnosticEngine &diags);

// Prints one token per line ("3:5 IDENT 'relu'") for --emit=tokens.
// Returns false when the text has lexical errors (reported to `diags`).
bool dumpTokens(const SourceFile &file, DiagnosticEngine &diags, std::ostream &out);

}  // namespace dlc::parse
