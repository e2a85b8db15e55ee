#include "parse/Parser.h"

#include <set>
#include <sstream>

#include "DLParser.h"
#include "parse/AstBuilder.h"
#include "parse/Lexing.h"
#include "support/Utf8.h"

namespace dlc::parse {

using antlr4::Token;

// ---- Lexing ---------------------------------------------------------------

std::string describeToken(const Token *token) {
  if (token == nullptr || token->getType() == Token::EOF) return "end of file";
  std::string text = token->getText();
  if (text.size() > 24) text = text.substr(0, 21) + "...";
  return "'" + text + "'";
}

SourceLoc LexedFile::locAt(size_t codePoint) const {
  size_t i = std::min(codePoint, byteOffsets_.size() - 1);
  return SourceLoc{file_.id(), byteOffsets_[i]};
}

SourceRange LexedFile::rangeOf(const Token *token) const {
  if (token == nullptr) return SourceRange();
  if (token->getType() == Token::EOF) {
    SourceLoc end{file_.id(), static_cast<uint32_t>(file_.text().size())};
    return SourceRange(end, end);
  }
  size_t start = token->getStartIndex(), stop = token->getStopIndex();
  if (stop + 1 < start) stop = start;
  return SourceRange(locAt(start), locAt(stop + 1));
}

SourceRange LexedFile::rangeOf(antlr4::ParserRuleContext *ctx) const {
  if (ctx == nullptr) return SourceRange();
  SourceRange begin = rangeOf(ctx->getStart());
  const Token *stop = ctx->getStop();
  if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return begin;
  return begin.to(rangeOf(stop));
}

std::unique_ptr<LexedFile> LexedFile::lex(const SourceFile &file, DiagnosticEngine &diags) {
  SourceLoc start{file.id(), 0};
  if (file.text().size() > kMaxSourceBytes) {
    diags.error(SourceRange(start), "file is too large (" + std::to_string(file.text().size()) +
                                        " bytes; the limit is " + std::to_string(kMaxSourceBytes) + ")");
    return nullptr;
  }
  if (auto bad = findInvalidUtf8(file.text())) {
    SourceLoc at{file.id(), *bad};
    char hex[8];
    snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(file.text()[*bad]));
    diags.error(SourceRange(at, SourceLoc{file.id(), *bad + 1}),
                std::string("source file is not valid UTF-8 (byte ") + hex + ")");
    return nullptr;
  }
  if (file.text().find('\0') != std::string::npos) {
    SourceLoc at{file.id(), static_cast<uint32_t>(file.text().find('\0'))};
    diags.error(SourceRange(at), "source file contains a NUL byte");
    return nullptr;
  }

  std::unique_ptr<LexedFile> lexed(new LexedFile(file));
  lexed->byteOffsets_ = codePointByteOffsets(file.text());
  lexed->input_ = std::make_unique<antlr4::ANTLRInputStream>(file.text());
  lexed->lexer_ = std::make_unique<DLLexer>(lexed->input_.get());
  lexed->lexer_->removeErrorListeners();
  lexed->tokens_ = std::make_unique<antlr4::CommonTokenStream>(lexed->lexer_.get());
  lexed->tokens_->fill();

  bool ok = true;
  std::vector<const Token *> open;  // brackets not yet closed
  for (Token *token : lexed->tokens_->getTokens()) {
    SourceRange range = lexed->rangeOf(token);
    switch (token->getType()) {
    case DLLexer::UNTERMINATED_STRING:
      diags.error(range, "unterminated string literal: a string must end with '\"' on the same line");
      ok = false;
      break;
    case DLLexer::UNTERMINATED_COMMENT:
      diags.error(SourceRange(range.begin, SourceLoc{file.id(), range.begin.offset + 2}),
                  "unterminated block comment: '/*' has no matching '*/'");
      ok = false;
      break;
    case DLLexer::UNEXPECTED_CHAR:
      diags.error(range, "unexpected character " + describeToken(token) + " in program text");
      ok = false;
      break;
    case DLLexer::LPAREN:
    case DLLexer::LBRACKET:
    case DLLexer::LBRACE:
      open.push_back(token);
      if (ok && open.size() > static_cast<size_t>(kMaxNesting)) {
        diags.error(range, "brackets are nested too deeply (more than " +
                               std::to_string(kMaxNesting) + " levels)");
        return nullptr;
      }
      break;
    case DLLexer::RPAREN:
    case DLLexer::RBRACKET:
    case DLLexer::RBRACE:
      if (!open.empty()) open.pop_back();
      break;
    default:
      break;
    }
  }
  if (!ok) return nullptr;

