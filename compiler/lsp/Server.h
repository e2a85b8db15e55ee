// `dlc lsp`: the Language Server Protocol over a byte stream (stdio).
//
// Supports initialize/shutdown/exit, full-text document sync, diagnostics
// (the same front end and messages as `dlc --check`), hover, go to
// definition, completion and document symbols. Unknown requests get
// MethodNotFound; no input makes the server crash.
#pragma once

#include <istream>
#include <ostream>

#include "driver/Frontend.h"

namespace dlc::lsp {

// Serves until `exit` or the end of input, on a thread with a large stack
// (the front end recurses over the input's nesting). Returns the process exit
// code: 0 after shutdown then exit, 1 otherwise (as the protocol asks).
int runServer(std::istream &in, std::ostream &out, FrontendOptions options = {});

}  // namespace dlc::lsp
