// --emit=ast: the checked AST as text, every binding and expression with its
// inferred type and source position, deterministic.
#pragma once

#include <ostream>

#include "sema/Sema.h"

namespace dlc::ast {

// Prints the main program, the model instances, and the function instances
// declared in the main file (others as one-line signatures).
void printProgram(const sema::Program &program, const SourceManager &sources, std::ostream &out);

// Prints an unchecked module (after syntax errors, or --emit=ast --no-sema).
void printModule(const Module &module, const SourceManager &sources, std::ostream &out);

}  // namespace dlc::ast
