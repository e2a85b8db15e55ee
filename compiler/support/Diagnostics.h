// The diagnostic engine: every stage reports user errors here, never to a
// stream directly and never by exiting. Rendering follows clang:
//
//   model.dl:14:19: error: matrix product needs matching inner dimensions: ...
//       let h = x @ W2
//               ~~^~~~
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "support/SourceManager.h"

namespace dlc {

enum class Severity { Error, Warning, Note };

struct DiagnosticNote {
  SourceLoc loc;      // caret position (may be invalid: a note without a place)
  SourceRange range;  // underlined with '~'
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  SourceRange range;
  std::string message;
  std::vector<DiagnosticNote> notes;
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(const SourceManager &sources) : sources_(sources) {}

  // Reports a diagnostic; returns it so notes can be added.
  Diagnostic &report(Severity severity, SourceLoc loc, SourceRange range, std::string message);
  Diagnostic &error(SourceRange range, std::string message) {
    return report(Severity::Error, range.begin, range, std::move(message));
  }
  Diagnostic &error(SourceLoc caret, SourceRange range, std::string message) {
    return report(Severity::Error, caret, range, std::move(message));
  }
  Diagnostic &warning(SourceRange range, std::string message) {
    return report(Severity::Warning, range.begin, range, std::move(message));
  }
  static void note(Diagnostic &d, SourceRange range, std::string message);

  size_t errorCount() const { return errorCount_; }
  bool hasErrors() const { return errorCount_ > 0; }
  const std::vector<Diagnostic> &diagnostics() const { return diagnostics_; }
  void clear() { diagnostics_.clear(); errorCount_ = 0; }

  // Writes all diagnostics in the clang form.
  void render(std::ostream &out) const;
  void render(std::ostream &out, const Diagnostic &d) const;

  const SourceManager &sources() const { return sources_; }

private:
  void renderOne(std::ostream &out, Severity severity, SourceLoc loc, SourceRange range,
                 const std::string &message) const;

  const SourceManager &sources_;
  std::vector<Diagnostic> diagnostics_;
  size_t errorCount_ = 0;
};

const char *severityName(Severity severity);

}  // namespace dlc