  // Prefix operators and the right-associative '^' recurse in the parser
  // too; bound their runs. (Binary + and - loop, and are not counted.)
  int run = 0;
  bool afterOperand = false;
  for (Token *token : lexed->tokens_->getTokens()) {
    if (token->getChannel() != Token::DEFAULT_CHANNEL) continue;
    size_t type = token->getType();
    std::string text = type == Token::EOF ? "" : token->getText();
    bool operand = type == DLLexer::IDENT || type == DLLexer::INT || type == DLLexer::FLOAT;
    bool prefix = !afterOperand && (text == "-" || text == "+" || text == "not");
    if (prefix || text == "^") ++run;
    else if (!operand) run = 0;
    afterOperand = operand || type == DLLexer::STRING || type == DLLexer::TRUE || type == DLLexer::FALSE ||
                   type == DLLexer::RPAREN || type == DLLexer::RBRACKET;
    if (run > kMaxNesting) {
      diags.error(lexed->rangeOf(token), "expression is nested too deeply (more than " +
                                             std::to_string(kMaxNesting) + " operators in a chain)");
      return nullptr;
    }
  }

  // At each binary '+' or '-' (which could also be a unary one starting a
  // statement) ANTLR's prediction reads ahead to the end of the chain:
  // quadratic time in the chain's length. Bound the chains, per bracket
  // level, at the AST's depth limit (which a plain sum that long exceeds
  // too); a token that cannot be inside an expression (',', ';', '{', '=', a
  // keyword) ends a chain.
  std::vector<int> chain{0};
  bool afterValue = false;
  for (Token *token : lexed->tokens_->getTokens()) {
    if (token->getChannel() != Token::DEFAULT_CHANNEL) continue;
    size_t type = token->getType();
    std::string text = type == Token::EOF ? "" : token->getText();
    bool value = type == DLLexer::IDENT || type == DLLexer::INT || type == DLLexer::FLOAT ||
                 type == DLLexer::STRING || type == DLLexer::TRUE || type == DLLexer::FALSE;
    if (type == DLLexer::LPAREN || type == DLLexer::LBRACKET) {
      chain.push_back(0);
    } else if (type == DLLexer::RPAREN || type == DLLexer::RBRACKET) {
      if (chain.size() > 1) chain.pop_back();
      value = true;
    } else if (afterValue && (text == "+" || text == "-")) {
      if (++chain.back() > kMaxExpressionDepth) {
        diags.error(lexed->rangeOf(token), "expression is nested too deeply (more than " +
                                               std::to_string(kMaxExpressionDepth) + " levels)");
        return nullptr;
      }
    } else if (!value && type != DLLexer::AND && type != DLLexer::OR && type != DLLexer::NOT &&
               !(text == "+" || text == "-" || text == "*" || text == "/" || text == "%" || text == "@" ||
                 text == "^" || text == "<" || text == "<=" || text == ">" || text == ">=" ||
                 text == "==" || text == "!=" || text == ".")) {
      chain.back() = 0;
    }
    afterValue = value;
  }
  return lexed;
}

// ---- Syntax errors --------------------------------------------------------

