// --emit=lib: the pipeline for a library (codegen/Library.h) — the chosen
// model's forward lowered alone, the passes of the -O level, then the
// archive and the header. No autodiff: a forward pass has no gradients.
#pragma once

#include <string>

#include "sema/Sema.h"
#include "support/SourceManager.h"

namespace dlc {

struct LibraryOptions {
  std::string input;   // the .dl file, named in the header
  std::string output;  // libNAME.a
  std::string model;   // --lib-model: the top-level binding; empty for the only one
  int optLevel = 2;
  bool sanitize = false;
  std::string printAfter;  // --print-after: a pass whose result is printed to stdout
};

// The exit status: 0, or 1 after reporting to `diags`.
int emitLibrary(const sema::Program &program, const SourceManager &sources, DiagnosticEngine &diags,
                const LibraryOptions &options);

}  // namespace dlc
