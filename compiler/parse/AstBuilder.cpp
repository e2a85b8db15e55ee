#include "parse/AstBuilder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace dlc::parse {

using namespace ast;
using antlr4::tree::TerminalNode;

namespace {

class AstBuilder {
public:
  AstBuilder(LexedFile &lexed, DiagnosticEngine &diags) : lexed_(lexed), diags_(diags) {}

  std::unique_ptr<Module> module(DLParser::ProgramContext *tree) {
    auto m = std::make_unique<Module>();
    m->file = lexed_.file().id();
    if (!tree) return m;
    for (auto *item : tree->item()) {
      if (auto *use = item->useDecl()) {
        if (use->STRING())
          m->uses.push_back(UseDecl{unquote(use->STRING()->getText()), lexed_.rangeOf(use)});
      } else if (auto *fn = item->fnDecl()) {
        m->functions.push_back(function(fn));
      } else if (auto *model = item->modelDecl()) {
        m->models.push_back(modelDecl(model));
      } else if (auto *opt = item->optimizerDecl()) {
        m->optimizers.push_back(optimizerDecl(opt));
      } else if (auto *s = item->stmt()) {
        if (auto built = stmt(s)) m->statements.push_back(std::move(built));
      }
    }
    return m;
  }

private:
  SourceRange range(antlr4::ParserRuleContext *ctx) { return lexed_.rangeOf(ctx); }
  SourceRange range(TerminalNode *node) {
    return node ? lexed_.rangeOf(node->getSymbol()) : SourceRange();
  }
  static std::string text(TerminalNode *node) { return node ? node->getText() : std::string(); }

  static std::string unquote(const std::string &quoted) {
    std::string out;
    for (size_t i = 1; i + 1 < quoted.size(); ++i) {
      char c = quoted[i];
      if (c == '\\' && i + 2 < quoted.size()) {
        char e = quoted[++i];
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        default: out += e; break;
        }
      } else {
        out += c;
      }
    }
    return out;
  }

  // The `//` comment lines directly above a declaration, without the slashes.
  std::string docComment(antlr4::ParserRuleContext *ctx) {
    if (!ctx || !ctx->getStart()) return "";
    auto hidden = lexed_.tokens().getHiddenTokensToLeft(ctx->getStart()->getTokenIndex());
    std::vector<std::string> lines;
    size_t expectLine = ctx->getStart()->getLine();
    for (auto it = hidden.rbegin(); it != hidden.rend(); ++it) {
      antlr4::Token *t = *it;
      if (t->getType() != DLLexer::LINE_COMMENT || t->getLine() + 1 != expectLine) break;
      std::string line = t->getText().substr(2);
      while (!line.empty() && line[0] == '/') line.erase(0, 1);
      if (!line.empty() && line[0] == ' ') line.erase(0, 1);
      lines.insert(lines.begin(), line);
      expectLine = t->getLine();
    }
    std::string doc;
    for (auto &l : lines) doc += (doc.empty() ? "" : "\n") + l;
    return doc;
  }

  // ---- declarations ----

  std::vector<Param> params(DLParser::ParamsContext *ctx) {
    std::vector<Param> out;
    if (!ctx) return out;
    for (auto *p : ctx->param()) {
      Param param;
      param.name = text(p->IDENT());
      param.range = range(p->IDENT());
      if (p->type()) param.declared = type(p->type());
      if (p->expr()) param.defaultValue = expr(p->expr());
      out.push_back(std::move(param));
    }
    return out;
  }

  std::unique_ptr<FnDecl> function(DLParser::FnDeclContext *ctx) {
    auto fn = std::make_unique<FnDecl>();
    fn->name = text(ctx->IDENT());
    fn->nameRange = range(ctx->IDENT());
    fn->range = range(ctx);
    fn->params = params(ctx->params());
    if (ctx->type()) fn->result = type(ctx->type());
    if (ctx->expr()) fn->exprBody = expr(ctx->expr());
    else if (ctx->block()) fn->body = block(ctx->block());
    else fn->body = Block{{}, range(ctx)};
    fn->doc = docComment(ctx);
    return fn;
  }

