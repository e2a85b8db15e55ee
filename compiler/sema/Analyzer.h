// Internal to sema/: the analyzer's state and the functions shared by the
// Sema*.cpp files (declarations, statements, expressions, calls).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "sema/Builtins.h"
#include "sema/Scope.h"
#include "sema/Sema.h"
#include "types/ShapeRules.h"

namespace dlc::sema {

// What the surrounding code expects of an expression: literals take its
// dtype, and shape-less creation calls (`ones()` in a param initializer)
// take its shape.
struct Expectation {
  const Type *type = nullptr;
  bool allowShapeless = false;  // a `param` initializer
};

// Dimension names of one signature: `N` → the dimension it stands for (its
// own variable in a generic instance, the caller's size in a template one).
using DimNames = std::map<std::string, Dim>;

// The function being checked.
struct FnContext {
  FnInstance *instance = nullptr;  // null for the main program
  const ModelInstance *model = nullptr;
  const OptimizerInstance *optimizer = nullptr;
  DimNames dims;
  std::vector<Type> returnTypes;
  std::vector<SourceRange> returnRanges;
  std::optional<Type> declaredResult;
};

// A call being resolved, with its arguments bound to parameters.
struct BoundArgs {
  std::vector<ast::Expr *> positional;
  std::map<std::string, ast::Expr *> named;
};

class Analyzer {
public:
  Analyzer(Program &program, DiagnosticEngine &diags);
  void run(const std::vector<ast::Module *> &modules, ast::Module &main);

  // ---- Sema.cpp: symbols, dimensions, diagnostics ----
  Symbol *newSymbol(Symbol::Kind kind, std::string name, SourceRange range, Type type);
  const DimSymbol *newDim(const std::string &name, DimSymbol::Kind kind);
  Dim freshRuntimeDim(const std::string &name) { return Dim::of(newDim(name, DimSymbol::Runtime)); }
  // The dimension an int expression names: a constant, a size() of a
  // tensor, or the (memoized) run-time size held in a variable.
  Dim dimOf(ast::Expr &e, const std::string &fallbackName);
  Diagnostic &error(SourceRange range, std::string message);
  Diagnostic &error(SourceLoc caret, SourceRange range, std::string message);
  void undefinedName(const std::string &name, SourceRange range, Scope &scope);
  bool isMainProgram() const { return fn_ == &mainContext_; }

  // ---- SemaDecl.cpp: declarations and instantiation ----
  std::optional<Type> resolveType(const ast::TypeExpr &t, Scope &scope, DimNames &dims, bool bindNew);
  FnInstance *instantiateFunction(const ast::FnDecl &decl, const std::vector<Type> &argTypes,
                                  const ModelInstance *model, const OptimizerInstance *optimizer,
                                  Scope &declScope, SourceRange callSite,
                                  const std::vector<std::optional<int64_t>> &constArgs = {});
  // Binds argument types to a signature; returns the result type.
  Type callFunction(FnInstance *fn, const std::vector<Type> &argTypes, ast::CallExpr &call,
                    const std::vector<ast::Expr *> &argExprs);
  ModelInstance *instantiateModel(const ast::ModelDecl &decl, ast::CallExpr &call, Scope &scope);
  OptimizerInstance *instantiateOptimizer(const ast::OptimizerDecl &decl, ast::CallExpr &call,
                                          Scope &scope);
  std::vector<const Symbol *> defineOptimizerHypers(const ast::OptimizerDecl &decl, Scope &scope);
  Scope *modelScope(const ModelInstance *model);
  // First the typed functions and the models with every hyper-parameter
  // defaulted (kept as instances); with `everything`, the rest.
  void checkUncalledDeclarations(const ast::Module &module, bool everything);
  void unknownParamDimension(const ast::DimExpr &d);
  void checkOptimizerDeclaration(const ast::OptimizerDecl &decl);

  // ---- SemaStmt.cpp ----
  void checkBlock(ast::Block &block, Scope &scope);
  void checkStmt(ast::Stmt &stmt, Scope &scope);
  void bindLocal(ast::Binding &binding, const Type &type, bool isMutable, Scope &scope,
                 const ast::Expr *init);

  // ---- SemaExpr.cpp ----
  Type check(ast::Expr &e, Scope &scope, Expectation expect = {});
  Type checkBinary(ast::BinaryExpr &e, Scope &scope, Expectation expect);
  Type checkIndex(ast::IndexExpr &e, Scope &scope);
  Type checkMember(ast::MemberExpr &e, Scope &scope);
  Type checkList(ast::ListExpr &e, Scope &scope, Expectation expect);
  // The dtype two operands combine to (PyTorch's promotion).
  DType promote(const Type &a, const Type &b);
  // Checks that a value of type `from` can be stored where `to` is wanted.
  bool assignable(const Type &from, const Type &to);
  bool requireTensor(const Type &t, const ast::Expr &e, const char *what);
  bool requireIntScalar(const Type &t, const ast::Expr &e, const char *what);

  // ---- SemaCall.cpp ----
  Type checkCall(ast::CallExpr &call, Scope &scope, Expectation expect);
  Type checkBuiltin(BuiltinId id, ast::CallExpr &call, Scope &scope, Expectation expect);
  // ---- SemaPlot.cpp: series, plot, plot_boundary ----
  Type checkPlot(BuiltinId id, ast::CallExpr &call, const std::vector<ast::Expr *> &args,
                 const std::map<std::string, ast::Expr *> &named);
  Type checkSeriesAdd(ast::CallExpr &call, ast::MemberExpr &member, Scope &scope);
  bool checkPlotPath(const ast::Expr &e, const std::string &callee);
  bool bindArguments(ast::CallExpr &call, const std::vector<ast::Param> &params,
                     const std::string &calleeName, size_t implicitLeading,
                     std::vector<ast::Expr *> &ordered);

  Program &program_;
  DiagnosticEngine &diags_;
  std::unique_ptr<Scope> globalScope_;
  std::unique_ptr<Scope> mainScope_;
  std::deque<std::unique_ptr<Scope>> scopes_;  // scopes that outlive a check
  std::map<const ModelInstance *, Scope *> modelScopes_;
  FnContext mainContext_;
  FnContext *fn_ = &mainContext_;
  // Call sites of the instances being checked, innermost last (for notes).
  std::vector<std::pair<SourceRange, std::string>> instantiationStack_;
  std::map<const ast::FnDecl *, Scope *> declScopes_;  // where each fn was declared
  std::map<const Symbol *, Dim> runtimeDims_;
  ast::Module *main_ = nullptr;
  int loopDepth_ = 0;    // `for` bodies around the statement being checked
  int branchDepth_ = 0;  // `if` branches around it
  const ast::CallExpr *checkpoint_ = nullptr;  // the program's checkpoint(...), once seen
  // > 0 while a declaration is checked without a call (checkUncalledDeclarations):
  // hyper-parameters without a value are symbolic sizes instead of constants.
  int symbolic_ = 0;

  Scope *newScope(Scope *parent, Scope::Kind kind) {
    scopes_.push_back(std::make_unique<Scope>(parent, kind));
    return scopes_.back().get();
  }
};

}  // namespace dlc::sema
