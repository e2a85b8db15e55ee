// Internal to parse/: ANTLR parse tree → AST.
#pragma once

#include "DLParser.h"
#include "ast/AST.h"
#include "parse/Lexing.h"

namespace dlc::parse {

// Deeper expression trees are refused, so later recursive passes stay
// within the stack.
constexpr int kMaxExpressionDepth = 800;

// Builds the module; tolerates the partial trees of error recovery.
std::unique_ptr<ast::Module> buildModule(DLParser::ProgramContext *tree, LexedFile &lexed,
                                         DiagnosticEngine &diags);

}  // namespace dlc::parse