  std::unique_ptr<ModelDecl> modelDecl(DLParser::ModelDeclContext *ctx) {
    auto model = std::make_unique<ModelDecl>();
    model->name = text(ctx->IDENT());
    model->nameRange = range(ctx->IDENT());
    model->range = range(ctx);
    model->params = params(ctx->params());
    model->doc = docComment(ctx);
    for (auto *m : ctx->modelMember()) {
      if (auto *p = dynamic_cast<DLParser::ParamMemberContext *>(m)) {
        ModelMember member{MemberKind::Param, text(p->IDENT()), range(p->IDENT()), range(p), {}, nullptr, nullptr};
        if (p->type()) member.declared = type(p->type());
        if (p->expr()) member.init = expr(p->expr());
        model->members.push_back(std::move(member));
      } else if (auto *l = dynamic_cast<DLParser::LayerMemberContext *>(m)) {
        ModelMember member{MemberKind::Layer, text(l->IDENT()), range(l->IDENT()), range(l), {}, nullptr, nullptr};
        member.init = l->expr() ? expr(l->expr()) : placeholder(range(l));
        model->members.push_back(std::move(member));
      } else if (auto *f = dynamic_cast<DLParser::MethodMemberContext *>(m)) {
        if (!f->fnDecl()) continue;
        auto fn = function(f->fnDecl());
        ModelMember member{MemberKind::Method, fn->name, fn->nameRange, fn->range, {}, nullptr, nullptr};
        member.method = std::move(fn);
        model->members.push_back(std::move(member));
      }
    }
    return model;
  }

  std::unique_ptr<OptimizerDecl> optimizerDecl(DLParser::OptimizerDeclContext *ctx) {
    auto opt = std::make_unique<OptimizerDecl>();
    opt->name = text(ctx->IDENT());
    opt->nameRange = range(ctx->IDENT());
    opt->range = range(ctx);
    opt->params = params(ctx->params());
    opt->doc = docComment(ctx);
    for (auto *m : ctx->optimizerMember()) {
      if (auto *s = dynamic_cast<DLParser::StateMemberContext *>(m)) {
        for (auto *id : s->IDENT()) opt->states.push_back(Binding{text(id), range(id), nullptr});
      } else if (auto *f = dynamic_cast<DLParser::OptimizerMethodContext *>(m)) {
        if (f->fnDecl()) opt->methods.push_back(function(f->fnDecl()));
      }
    }
    return opt;
  }

  TypeExpr type(DLParser::TypeContext *ctx) {
    TypeExpr t;
    t.name = text(ctx->IDENT());
    t.nameRange = range(ctx->IDENT());
    t.range = range(ctx);
    t.hasDims = ctx->LBRACKET() != nullptr;
    for (auto *d : ctx->dim()) {
      DimExpr dim;
      dim.range = range(d);
      if (d->INT()) {
        dim.isNumber = true;
        errno = 0;
        unsigned long long v = std::strtoull(d->INT()->getText().c_str(), nullptr, 10);
        dim.tooLarge = errno == ERANGE || v > (1ull << 40);
        dim.value = dim.tooLarge ? 0 : static_cast<int64_t>(v);
      } else {
        dim.name = text(d->IDENT());
      }
      t.dims.push_back(std::move(dim));
    }
    return t;
  }

  // ---- statements ----

  Block block(DLParser::BlockContext *ctx) {
    Block b;
    b.range = range(ctx);
    for (auto *s : ctx->stmt())
      if (auto built = stmt(s)) b.stmts.push_back(std::move(built));
    return b;
  }

  std::vector<Binding> bindings(const std::vector<TerminalNode *> &ids) {
    std::vector<Binding> out;
    for (auto *id : ids) out.push_back(Binding{text(id), range(id), nullptr});
    return out;
  }

  StmtPtr stmt(DLParser::StmtContext *ctx) {
    if (auto *let = dynamic_cast<DLParser::LetStmtContext *>(ctx)) {
      auto s = std::make_unique<LetStmt>(range(ctx));
      s->isVar = let->VAR() != nullptr;
      s->names = bindings(let->IDENT());
      if (let->type()) s->declared = type(let->type());
      s->init = let->expr() ? expr(let->expr()) : placeholder(range(ctx));
      return s;
    }
    if (auto *f = dynamic_cast<DLParser::ForStmtContext *>(ctx)) {
      auto s = std::make_unique<ForStmt>(range(ctx));
      s->vars = bindings(f->IDENT());
      auto exprs = f->expr();
      s->iterable = !exprs.empty() ? expr(exprs[0]) : placeholder(range(ctx));
      if (exprs.size() > 1) s->rangeEnd = expr(exprs[1]);
      if (f->block()) s->body = block(f->block());
      return s;
    }
    if (auto *i = dynamic_cast<DLParser::IfStatementContext *>(ctx)) {
      return i->ifStmt() ? ifStmt(i->ifStmt()) : nullptr;
    }
    if (auto *r = dynamic_cast<DLParser::ReturnStmtContext *>(ctx)) {
      auto s = std::make_unique<ReturnStmt>(range(ctx));
      if (r->expr()) s->value = expr(r->expr());
      return s;
    }
    if (auto *b = dynamic_cast<DLParser::BlockStmtContext *>(ctx)) {
      auto s = std::make_unique<BlockStmt>(range(ctx));
      if (b->block()) s->block = block(b->block());
      return s;
    }
    if (auto *e = dynamic_cast<DLParser::ExprStmtContext *>(ctx)) {
      auto exprs = e->expr();
      if (exprs.empty()) return nullptr;
      if (e->op == nullptr || exprs.size() < 2) {
        auto s = std::make_unique<ExprStmt>(range(ctx));
        s->expr = expr(exprs[0]);
        return s;
      }
      auto s = std::make_unique<AssignStmt>(range(ctx));
      std::string op = e->op->getText();
      s->op = op == "+=" ? AssignOp::Add : op == "-=" ? AssignOp::Sub
            : op == "*=" ? AssignOp::Mul : op == "/=" ? AssignOp::Div : AssignOp::Set;
      s->opLoc = lexed_.rangeOf(e->op).begin;
      s->target = expr(exprs[0]);
      s->value = expr(exprs[1]);
      return s;
    }
    return nullptr;  // empty statement
  }

