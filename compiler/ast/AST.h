// The abstract syntax tree, with a source range on every node.
//
// The parser builds it from ANTLR's parse tree; sema fills in the `type` of
// every expression and what each name and call resolves to. Function, model
// and optimizer bodies are cloned per instantiation (untyped parameters, model
// hyper-parameters), so a body's annotations belong to one instance and the
// declarations themselves are never annotated.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/SourceManager.h"
#include "types/Type.h"

namespace dlc {
namespace sema {
struct Symbol;
struct FnInstance;
struct ModelInstance;
struct OptimizerInstance;
}  // namespace sema

namespace ast {

// ---- Expressions ----------------------------------------------------------

enum class ExprKind : uint8_t {
  IntLiteral,     // 3
  FloatLiteral,   // 0.5, 1e-3
  BoolLiteral,    // true
  StringLiteral,  // "text"
  Name,           // x
  Unary,          // -x, not x
  Binary,         // a + b, a @ b, a < b, a and b
  Call,           // f(a, name: b)
  Index,          // x[i, :, 1:3]
  Member,         // net.fc1
  List,           // [a, b, c]
};

enum class UnaryOp : uint8_t { Neg, Plus, Not };

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Mod, MatMul, Pow,  // + - * / % @ ^
  Lt, Le, Gt, Ge, Eq, Ne,                // < <= > >= == !=
  And, Or,                               // and or
};

const char *spelling(BinaryOp op);
const char *spelling(UnaryOp op);
bool isComparison(BinaryOp op);

// What a call was resolved to by sema.
enum class CallKind : uint8_t {
  Unresolved,
  Builtin,          // a compiler-provided function (exp, sum, print, ...)
  Function,         // a DL function instance
  ModelConstruct,   // Mlp(64): makes a model instance
  ModelCall,        // net(x): calls a model's forward (or another method)
  OptimizerConstruct,  // Adam(net, lr: 0.1)
  Minimize,         // opt.minimize(loss)
  SeriesAdd,        // curve.add(x, y): points appended to a series
};

struct Expr {
  ExprKind kind;
  SourceRange range;
  SourceLoc opLoc;  // where the caret goes: an operator, a '(' or '['; else range.begin

  // Filled by sema.
  Type type;
  std::optional<int64_t> constInt;   // value of a compile-time integer
  std::optional<double> constFloat;  // value of a compile-time float

  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r), opLoc(r.begin) {}
  virtual ~Expr() = default;
  SourceLoc caret() const { return opLoc.isValid() ? opLoc : range.begin; }
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntLiteral : Expr {
  uint64_t value = 0;
  bool tooLarge = false;  // did not fit in 64 bits
  explicit IntLiteral(SourceRange r) : Expr(ExprKind::IntLiteral, r) {}
};

struct FloatLiteral : Expr {
  double value = 0;
  bool tooLarge = false;  // overflows f64
  std::string text;
  explicit FloatLiteral(SourceRange r) : Expr(ExprKind::FloatLiteral, r) {}
};

struct BoolLiteral : Expr {
  bool value = false;
  explicit BoolLiteral(SourceRange r) : Expr(ExprKind::BoolLiteral, r) {}
};

struct StringLiteral : Expr {
  std::string value;  // escapes resolved
  explicit StringLiteral(SourceRange r) : Expr(ExprKind::StringLiteral, r) {}
};

struct NameExpr : Expr {
  std::string name;
  const sema::Symbol *symbol = nullptr;  // sema: what the name refers to
  explicit NameExpr(SourceRange r) : Expr(ExprKind::Name, r) {}
};

struct UnaryExpr : Expr {
  UnaryOp op;
  ExprPtr operand;
  UnaryExpr(SourceRange r, UnaryOp o) : Expr(ExprKind::Unary, r), op(o) {}
};

struct BinaryExpr : Expr {
  BinaryOp op;
  ExprPtr lhs, rhs;
  BinaryExpr(SourceRange r, BinaryOp o) : Expr(ExprKind::Binary, r), op(o) {}
};

struct Argument {
  std::string name;  // empty for a positional argument
  SourceRange nameRange;
  ExprPtr value;
};

struct CallExpr : Expr {
  ExprPtr callee;
  std::vector<Argument> args;
  SourceRange closeParen;  // invalid when missing

  // Filled by sema.
  CallKind callKind = CallKind::Unresolved;
  int builtin = -1;                                   // Builtin: a BuiltinId
  const sema::FnInstance *function = nullptr;         // Function, ModelCall, Minimize
  const sema::ModelInstance *model = nullptr;         // ModelConstruct, ModelCall
  const sema::OptimizerInstance *optimizer = nullptr; // OptimizerConstruct, Minimize
  // Arguments in parameter order (named ones placed, defaults filled in
  // from `defaults`); set for every resolved call to a DL declaration.
  std::vector<const Expr *> orderedArgs;
  std::vector<ExprPtr> defaults;  // annotated copies of the defaults used

