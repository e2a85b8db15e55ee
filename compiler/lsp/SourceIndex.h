// What the editor features know about one analysed document: every name and
// expression of its main file with what sema found for it, and the names in
// scope at a place.
//
// Sema annotates the main program in place and each instance's cloned body
// (FnInstance::body, ModelMemberInstance::init), so the index walks those; a
// function with several instances yields one occurrence per instance at the
// same range, each with its own types.
#pragma once

#include <string>
#include <vector>

#include "driver/Frontend.h"

namespace dlc::lsp {

struct Occurrence {
  SourceRange range;
  std::string name;                      // empty for an expression that is not a name
  const sema::Symbol *symbol = nullptr;  // what the name refers to or declares
  const ast::Expr *expr = nullptr;       // null for a declaration
  const ast::CallExpr *call = nullptr;   // the call whose callee this name is
  Type type;                             // Error when unknown
  bool declaration = false;
};

// Every occurrence in the main file (empty when syntax errors stopped sema).
std::vector<Occurrence> collectOccurrences(const Compilation &compilation);

// The occurrences with the smallest range holding `offset`, or, when none
// does, ending right at it (the cursor just after a name).
std::vector<const Occurrence *> occurrencesAt(const std::vector<Occurrence> &all, uint32_t offset);

struct VisibleName {
  std::string name;
  sema::Symbol::Kind kind = sema::Symbol::Local;
  const sema::Symbol *symbol = nullptr;  // null when no instance was checked
};

// The non-global names visible at `offset` in the main file: inside a
// declaration, its parameters, members and the locals declared before;
// elsewhere, the main program's bindings declared before. Later and inner
// names come last, so the last of a name wins.
std::vector<VisibleName> visibleNames(const Compilation &compilation, uint32_t offset);

}  // namespace dlc::lsp