  StmtPtr ifStmt(DLParser::IfStmtContext *ctx) {
    auto s = std::make_unique<IfStmt>(range(ctx));
    s->cond = ctx->expr() ? expr(ctx->expr()) : placeholder(range(ctx));
    auto blocks = ctx->block();
    if (!blocks.empty()) s->then = block(blocks[0]);
    if (blocks.size() > 1) {
      auto b = std::make_unique<BlockStmt>(range(blocks[1]));
      b->block = block(blocks[1]);
      s->otherwise = std::move(b);
    } else if (ctx->ifStmt()) {
      s->otherwise = ifStmt(ctx->ifStmt());
    }
    return s;
  }

  // ---- expressions ----

  ExprPtr placeholder(SourceRange r) { return std::make_unique<NameExpr>(r); }

  ExprPtr expr(DLParser::ExprContext *ctx) {
    if (!ctx) return placeholder(SourceRange());
    if (depth_ >= kMaxExpressionDepth) {
      if (!reportedDepth_) {
        diags_.error(range(ctx), "expression is nested too deeply (more than " +
                                     std::to_string(kMaxExpressionDepth) + " levels)");
        reportedDepth_ = true;
      }
      return placeholder(range(ctx));
    }
    ++depth_;
    ExprPtr e = exprInner(ctx);
    --depth_;
    return e;
  }

  ExprPtr binary(DLParser::ExprContext *ctx, antlr4::Token *opToken, const std::string &op,
                 DLParser::ExprContext *lhs, DLParser::ExprContext *rhs) {
    static const std::pair<const char *, BinaryOp> table[] = {
        {"+", BinaryOp::Add}, {"-", BinaryOp::Sub}, {"*", BinaryOp::Mul}, {"/", BinaryOp::Div},
        {"%", BinaryOp::Mod}, {"@", BinaryOp::MatMul}, {"^", BinaryOp::Pow}, {"<", BinaryOp::Lt},
        {"<=", BinaryOp::Le}, {">", BinaryOp::Gt}, {">=", BinaryOp::Ge}, {"==", BinaryOp::Eq},
        {"!=", BinaryOp::Ne}, {"and", BinaryOp::And}, {"or", BinaryOp::Or}};
    BinaryOp kind = BinaryOp::Add;
    for (auto &[s, k] : table)
      if (op == s) kind = k;
    auto e = std::make_unique<BinaryExpr>(range(ctx), kind);
    if (opToken) e->opLoc = lexed_.rangeOf(opToken).begin;
    e->lhs = expr(lhs);
    e->rhs = expr(rhs);
    return e;
  }

  // The operator token between the two operands of a binary context.
  static antlr4::Token *operatorToken(DLParser::ExprContext *ctx) {
    for (auto *child : ctx->children)
      if (auto *t = dynamic_cast<TerminalNode *>(child)) return t->getSymbol();
    return nullptr;
  }

