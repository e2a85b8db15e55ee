// Lowering: the checked AST → the tensor IR.
//
// Every call of a DL function or method is inlined, so the whole program
// becomes the IR module's main region. Model objects and optimizers are
// compile-time things: their parameters and state become named storage,
// initialised where the model or optimizer is created. `grad` and
// `minimize` become Grad and Minimize ops for the autodiff pass; a
// Minimize carries one region per parameter with the optimizer's update
// rule already lowered. A data set is a compile-time pair of values (x, y);
// loading, split, batches, save and load are in LowerData.cpp.
#pragma once

#include <memory>

#include "ir/IR.h"
#include "ir/Library.h"
#include "sema/Sema.h"

namespace dlc::lower {

// Returns null (with diagnostics) when the program uses something lowering
// does not support yet.
std::unique_ptr<ir::Module> lowerProgram(const sema::Program &program, const SourceManager &sources,
                                         DiagnosticEngine &diags);

// For --emit=lib: the forward pass of the model bound to `model` at the top
// level (empty: the only one), alone; `lib` receives its interface.
std::unique_ptr<ir::Module> lowerLibrary(const sema::Program &program, const SourceManager &sources,
                                         DiagnosticEngine &diags, const std::string &model,
                                         ir::LibraryInterface &lib);

}  // namespace dlc::lower
