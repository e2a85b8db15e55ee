// Semantic analysis: names, types and shapes.
//
// Input: the parsed modules (stdlib, used files, the main file). Output: a
// Program holding every instantiated function, model and optimizer, with
// each instance's cloned body annotated (types, resolved names and calls),
// and the main file's top-level statements annotated in place. Every user
// error goes to the DiagnosticEngine; analysis goes on after an error, with
// Type::Error silencing follow-on reports.
//
// Instantiation works like C++ templates: a function is checked once per
// distinct argument types of its untyped parameters; typed parameters keep
// their declared types, with dimension variables (`N`) bound per call. A
// model is instantiated per distinct hyper-parameter values (compile-time
// constants), an optimizer per model it optimizes.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ast/AST.h"
#include "support/Diagnostics.h"
#include "types/Type.h"

namespace dlc::sema {

struct FnInstance;
struct ModelInstance;
struct OptimizerInstance;

struct Symbol {
  enum Kind : uint8_t {
    Local,       // let / var / for variable
    Parameter,   // a function parameter
    Hyper,       // a model's or optimizer's hyper-parameter
    ModelParam,  // `param` of a model: a trainable tensor
    Layer,       // `layer` of a model: a sub-model
    State,       // `state` of an optimizer: one buffer per parameter
    StepCount,   // `t` inside an optimizer
    Function,    // a fn declaration
    Model,       // a model declaration
    Optimizer,   // an optimizer declaration
    Method,      // a fn inside a model
    Builtin,     // a compiler-provided function
    Constant,    // a named constant such as `last`
  };
  Kind kind = Local;
  std::string name;
  SourceRange range;  // where it is declared (invalid for builtins)
  Type type;
  bool isMutable = false;
  bool isLoopVariable = false;
  std::optional<int64_t> constInt;
  std::optional<double> constFloat;
  std::optional<Dim> dimValue;  // an int naming a tensor dimension (for shapes)
  const ast::FnDecl *fn = nullptr;               // Function, Method
  const ast::ModelDecl *model = nullptr;         // Model
  const ast::OptimizerDecl *optimizer = nullptr; // Optimizer
  const ModelInstance *owner = nullptr;          // ModelParam, Layer, Method, Hyper of a model
  int builtin = -1;                              // Builtin: a BuiltinId
  int index = -1;                                // member / parameter position
  std::string doc;                               // documentation comment
};

const char *kindName(Symbol::Kind kind);

struct FnInstance {
  const ast::FnDecl *decl = nullptr;   // the declaration, never annotated
  std::unique_ptr<ast::FnDecl> body;   // this instance's annotated copy
  std::vector<Type> paramTypes;        // after binding untyped parameters
  std::vector<const Symbol *> params;
  // Constant integer arguments the instance is specialised on (axis: 1).
  std::vector<std::optional<int64_t>> constArgs;
  // With any untyped parameter the function is a template, checked per
  // argument types (all of them: typed parameters' dimension names then
  // stand for the caller's sizes). Empty for a generic instance.
  std::vector<Type> argKey;
  Type result;
  const ModelInstance *model = nullptr;          // a method of this model
  const OptimizerInstance *optimizer = nullptr;  // an optimizer's update
  std::string displayName;                       // "relu", "Mlp.forward"
  bool inProgress = false;
  bool failed = false;
};

struct ModelMemberInstance {
  const ast::ModelMember *decl = nullptr;
  const Symbol *symbol = nullptr;
  Type type;                  // ModelParam: its tensor type; Layer: the sub-model
  ast::ExprPtr init;          // annotated copy of the initializer (may be null)
  const ModelInstance *layer = nullptr;
};

struct ModelInstance {
  const ast::ModelDecl *decl = nullptr;
  std::vector<const Symbol *> hyper;  // hyper-parameters with their constant values
  std::vector<ModelMemberInstance> members;  // params and layers, in declaration order
  std::map<std::string, const Symbol *> memberSymbols;  // every member by name, methods too
  std::string display;  // "Mlp(inputs: 64, hidden: 128, classes: 10)"
  bool inProgress = false;

  // Trainable parameters in PyTorch's parameters() order, with dotted paths.
  struct ParameterRef {
    std::string path;  // "fc1.W"
    const ModelMemberInstance *member;
  };
  std::vector<ParameterRef> parameters() const;
};

struct OptimizerInstance {
  const ast::OptimizerDecl *decl = nullptr;
  const ModelInstance *model = nullptr;
  std::vector<const Symbol *> hyper;   // run-time values given at construction
  std::vector<const Symbol *> states;
  const Symbol *step = nullptr;        // `t`
  // The update rule instantiated for each parameter, in parameters() order.
  std::vector<const FnInstance *> updates;
  std::string display;
};

struct Program {
  ast::Module *main = nullptr;
  std::vector<const ast::Module *> modules;  // stdlib, used files, main
  std::deque<std::unique_ptr<Symbol>> symbols;
  std::deque<DimSymbol> dimSymbols;
  std::vector<std::unique_ptr<FnInstance>> functions;
  std::vector<std::unique_ptr<ModelInstance>> models;
  std::vector<std::unique_ptr<OptimizerInstance>> optimizers;
  std::vector<const Symbol *> globals;  // declarations visible everywhere, builtins included
  // Instances made only to check declarations the program never uses (with
  // unknown argument types and symbolic sizes): kept apart from `functions`
  // and `models`, which are what the program runs.
  std::vector<std::unique_ptr<FnInstance>> checkedFunctions;
  std::vector<std::unique_ptr<ModelInstance>> checkedModels;
};

// Checks the modules. `main` must be one of `modules`. Returns the program
// even when there are errors (for the editor support).
std::unique_ptr<Program> analyze(const std::vector<ast::Module *> &modules, ast::Module &main,
                                 DiagnosticEngine &diags);

}  // namespace dlc::sema
