#include "support/Diagnostics.h"

#include <algorithm>

namespace dlc {

const char *severityName(Severity severity) {
  switch (severity) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Note: return "note";
  }
  return "error";
}

Diagnostic &DiagnosticEngine::report(Severity severity, SourceLoc loc, SourceRange range,
                                     std::string message) {
  // The same message at the same place (an error inside a function body seen
  // from two call sites) is said once.
  for (auto &d : diagnostics_)
    if (d.severity == severity && d.loc == loc && d.message == message) return d;
  if (severity == Severity::Error) ++errorCount_;
  diagnostics_.push_back(Diagnostic{severity, loc, range, std::move(message), {}});
  return diagnostics_.back();
}

void DiagnosticEngine::note(Diagnostic &d, SourceRange range, std::string message) {
  d.notes.push_back(DiagnosticNote{range.begin, range, std::move(message)});
}

void DiagnosticEngine::render(std::ostream &out) const {
  for (auto &d : diagnostics_) render(out, d);
}

void DiagnosticEngine::render(std::ostream &out, const Diagnostic &d) const {
  renderOne(out, d.severity, d.loc, d.range, d.message);
  for (auto &n : d.notes) renderOne(out, Severity::Note, n.loc, n.range, n.message);
}

void DiagnosticEngine::renderOne(std::ostream &out, Severity severity, SourceLoc loc,
                                 SourceRange range, const std::string &message) const {
  if (!loc.isValid()) {
    out << "dlc: " << severityName(severity) << ": " << message << "\n";
    return;
  }
  const SourceFile &file = sources_.file(loc.file);
  LineColumn at = file.lineColumn(loc.offset);
  out << file.path() << ":" << at.line << ":" << at.column << ": " << severityName(severity)
      << ": " << message << "\n";

  std::string_view line = file.lineText(at.line);
  if (line.empty() && at.column <= 1) return;
  out << line << "\n";

  // Underline the part of the range on the caret's line; keep tabs so the
  // marks line up with the text above.
  uint32_t lineStart = loc.offset - (at.column - 1);
  uint32_t lineEnd = lineStart + static_cast<uint32_t>(line.size());
  uint32_t from = loc.offset, to = loc.offset + 1;
  if (range.isValid() && range.begin.file == loc.file) {
    from = std::max(lineStart, std::min(range.begin.offset, loc.offset));
    to = std::min(lineEnd, std::max(range.end.offset, loc.offset + 1));
  }
  std::string marks;
  for (uint32_t i = lineStart; i < std::max(to, loc.offset + 1); ++i) {
    char c = i < lineEnd ? line[i - lineStart] : ' ';
    if (i == loc.offset) marks += '^';
    else if (i >= from && i < to) marks += '~';
    else if (i < from) marks += (c == '\t' ? '\t' : ' ');
    // Bytes of a multi-byte character after its first take no column.
    else marks += ' ';
    if (i < lineEnd && (static_cast<unsigned char>(c) & 0xC0) == 0x80) marks.pop_back();
  }
  while (!marks.empty() && marks.back() == ' ') marks.pop_back();
  out << marks << "\n";
}

}  // namespace dlc