namespace {

bool contains(const antlr4::misc::IntervalSet &set, size_t type) {
  return set.contains(type);
}

// Reports syntax errors in dlc's words. ANTLR's recovery is kept; only the
// reporting changes.
class DiagnosticErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  DiagnosticErrorStrategy(LexedFile &lexed, DiagnosticEngine &diags) : lexed_(lexed), diags_(diags) {}

protected:
  void reportNoViableAlternative(antlr4::Parser *parser, const antlr4::NoViableAltException &e) override {
    explain(parser, e.getOffendingToken(), parser->getExpectedTokens());
  }
  void reportInputMismatch(antlr4::Parser *parser, const antlr4::InputMismatchException &e) override {
    explain(parser, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportFailedPredicate(antlr4::Parser *parser, const antlr4::FailedPredicateException &e) override {
    explain(parser, e.getOffendingToken(), parser->getExpectedTokens());
  }
  void reportUnwantedToken(antlr4::Parser *parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    Token *token = parser->getCurrentToken();
    if (token->getLine() == lastErrorLine_) return;
    lastErrorLine_ = token->getLine();
    if (explainUnclosed(parser, token)) return;
    Token *before = previousToken(parser, token);
    if (before && isBinaryOperator(before->getText()) && onLaterLine(parser, token)) {
      diags_.error(lexed_.rangeOf(token), "expected an expression, found " + describeToken(token));
      return;
    }
    diags_.error(lexed_.rangeOf(token), "unexpected " + describeToken(token));
  }
  void reportMissingToken(antlr4::Parser *parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    explainNow(parser, parser->getCurrentToken(), getExpectedTokens(parser));
  }

private:
  // DefaultErrorStrategy::reportError has already checked and begun the
  // error condition before calling the report* hooks that come here.
  void explain(antlr4::Parser *parser, Token *offending, const antlr4::misc::IntervalSet &expected) {
    explainNow(parser, offending, expected);
  }

  void explainNow(antlr4::Parser *parser, Token *offending, const antlr4::misc::IntervalSet &expected) {
    // One syntax error per line: what follows the first is mostly the noise
    // of recovery.
    if (offending->getLine() == lastErrorLine_) return;
    lastErrorLine_ = offending->getLine();
    auto *ctx = parser->getContext();
    SourceRange at = lexed_.rangeOf(offending);
    std::string found = describeToken(offending);

    // A missing closer: say what it closes and where that was opened.
    struct Closer { size_t type; const char *spelling; };
    for (Closer closer : {Closer{DLParser::RPAREN, ")"}, Closer{DLParser::RBRACKET, "]"},
                          Closer{DLParser::RBRACE, "}"}}) {
      if (!contains(expected, closer.type)) continue;
      std::string what;
      Token *opener = nullptr;
      if (!findOpener(ctx, closer.type, &what, &opener)) continue;
      bool atEnd = offending->getType() == Token::EOF || onLaterLine(parser, offending);
      bool onlyCloser = expected.size() <= 2;
      if (!atEnd && !onlyCloser && closer.type == DLParser::RBRACE) break;
      SourceRange where = atEnd ? afterPrevious(parser, offending) : at;
      auto &d = diags_.error(where, std::string("expected '") + closer.spelling + "' " + what +
                                        (atEnd ? "" : ", found " + found));
      if (opener)
        DiagnosticEngine::note(d, lexed_.rangeOf(opener),
                               std::string("to match this '") + opener->getText() + "'");
      return;
    }

    if (explainUnclosed(parser, offending)) return;

    Token *before = previousToken(parser, offending);
    if (before && isBinaryOperator(before->getText()) && onLaterLine(parser, offending)) {
      diags_.error(at, "expected an expression, found " + found);
      return;
    }
    if (contains(expected, DLParser::LBRACE) && offending->getType() != DLParser::LBRACE) {
      for (auto *c = ctx; c; c = dynamic_cast<antlr4::ParserRuleContext *>(c->parent))
        if (dynamic_cast<DLParser::IfStmtContext *>(c) || dynamic_cast<DLParser::ForStmtContext *>(c)) {
          diags_.error(at, "expected '{', found " + found);
          return;
        }
    }

    // Two statements on one line.
    Token *prev = previousToken(parser, offending);
    if (prev && offending->getType() != Token::EOF && prev->getLine() == offending->getLine() &&
        prev->getText() != ";" && prev->getText() != "{" && prev->getText() != "}" &&
        (contains(expected, DLParser::RBRACE) || contains(expected, Token::EOF))) {
      diags_.error(at, "expected a line break or ';' before " + found);
      return;
    }

    bool wantsExpression = contains(expected, DLParser::INT) && contains(expected, DLParser::IDENT) &&
                           contains(expected, DLParser::LPAREN);
    if (wantsExpression && !contains(expected, DLParser::LET)) {
      diags_.error(at, "expected an expression, found " + found);
      return;
    }
    if (expected.size() <= 3 && !expected.isEmpty()) {
      std::string list;
      auto tokens = expected.toList();
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (i) list += i + 1 == tokens.size() ? " or " : ", ";
        list += describeExpected(parser, tokens[i]);
      }
      bool atEnd = offending->getType() == Token::EOF || onLaterLine(parser, offending);
      diags_.error(atEnd ? afterPrevious(parser, offending) : at,
                   "expected " + list + ", found " + found);
      return;
    }
    diags_.error(at, "unexpected " + found);
  }

  // A bracket left open is the likeliest cause of an error at the end of the
  // file, at a statement keyword on a later line, or at a '(' that is never
  // closed. Found lexically, so it does not depend on how ANTLR recovered.
  bool explainUnclosed(antlr4::Parser *parser, Token *offending) {
    auto &stream = lexed_.tokens();
    bool isEnd = offending->getType() == Token::EOF;
    bool keyword = offending->getType() == DLParser::LET || offending->getType() == DLParser::VAR ||
                   offending->getType() == DLParser::FOR || offending->getType() == DLParser::IF ||
                   offending->getType() == DLParser::RETURN || offending->getType() == DLParser::FN ||
                   offending->getType() == DLParser::MODEL || offending->getType() == DLParser::OPTIMIZER;
    bool opensHere = offending->getType() == DLParser::LPAREN || offending->getType() == DLParser::LBRACKET;
    if (!isEnd && !(keyword && onLaterLine(parser, offending)) && !opensHere) return false;
    size_t stop = opensHere ? stream.size() : offending->getTokenIndex();
    std::vector<Token *> open;
    for (size_t i = 0; i < stop && i < stream.size(); ++i) {
      Token *t = stream.get(i);
      if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
      size_t type = t->getType();
      if (type == DLParser::LPAREN || type == DLParser::LBRACKET || type == DLParser::LBRACE) open.push_back(t);
      else if ((type == DLParser::RPAREN || type == DLParser::RBRACKET || type == DLParser::RBRACE) && !open.empty())
        open.pop_back();
    }
    if (open.empty()) return false;
    Token *opener = open.back();
    if (opensHere && opener != offending) return false;
    Token *before = opener->getTokenIndex() > 0 ? previousToken(parser, opener) : nullptr;
    bool afterName = before && before->getType() == DLParser::IDENT && before->getLine() == opener->getLine();
    std::string what, closer;
    switch (opener->getType()) {
    case DLParser::LPAREN:
      closer = ")";
      what = afterName ? "to close call to '" + before->getText() + "'" : "to close the parenthesis";
      break;
    case DLParser::LBRACKET:
      closer = "]";
      what = afterName ? "to close the index" : "to close the list";
      break;
    default: {
      closer = "}";
      what = "to close the block";
      // model Name(...) {   /   optimizer Name(...) {
      ssize_t i = static_cast<ssize_t>(opener->getTokenIndex()) - 1;
      auto visible = [&](ssize_t &k) {
        while (k >= 0 && stream.get(static_cast<size_t>(k))->getChannel() != Token::DEFAULT_CHANNEL) --k;
        return k >= 0 ? stream.get(static_cast<size_t>(k)) : nullptr;
      };
      Token *t = visible(i);
      if (t && t->getType() == DLParser::RPAREN) {
        int depth = 0;
        for (; i >= 0; --i) {
          Token *u = stream.get(static_cast<size_t>(i));
          if (u->getType() == DLParser::RPAREN) ++depth;
          if (u->getType() == DLParser::LPAREN && --depth == 0) break;
        }
        --i;
        t = visible(i);
      }
      --i;
      Token *keyword = t && t->getType() == DLParser::IDENT ? visible(i) : nullptr;
      if (keyword && (keyword->getType() == DLParser::MODEL || keyword->getType() == DLParser::OPTIMIZER))
        what = "to close " + keyword->getText() + " '" + t->getText() + "'";
      break;
    }
    }
    Token *last = opensHere ? stream.get(stream.size() - 1) : offending;
    SourceRange where = afterPrevious(parser, last);
    auto &d = diags_.error(where, "expected '" + closer + "' " + what);
    DiagnosticEngine::note(d, lexed_.rangeOf(opener), "to match this '" + opener->getText() + "'");
    return true;
  }

  static bool isBinaryOperator(const std::string &text) {
    static const std::set<std::string> kBinary = {"+", "-", "*", "/", "%", "@", "^", "<", "<=", ">", ">=",
                                                  "==", "!=", "and", "or", "=", "+=", "-=", "*=", "/=", ","};
    return kBinary.count(text) > 0;
  }

  std::string describeExpected(antlr4::Parser *parser, size_t type) {
    switch (type) {
    case DLParser::IDENT: return "a name";
    case DLParser::INT: return "an integer";
    case DLParser::STRING: return "a string";
    case Token::EOF: return "end of file";
    default: return parser->getVocabulary().getDisplayName(type);
    }
  }

  // The construct a closer of `type` would end, and its opening token.
  bool findOpener(antlr4::ParserRuleContext *ctx, size_t type, std::string *what, Token **opener) {
    for (auto *c = ctx; c != nullptr; c = dynamic_cast<antlr4::ParserRuleContext *>(c->parent)) {
      if (type == DLParser::RPAREN) {
        if (auto *call = dynamic_cast<DLParser::CallExprContext *>(c)) {
          std::string callee = call->expr() ? call->expr()->getText() : "";
          *what = callee.empty() || callee.size() > 40 ? "to close the call" : "to close call to '" + callee + "'";
          *opener = call->LPAREN() ? call->LPAREN()->getSymbol() : nullptr;
          return true;
        }
        if (auto *paren = dynamic_cast<DLParser::ParenExprContext *>(c)) {
          *what = "to close the parenthesized expression";
          *opener = paren->LPAREN() ? paren->LPAREN()->getSymbol() : nullptr;
          return true;
        }
        if (auto *fn = dynamic_cast<DLParser::FnDeclContext *>(c)) {
          *what = "to close the parameter list";
          *opener = fn->LPAREN() ? fn->LPAREN()->getSymbol() : nullptr;
          return true;
        }
        if (auto *model = dynamic_cast<DLParser::ModelDeclContext *>(c)) {
          *what = "to close the parameter list";
          *opener = model->LPAREN() ? model->LPAREN()->getSymbol() : nullptr;
          return true;
        }
      } else if (type == DLParser::RBRACKET) {
        if (auto *list = dynamic_cast<DLParser::ListLiteralContext *>(c)) {
          *what = "to close the list";
          *opener = list->LBRACKET() ? list->LBRACKET()->getSymbol() : nullptr;
          return true;
        }
        if (auto *index = dynamic_cast<DLParser::IndexExprContext *>(c)) {
          *what = "to close the index";
          *opener = index->LBRACKET() ? index->LBRACKET()->getSymbol() : nullptr;
          return true;
        }
        if (auto *t = dynamic_cast<DLParser::TypeContext *>(c)) {
          *what = "to close the shape";
          *opener = t->LBRACKET() ? t->LBRACKET()->getSymbol() : nullptr;
          return true;
        }
      } else if (type == DLParser::RBRACE) {
        if (auto *block = dynamic_cast<DLParser::BlockContext *>(c)) {
          *what = "to close the block";
          *opener = block->LBRACE() ? block->LBRACE()->getSymbol() : nullptr;
          return true;
        }
        if (auto *model = dynamic_cast<DLParser::ModelDeclContext *>(c)) {
          *what = "to close model '" + (model->IDENT() ? model->IDENT()->getText() : std::string()) + "'";
          *opener = model->LBRACE() ? model->LBRACE()->getSymbol() : nullptr;
          return true;
        }
        if (auto *opt = dynamic_cast<DLParser::OptimizerDeclContext *>(c)) {
          *what = "to close optimizer '" + (opt->IDENT() ? opt->IDENT()->getText() : std::string()) + "'";
          *opener = opt->LBRACE() ? opt->LBRACE()->getSymbol() : nullptr;
          return true;
        }
      }
    }
    return false;
  }

  Token *previousToken(antlr4::Parser *parser, Token *token) {
    auto &stream = lexed_.tokens();
    for (ssize_t i = static_cast<ssize_t>(token->getTokenIndex()) - 1; i >= 0; --i) {
      Token *t = stream.get(static_cast<size_t>(i));
      if (t->getChannel() == Token::DEFAULT_CHANNEL) return t;
    }
    (void)parser;
    return nullptr;
  }

  bool onLaterLine(antlr4::Parser *parser, Token *token) {
    Token *prev = previousToken(parser, token);
    return prev != nullptr && prev->getLine() < token->getLine();
  }

  // Just after the previous token: where a forgotten ')' belongs.
  SourceRange afterPrevious(antlr4::Parser *parser, Token *token) {
    Token *prev = previousToken(parser, token);
    if (prev == nullptr) return lexed_.rangeOf(token);
    SourceLoc end = lexed_.rangeOf(prev).end;
    return SourceRange(end, end);
  }

  LexedFile &lexed_;
  DiagnosticEngine &diags_;
  size_t lastErrorLine_ = 0;
};

}  // namespace