  ExprPtr exprInner(DLParser::ExprContext *ctx) {
    if (auto *p = dynamic_cast<DLParser::PrimaryExprContext *>(ctx)) return primary(p->primary());
    if (auto *c = dynamic_cast<DLParser::CallExprContext *>(ctx)) {
      auto e = std::make_unique<CallExpr>(range(ctx));
      if (c->LPAREN()) e->opLoc = range(c->LPAREN()).begin;
      e->callee = expr(c->expr());
      if (c->RPAREN() && c->RPAREN()->getSymbol()->getTokenIndex() != static_cast<size_t>(-1))
        e->closeParen = range(c->RPAREN());
      if (c->args())
        for (auto *a : c->args()->arg()) {
          Argument arg;
          if (a->IDENT()) {
            arg.name = text(a->IDENT());
            arg.nameRange = range(a->IDENT());
          }
          arg.value = expr(a->expr());
          e->args.push_back(std::move(arg));
        }
      return e;
    }
    if (auto *i = dynamic_cast<DLParser::IndexExprContext *>(ctx)) {
      auto e = std::make_unique<IndexExpr>(range(ctx));
      if (i->LBRACKET()) e->opLoc = range(i->LBRACKET()).begin;
      e->base = expr(i->expr());
      if (i->indices())
        for (auto *item : i->indices()->index()) {
          IndexItem it;
          it.range = range(item);
          if (auto *point = dynamic_cast<DLParser::PointIndexContext *>(item)) {
            it.lo = expr(point->expr());
          } else if (auto *slice = dynamic_cast<DLParser::SliceIndexContext *>(item)) {
            it.isSlice = true;
            if (slice->lo) it.lo = expr(slice->lo);
            if (slice->hi) it.hi = expr(slice->hi);
          } else {
            it.lo = placeholder(it.range);  // an index lost to error recovery (`t[:,`)
          }
          e->items.push_back(std::move(it));
        }
      return e;
    }
    if (auto *m = dynamic_cast<DLParser::MemberExprContext *>(ctx)) {
      auto e = std::make_unique<MemberExpr>(range(ctx));
      e->base = expr(m->expr());
      e->member = text(m->IDENT());
      e->memberRange = range(m->IDENT());
      e->opLoc = m->IDENT() ? e->memberRange.begin : e->range.begin;
      return e;
    }
    if (auto *u = dynamic_cast<DLParser::UnaryExprContext *>(ctx)) {
      auto op = u->op && u->op->getText() == "+" ? UnaryOp::Plus : UnaryOp::Neg;
      auto e = std::make_unique<UnaryExpr>(range(ctx), op);
      e->operand = expr(u->expr());
      return e;
    }
    if (auto *n = dynamic_cast<DLParser::NotExprContext *>(ctx)) {
      auto e = std::make_unique<UnaryExpr>(range(ctx), UnaryOp::Not);
      e->operand = expr(n->expr());
      return e;
    }
    auto twoOperands = [&](DLParser::ExprContext *lhs, DLParser::ExprContext *rhs) {
      antlr4::Token *op = operatorToken(ctx);
      return binary(ctx, op, op ? op->getText() : "+", lhs, rhs);
    };
    if (auto *b = dynamic_cast<DLParser::PowExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<DLParser::MulExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<DLParser::AddExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<DLParser::CompareExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<DLParser::AndExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<DLParser::OrExprContext *>(ctx)) return twoOperands(b->expr(0), b->expr(1));
    return placeholder(range(ctx));
  }

  ExprPtr primary(DLParser::PrimaryContext *ctx) {
    if (!ctx) return placeholder(SourceRange());
    SourceRange r = range(ctx);
    if (auto *i = dynamic_cast<DLParser::IntLiteralContext *>(ctx)) {
      auto e = std::make_unique<IntLiteral>(r);
      errno = 0;
      e->value = std::strtoull(i->getText().c_str(), nullptr, 10);
      e->tooLarge = errno == ERANGE;
      return e;
    }
    if (auto *f = dynamic_cast<DLParser::FloatLiteralContext *>(ctx)) {
      auto e = std::make_unique<FloatLiteral>(r);
      e->text = f->getText();
      e->value = std::strtod(e->text.c_str(), nullptr);
      e->tooLarge = std::isinf(e->value);
      return e;
    }
    if (auto *b = dynamic_cast<DLParser::BoolLiteralContext *>(ctx)) {
      auto e = std::make_unique<BoolLiteral>(r);
      e->value = b->TRUE() != nullptr;
      return e;
    }
    if (auto *s = dynamic_cast<DLParser::StringLiteralContext *>(ctx)) {
      auto e = std::make_unique<StringLiteral>(r);
      e->value = unquote(s->getText());
      return e;
    }
    if (auto *n = dynamic_cast<DLParser::NameRefContext *>(ctx)) {
      auto e = std::make_unique<NameExpr>(r);
      e->name = text(n->IDENT());
      return e;
    }
    if (auto *p = dynamic_cast<DLParser::ParenExprContext *>(ctx)) {
      ExprPtr inner = expr(p->expr());
      return inner;
    }
    if (auto *l = dynamic_cast<DLParser::ListLiteralContext *>(ctx)) {
      auto e = std::make_unique<ListExpr>(r);
      for (auto *el : l->expr()) e->elements.push_back(expr(el));
      return e;
    }
    return placeholder(r);
  }

  LexedFile &lexed_;
  DiagnosticEngine &diags_;
  int depth_ = 0;
  bool reportedDepth_ = false;
};

}  // namespace

std::unique_ptr<Module> buildModule(DLParser::ProgramContext *tree, LexedFile &lexed,
                                    DiagnosticEngine &diags) {
  return AstBuilder(lexed, diags).module(tree);
}

}  // namespace dlc::parse