  explicit CallExpr(SourceRange r) : Expr(ExprKind::Call, r) {}
  // The callee's name when it is a plain name or a member (`relu`, `opt.minimize`).
  std::string calleeName() const;
};

struct IndexItem {
  bool isSlice = false;
  ExprPtr lo;  // the index itself when !isSlice; may be null in a slice
  ExprPtr hi;  // may be null
  SourceRange range;
};

struct IndexExpr : Expr {
  ExprPtr base;
  std::vector<IndexItem> items;
  explicit IndexExpr(SourceRange r) : Expr(ExprKind::Index, r) {}
};

struct MemberExpr : Expr {
  ExprPtr base;
  std::string member;
  SourceRange memberRange;
  const sema::Symbol *symbol = nullptr;  // sema: a model member, when it is one
  explicit MemberExpr(SourceRange r) : Expr(ExprKind::Member, r) {}
};

struct ListExpr : Expr {
  std::vector<ExprPtr> elements;
  explicit ListExpr(SourceRange r) : Expr(ExprKind::List, r) {}
};

// ---- Types as written -----------------------------------------------------

struct DimExpr {
  bool isNumber = false;
  int64_t value = 0;
  bool tooLarge = false;
  std::string name;
  SourceRange range;
};

struct TypeExpr {
  std::string name;  // f32, f64, i32, int, bool, str
  SourceRange nameRange;
  bool hasDims = false;
  std::vector<DimExpr> dims;
  SourceRange range;
};

// ---- Statements -----------------------------------------------------------

enum class StmtKind : uint8_t { Let, Assign, Expr, For, If, Return, Block };
enum class AssignOp : uint8_t { Set, Add, Sub, Mul, Div };  // = += -= *= /=
const char *spelling(AssignOp op);

struct Binding {
  std::string name;
  SourceRange range;
  const sema::Symbol *symbol = nullptr;  // sema
};

struct Stmt {
  StmtKind kind;
  SourceRange range;
  Stmt(StmtKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt() = default;
};
using StmtPtr = std::unique_ptr<Stmt>;

struct Block {
  std::vector<StmtPtr> stmts;
  SourceRange range;
};

struct LetStmt : Stmt {
  bool isVar = false;
  std::vector<Binding> names;
  std::optional<TypeExpr> declared;
  ExprPtr init;
  explicit LetStmt(SourceRange r) : Stmt(StmtKind::Let, r) {}
};

struct AssignStmt : Stmt {
  AssignOp op = AssignOp::Set;
  SourceLoc opLoc;
  ExprPtr target, value;
  explicit AssignStmt(SourceRange r) : Stmt(StmtKind::Assign, r) {}
};

struct ExprStmt : Stmt {
  ExprPtr expr;
  explicit ExprStmt(SourceRange r) : Stmt(StmtKind::Expr, r) {}
};

struct ForStmt : Stmt {
  std::vector<Binding> vars;
  ExprPtr iterable;  // the range's start when rangeEnd is set
  ExprPtr rangeEnd;  // `for i in a..b`
  Block body;
  explicit ForStmt(SourceRange r) : Stmt(StmtKind::For, r) {}
};

struct IfStmt : Stmt {
  ExprPtr cond;
  Block then;
  StmtPtr otherwise;  // a BlockStmt or an IfStmt, or null
  explicit IfStmt(SourceRange r) : Stmt(StmtKind::If, r) {}
};

struct ReturnStmt : Stmt {
  ExprPtr value;  // may be null
  explicit ReturnStmt(SourceRange r) : Stmt(StmtKind::Return, r) {}
};

struct BlockStmt : Stmt {
  Block block;
  explicit BlockStmt(SourceRange r) : Stmt(StmtKind::Block, r) {}
};

// ---- Declarations ---------------------------------------------------------

struct Param {
  std::string name;
  SourceRange range;
  std::optional<TypeExpr> declared;
  ExprPtr defaultValue;
};

struct FnDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Param> params;
  std::optional<TypeExpr> result;
  ExprPtr exprBody;          // fn f(x) = expr
  std::optional<Block> body; // fn f(x) { ... }
  std::string doc;           // the comment lines right above the declaration
};

enum class MemberKind : uint8_t { Param, Layer, Method };

struct ModelMember {
  MemberKind kind;
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::optional<TypeExpr> declared;  // Param
  ExprPtr init;                      // Param (optional), Layer
  std::unique_ptr<FnDecl> method;    // Method
};

struct ModelDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Param> params;  // hyper-parameters
  std::vector<ModelMember> members;
  std::string doc;
};

struct OptimizerDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Param> params;
  std::vector<Binding> states;
  std::vector<std::unique_ptr<FnDecl>> methods;
  std::string doc;
};

struct UseDecl {
  std::string path;
  SourceRange range;
};

// One parsed file.
struct Module {
  int32_t file = -1;
  std::vector<UseDecl> uses;
  std::vector<std::unique_ptr<FnDecl>> functions;
  std::vector<std::unique_ptr<ModelDecl>> models;
  std::vector<std::unique_ptr<OptimizerDecl>> optimizers;
  std::vector<StmtPtr> statements;  // the file's main, in order
};

// Deep copies, for instantiation. Sema annotations are not copied.
ExprPtr clone(const Expr &e);
StmtPtr clone(const Stmt &s);
Block clone(const Block &b);
std::unique_ptr<FnDecl> clone(const FnDecl &f);

}  // namespace ast
}  // namespace dlc