ParseResult parseFile(const SourceFile &file, DiagnosticEngine &diags) {
  ParseResult result;
  result.module = std::make_unique<ast::Module>();
  result.module->file = file.id();
  size_t errorsBefore = diags.errorCount();

  auto lexed = LexedFile::lex(file, diags);
  if (!lexed) return result;

  DLParser parser(&lexed->tokens());
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<DiagnosticErrorStrategy>(*lexed, diags));
  // SLL prediction: the full-context (LL) retry re-reads a '+'/'-' chain
  // whose operators start lines (`a\n-b\n-b ...`) for every operator, with
  // a large constant (7 s for 250 lines). SLL gave the same trees and
  // diagnostics as LL on all the lit tests and the fuzz corpus (1,200 files).
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  DLParser::ProgramContext *tree = nullptr;
  try {
    tree = parser.program();
  } catch (const std::exception &e) {
    diags.error(SourceRange(SourceLoc{file.id(), 0}), std::string("the parser failed: ") + e.what());
    return result;
  }
  bool syntaxOk = diags.errorCount() == errorsBefore;
  result.module = buildModule(tree, *lexed, diags);
  result.ok = syntaxOk && diags.errorCount() == errorsBefore;
  return result;
}

bool dumpTokens(const SourceFile &file, DiagnosticEngine &diags, std::ostream &out) {
  auto lexed = LexedFile::lex(file, diags);
  if (!lexed) return false;
  const auto &vocabulary = DLLexer(nullptr).getVocabulary();
  for (Token *token : lexed->tokens().getTokens()) {
    if (token->getChannel() != Token::DEFAULT_CHANNEL) continue;
    LineColumn at = file.lineColumn(lexed->rangeOf(token).begin.offset);
    std::string name = token->getType() == Token::EOF ? "EOF" : vocabulary.getSymbolicName(token->getType());
    if (name.empty()) name = "PUNCT";
    out << at.line << ":" << at.column << " " << name;
    if (token->getType() != Token::EOF) out << " '" << token->getText() << "'";
    out << "\n";
  }
  return true;
}

}  // namespace dlc::parse
