// The language features, each a function from an analysed document and a
// request's position to the protocol's JSON result.
#pragma once

#include <string>

#include "lsp/Document.h"
#include "lsp/Protocol.h"

namespace dlc::lsp {

// textDocument/publishDiagnostics params: the diagnostics of `analysis` that
// belong to the document (errors inside the stdlib or a used file appear at
// the main file's note that leads to them, with their own place named).
json diagnosticsParams(const Analysis &analysis, const std::string &uri, int64_t version);

// textDocument/hover: `name: type` (or `expression: type`) of what is under
// the cursor, a signature for functions and models, and the doc comment.
json hover(const Analysis &analysis, Position position);

// textDocument/definition: where the name under the cursor is declared.
json definition(const Analysis &analysis, Position position, const std::string &uri);

// textDocument/documentSymbol: models, optimizers and functions with their
// parameters and members, and the main program's bindings.
json documentSymbols(const Analysis &analysis);

// textDocument/completion: after `x.` the members of x's type; elsewhere the
// names in scope, the globals (builtins, stdlib, user declarations) and the
// keywords.
json completion(const Document &document, Position position, const FrontendOptions &options);

// ---- Shared by the features ----

// The declaration as written: "fn relu(x)", "model Linear(inputs: int, outputs: int)".
std::string signatureOf(const SourceManager &sources, const sema::Symbol &symbol);
// The source text of a range on one line, shortened to about `limit` bytes.
std::string sourceText(const SourceManager &sources, SourceRange range, size_t limit = 80);
std::string uriOf(const Analysis &analysis, int32_t file, const std::string &documentUri);

}  // namespace dlc::lsp
