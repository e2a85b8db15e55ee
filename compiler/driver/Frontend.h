// The front end as one call: read the main file, the standard library and
// every `use`d file, parse them, and check them. Shared by the compiler
// driver, the language server and the fuzzer; it writes nothing to any
// stream and never exits.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ast/AST.h"
#include "sema/Sema.h"
#include "support/Diagnostics.h"

namespace dlc {

struct FrontendOptions {
  std::vector<std::string> includeDirs;  // -I: where `use` looks after the importing file's folder
  std::string stdlibDir;                 // read the stdlib from here instead of the embedded copy
};

class Compilation {
public:
  explicit Compilation(FrontendOptions options = {}) : options_(std::move(options)) {}

  // Checks the file at `path`; with `text`, uses it as the file's contents
  // (an editor buffer, fuzzer input). Returns true when there are no errors.
  bool run(const std::string &path, const std::string *text = nullptr);

  SourceManager sources;
  DiagnosticEngine diags{sources};
  std::vector<std::unique_ptr<ast::Module>> modules;  // stdlib first, the main file last
  ast::Module *main = nullptr;
  std::unique_ptr<sema::Program> program;  // null when syntax errors stopped analysis
  bool syntaxOk = false;

private:
  bool loadStdlib();
  // Parses a file and, depth first, what it uses. `chain` holds the files
  // being loaded, to find cycles.
  ast::Module *load(const SourceFile &file, std::vector<std::string> &chain);

  FrontendOptions options_;
  std::vector<std::string> loadedPaths_;
};

// Runs `body` on a thread with a large stack: the parser and the checkers
// recurse over the input's nesting.
int runWithLargeStack(const std::function<int()> &body);

}  // namespace dlc
