// Internal to lower/: the lowering state shared by Lower*.cpp.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <vector>

#include "lower/Lower.h"
#include "sema/Builtins.h"

namespace dlc::lower {

// A model object: an instance of a model declaration with storage names.
struct ModelObject {
  const sema::ModelInstance *instance = nullptr;
  std::string prefix;  // "net", "net.fc1"
  std::map<std::string, ModelObject *> layers;
};

struct OptimizerObject {
  const sema::OptimizerInstance *instance = nullptr;
  ModelObject *model = nullptr;
  std::string prefix;                 // "opt"
  std::vector<ir::Value *> hyper;     // in parameter order
  std::string step;                   // storage holding t
};

struct BatchesObject;

// What a symbol stands for while lowering.
struct Binding {
  enum Kind : uint8_t { Value, Storage, Model, Optimizer, Text, Dataset, Tuple, Batches, Series } kind = Value;
  ir::Value *value = nullptr;  // Value; Dataset: x
  std::string storage;  // Storage: its name; Text: the string
  ModelObject *model = nullptr;
  OptimizerObject *optimizer = nullptr;
  ir::Value *label = nullptr;       // Dataset: y
  std::vector<Binding> elements = {};  // Tuple
  BatchesObject *batches = nullptr;
  int64_t series = -1;  // Series: its id in the runtime
};

// batches(ds, size, shuffle:, seed:): what the `for` loop over it needs. The
// order of the rows is drawn as the loop starts.
struct BatchesObject {
  ir::Value *x = nullptr, *y = nullptr;
  ir::Value *size = nullptr;     // i32
  ir::Value *shuffle = nullptr;  // bool
  ir::Value *seed = nullptr;     // i32; null: the global generator
};

// Where the function being inlined leaves its value: one storage for a
// tensor, two for a data set, none for anything else.
struct ReturnSlot {
  std::string value, label;
};

class Lowerer {
public:
  Lowerer(const sema::Program &program, const SourceManager &sources, DiagnosticEngine &diags);
  std::unique_ptr<ir::Module> run();
  // ---- LowerLibrary.cpp: one model's forward for --emit=lib ----
  std::unique_ptr<ir::Module> runLibrary(const std::string &model, ir::LibraryInterface &lib);
  ModelObject *declareModel(const sema::ModelInstance &instance, const std::string &prefix);
  void checkLibraryOps(const ir::Region &region, const std::string &binding);

  // ---- Lower.cpp: statements, storage, inlining ----
  void lowerBlock(const ast::Block &block);
  void lowerStmt(const ast::Stmt &stmt);
  void assign(const ast::AssignStmt &stmt);
  Binding inlineCall(const sema::FnInstance &fn, const std::vector<Binding> &args, ModelObject *self,
                     SourceLoc loc);
  ModelObject *constructModel(const sema::ModelInstance &instance, const std::string &prefix, SourceLoc loc);
  OptimizerObject *constructOptimizer(const ast::CallExpr &call, ModelObject *model, const std::string &name);
  void minimize(const ast::CallExpr &call, OptimizerObject *opt);
  ir::Value *load(const std::string &storage, SourceLoc loc);
  void store(const std::string &storage, ir::Value *value, SourceLoc loc);
  std::string addStorage(std::string name, ir::Storage::Kind kind, const TensorType &type);
  // After an op with regions: the loads its regions' stores made stale.
  void forgetStoresIn(const ir::Op &op);

  // ---- LowerExpr.cpp ----
  Binding lower(const ast::Expr &e);
  ir::Value *value(const ast::Expr &e);  // lower() that must give a tensor
  ir::Value *constant(const TensorType &type, std::vector<double> data, SourceLoc loc);
  ir::Value *cast(ir::Value *v, DType to, SourceLoc loc);
  ir::Value *emit(ir::OpKind kind, std::vector<ir::Value *> operands, const TensorType &type, SourceLoc loc,
                  ir::Attrs attrs = {});
  TensorType typeOf(const ast::Expr &e) const;
  TensorType substitute(TensorType t) const;
  Binding lowerName(const sema::Symbol *symbol, SourceLoc loc, SourceRange range);
  bool constantData(const ast::Expr &e, std::vector<double> &out);

  // ---- LowerCall.cpp ----
  Binding lowerCall(const ast::CallExpr &call);
  Binding lowerBuiltin(sema::BuiltinId id, const ast::CallExpr &call);
  // The run-time sizes a creation op needs: one i32 scalar per symbolic
  // dimension of `type`, taken from the shape list's elements.
  std::vector<ir::Value *> dimOperands(const TensorType &type, const ast::Expr *shapeList, SourceLoc loc);

  // ---- LowerData.cpp: data sets, files, split, batches, save and load ----
  Binding lowerData(sema::BuiltinId id, const ast::CallExpr &call, const std::vector<const ast::Expr *> &args,
                    const std::map<std::string, const ast::Expr *> &named);
  // `for x, y in batches(...)` or `for x, y in ds`.
  void lowerDataLoop(const ast::ForStmt &loop, const Binding &iterable);
  void progress(ir::Op *loop, ir::Value *batch, ir::Value *batches, ir::Value *loss, SourceLoc loc);
  // The number of rows of a tensor, as an i32 scalar.
  ir::Value *rows(ir::Value *v, SourceLoc loc);
  void check(ir::Value *cond, const std::string &message, SourceLoc loc, std::vector<ir::Value *> values = {});
  std::string pathOf(const ast::Expr &e);

  // ---- LowerPlot.cpp: series, plot, plot_boundary ----
  Binding lowerPlot(sema::BuiltinId id, const ast::CallExpr &call, const std::vector<const ast::Expr *> &args,
                    const std::map<std::string, const ast::Expr *> &named);
  void seriesAdd(const ast::CallExpr &call);

  void unsupported(SourceRange range, const std::string &what);
  ir::Region &region() { return *regions_.back(); }

  const sema::Program &program_;
  const SourceManager &sources_;
  DiagnosticEngine &diags_;
  std::unique_ptr<ir::Module> module_;
  std::vector<ir::Region *> regions_;
  std::vector<std::map<std::string, ir::Value *>> loadCache_;  // per open region
  std::map<const sema::Symbol *, Binding> env_;
  std::vector<ModelObject *> self_;  // the model whose method is being inlined
  std::vector<std::map<const DimSymbol *, Dim>> substitutions_;
  std::vector<std::unique_ptr<ModelObject>> models_;
  std::vector<std::unique_ptr<OptimizerObject>> optimizers_;
  std::vector<std::unique_ptr<BatchesObject>> batches_;
  // The bodies of the batch loops being lowered, innermost last, with the
  // loss their body minimizes (for the progress line).
  std::vector<std::pair<ir::Region *, ir::Value *>> batchLoops_;
  std::vector<ReturnSlot> returnSlots_;  // storage for the value of the function being inlined
  std::string pendingName_;                // the binding a construction is for
  // Constants from number literals, which (like Python floats) keep their
  // exact value until an operation rounds them to its dtype.
  std::set<const ir::Value *> weakConstants_;
  int counter_ = 0;
  int64_t seriesCount_ = 0;  // ids of the series made so far
  bool failed_ = false;
};

}  // namespace dlc::lower
