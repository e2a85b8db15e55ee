// Unit tests for source locations and clang-style diagnostic rendering
// (compiler/support/SourceManager.h, compiler/support/Diagnostics.h).
#include "support/Diagnostics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dlc {
namespace {

SourceLoc at(const SourceFile &f, uint32_t offset) { return SourceLoc{f.id(), offset}; }
SourceRange span(const SourceFile &f, uint32_t begin, uint32_t end) {
  return SourceRange(at(f, begin), at(f, end));
}

// ---- SourceManager ----------------------------------------------------------

TEST(SourceManagerTest, LineAndColumnAreOneBased) {
  SourceManager sm;
  //                                  offsets: a=0 b=1 \n=2 c=3 d=4 e=5 \n=6 f=7
  const SourceFile &f = sm.addFile("t.dl", "ab\ncde\nf");
  auto lc = f.lineColumn(0);
  EXPECT_EQ(lc.line, 1u);
  EXPECT_EQ(lc.column, 1u);
  lc = f.lineColumn(1);
  EXPECT_EQ(lc.line, 1u);
  EXPECT_EQ(lc.column, 2u);
  lc = f.lineColumn(2);  // the newline itself belongs to line 1
  EXPECT_EQ(lc.line, 1u);
  EXPECT_EQ(lc.column, 3u);
  lc = f.lineColumn(3);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 1u);
  lc = f.lineColumn(5);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 3u);
  lc = f.lineColumn(7);
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 1u);
}

TEST(SourceManagerTest, LastLineWithoutNewline) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("t.dl", "ab\ncd");
  EXPECT_EQ(f.lineCount(), 2u);
  EXPECT_EQ(f.lineText(2), "cd");
  // The end of the file: just past 'd'.
  auto lc = f.lineColumn(5);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 3u);
  // Offsets past the end are clamped to it.
  lc = f.lineColumn(500);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 3u);
}

TEST(SourceManagerTest, TrailingNewlineStartsAnEmptyLine) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("t.dl", "ab\n");
  EXPECT_EQ(f.lineText(1), "ab");
  EXPECT_EQ(f.lineText(2), "");
  auto lc = f.lineColumn(3);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 1u);
}

TEST(SourceManagerTest, ColumnsCountBytes) {
  SourceManager sm;
  // "é" is two bytes, so 'x' is at byte offset 2, column 3.
  const SourceFile &f = sm.addFile("t.dl", "\xC3\xA9x");
  auto lc = f.lineColumn(2);
  EXPECT_EQ(lc.line, 1u);
  EXPECT_EQ(lc.column, 3u);
}

TEST(SourceManagerTest, CrLf) {
  SourceManager sm;
  // offsets: a=0 \r=1 \n=2 b=3 c=4 \r=5 \n=6 d=7
  const SourceFile &f = sm.addFile("t.dl", "a\r\nbc\r\nd");
  EXPECT_EQ(f.lineCount(), 3u);
  EXPECT_EQ(f.lineText(1), "a");
  EXPECT_EQ(f.lineText(2), "bc");
  EXPECT_EQ(f.lineText(3), "d");
  auto lc = f.lineColumn(4);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 2u);
  lc = f.lineColumn(7);
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 1u);
}

TEST(SourceManagerTest, LineTextOutOfRange) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("t.dl", "a\nb");
  EXPECT_EQ(f.lineText(0), "");
  EXPECT_EQ(f.lineText(3), "");
}

TEST(SourceManagerTest, OffsetOf) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("t.dl", "ab\ncd");
  EXPECT_EQ(f.offsetOf(1, 1), 0u);
  EXPECT_EQ(f.offsetOf(2, 2), 4u);
  EXPECT_EQ(f.offsetOf(1, 99), 2u);  // clamped to the end of line 1
  EXPECT_EQ(f.offsetOf(9, 1), 5u);   // past the last line: the end of the file
}

TEST(SourceManagerTest, FilesAndDescribe) {
  SourceManager sm;
  const SourceFile &a = sm.addFile("a.dl", "x");
  const SourceFile &b = sm.addFile("dir/b.dl", "one\ntwo three");
  EXPECT_EQ(a.id(), 0);
  EXPECT_EQ(b.id(), 1);
  EXPECT_EQ(sm.fileCount(), 2u);
  EXPECT_EQ(&sm.file(1), &b);
  EXPECT_EQ(sm.findByPath("dir/b.dl"), &b);
  EXPECT_EQ(sm.findByPath("c.dl"), nullptr);
  // 't' of "three" is at offset 4 + 4 = 8: line 2, column 5.
  EXPECT_EQ(sm.describe(at(b, 8)), "dir/b.dl:2:5");
  EXPECT_EQ(sm.describe(SourceLoc{}), "<unknown>");
  auto lc = sm.lineColumn(SourceLoc{});
  EXPECT_EQ(lc.line, 0u);
}

TEST(SourceManagerTest, LoadMissingFile) {
  SourceManager sm;
  std::string why;
  EXPECT_EQ(sm.loadFile("/nonexistent/dir/nothing.dl", &why), nullptr);
  EXPECT_NE(why.find("nothing.dl"), std::string::npos);
  EXPECT_EQ(sm.fileCount(), 0u);
}

TEST(SourceRangeTest, To) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("t.dl", "0123456789");
  SourceRange r = span(f, 2, 4).to(span(f, 6, 9));
  EXPECT_EQ(r.begin.offset, 2u);
  EXPECT_EQ(r.end.offset, 9u);
  r = span(f, 6, 9).to(span(f, 2, 4));
  EXPECT_EQ(r.begin.offset, 2u);
  EXPECT_EQ(r.end.offset, 9u);
  r = SourceRange().to(span(f, 1, 3));
  EXPECT_EQ(r.begin.offset, 1u);
  EXPECT_EQ(r.end.offset, 3u);
  r = span(f, 1, 3).to(SourceRange());
  EXPECT_EQ(r.begin.offset, 1u);
  EXPECT_EQ(r.end.offset, 3u);
}

// ---- DiagnosticEngine -------------------------------------------------------

std::string render(const DiagnosticEngine &diags) {
  std::ostringstream out;
  diags.render(out);
  return out.str();
}

TEST(DiagnosticRender, MatmulExampleFromTheHeader) {
  SourceManager sm;
  // Line 2 starts at offset 14. "    let h = x @ W2": x at 14+12=26, @ at 28, W2 ends at 32.
  const SourceFile &f = sm.addFile("model.dl", "fn f(x, W2) {\n    let h = x @ W2\n}\n");
  DiagnosticEngine diags(sm);
  diags.error(at(f, 28), span(f, 26, 32), "matrix product needs matching inner dimensions");
  EXPECT_EQ(render(diags),
            "model.dl:2:15: error: matrix product needs matching inner dimensions\n"
            "    let h = x @ W2\n"
            "            ~~^~~~\n");
}

TEST(DiagnosticRender, CaretOnlyAtRangeBegin) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("a.dl", "let x = foo(1)\n");
  DiagnosticEngine diags(sm);
  // error(range): the caret goes at the start of the range; "foo" is [8, 11).
  diags.error(span(f, 8, 11), "unknown name 'foo'");
  EXPECT_EQ(render(diags),
            "a.dl:1:9: error: unknown name 'foo'\n"
            "let x = foo(1)\n"
            "        ^~~\n");
}

TEST(DiagnosticRender, EmptyRangeGivesASingleCaret) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("a.dl", "let = 1\n");
  DiagnosticEngine diags(sm);
  diags.error(SourceRange(at(f, 4)), "expected a name");
  EXPECT_EQ(render(diags),
            "a.dl:1:5: error: expected a name\n"
            "let = 1\n"
            "    ^\n");
}

TEST(DiagnosticRender, WarningSeverity) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("w.dl", "x\n");
  DiagnosticEngine diags(sm);
  diags.warning(span(f, 0, 1), "unused");
  EXPECT_EQ(render(diags), "w.dl:1:1: warning: unused\nx\n^\n");
  EXPECT_EQ(diags.errorCount(), 0u);
  EXPECT_FALSE(diags.hasErrors());
}

TEST(DiagnosticRender, Notes) {
  SourceManager sm;
  // Line 1 "let a = 1" (0..9), newline at 9; line 2 "let a = 2" starts at 10.
  const SourceFile &f = sm.addFile("n.dl", "let a = 1\nlet a = 2\n");
  DiagnosticEngine diags(sm);
  Diagnostic &d = diags.error(span(f, 14, 15), "'a' is already defined");
  DiagnosticEngine::note(d, span(f, 4, 5), "first defined here");
  EXPECT_EQ(render(diags),
            "n.dl:2:5: error: 'a' is already defined\n"
            "let a = 2\n"
            "    ^\n"
            "n.dl:1:5: note: first defined here\n"
            "let a = 1\n"
            "    ^\n");
  EXPECT_EQ(diags.errorCount(), 1u);  // a note is not an error
}

TEST(DiagnosticRender, NoteWithoutAPlace) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("n.dl", "x\n");
  DiagnosticEngine diags(sm);
  Diagnostic &d = diags.error(span(f, 0, 1), "bad");
  DiagnosticEngine::note(d, SourceRange(), "some context");
  EXPECT_EQ(render(diags), "n.dl:1:1: error: bad\nx\n^\ndlc: note: some context\n");
}

TEST(DiagnosticRender, NoLocation) {
  SourceManager sm;
  DiagnosticEngine diags(sm);
  diags.error(SourceRange(), "cannot open 'x.dl'");
  EXPECT_EQ(render(diags), "dlc: error: cannot open 'x.dl'\n");
}

TEST(DiagnosticRender, TabsArePreservedInTheMarkerLine) {
  SourceManager sm;
  // "\tlet y = a + b": a at 9, + at 11, b at 13.
  const SourceFile &f = sm.addFile("t.dl", "\tlet y = a + b\n");
  DiagnosticEngine diags(sm);
  diags.error(at(f, 11), span(f, 9, 14), "mismatch");
  EXPECT_EQ(render(diags),
            "t.dl:1:12: error: mismatch\n"
            "\tlet y = a + b\n"
            "\t        ~~^~~\n");
}

TEST(DiagnosticRender, MultiByteCharactersTakeOneMarkerColumn) {
  SourceManager sm;
  // "é + x": é is bytes 0-1, '+' at byte 3 (column 4); on screen '+' is the 3rd character.
  const SourceFile &f = sm.addFile("u.dl", "\xC3\xA9 + x\n");
  DiagnosticEngine diags(sm);
  diags.error(SourceRange(at(f, 3)), "bad operand");
  EXPECT_EQ(render(diags),
            "u.dl:1:4: error: bad operand\n"
            "\xC3\xA9 + x\n"
            "  ^\n");
}

TEST(DiagnosticRender, RangeIsClippedToTheCaretLine) {
  SourceManager sm;
  // The range spans from "a" on line 1 to "b" on line 2; the caret is at "+".
  // offsets: "x = a +\n" (a=4, +=6, \n=7), "    b\n" (b=12)
  const SourceFile &f = sm.addFile("m.dl", "x = a +\n    b\n");
  DiagnosticEngine diags(sm);
  diags.error(at(f, 6), span(f, 4, 13), "bad");
  EXPECT_EQ(render(diags),
            "m.dl:1:7: error: bad\n"
            "x = a +\n"
            "    ~~^\n");
}

TEST(DiagnosticRender, CrLfLineIsPrintedWithoutCarriageReturn) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("c.dl", "a\r\nbad\r\n");
  DiagnosticEngine diags(sm);
  diags.error(span(f, 3, 6), "oops");
  EXPECT_EQ(render(diags), "c.dl:2:1: error: oops\nbad\n^~~\n");
}

TEST(DiagnosticEngineTest, DuplicatesAreMerged) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("d.dl", "let x = y\n");
  DiagnosticEngine diags(sm);
  Diagnostic &first = diags.error(span(f, 8, 9), "unknown name 'y'");
  Diagnostic &second = diags.error(span(f, 8, 9), "unknown name 'y'");
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.errorCount(), 1u);
  EXPECT_EQ(render(diags), "d.dl:1:9: error: unknown name 'y'\nlet x = y\n        ^\n");
}

TEST(DiagnosticEngineTest, DifferentMessagesOrPlacesAreKept) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("d.dl", "let x = y + z\n");
  DiagnosticEngine diags(sm);
  diags.error(span(f, 8, 9), "unknown name 'y'");
  diags.error(span(f, 8, 9), "another problem");
  diags.error(span(f, 12, 13), "unknown name 'y'");
  diags.warning(span(f, 8, 9), "unknown name 'y'");  // a different severity
  EXPECT_EQ(diags.diagnostics().size(), 4u);
  EXPECT_EQ(diags.errorCount(), 3u);
  EXPECT_TRUE(diags.hasErrors());
  diags.clear();
  EXPECT_EQ(diags.errorCount(), 0u);
  EXPECT_TRUE(diags.diagnostics().empty());
  EXPECT_EQ(render(diags), "");
}

TEST(DiagnosticEngineTest, ReportKeepsItsFields) {
  SourceManager sm;
  const SourceFile &f = sm.addFile("d.dl", "abc\n");
  DiagnosticEngine diags(sm);
  Diagnostic &d = diags.report(Severity::Error, at(f, 1), span(f, 0, 3), "m");
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_EQ(d.loc, at(f, 1));
  EXPECT_EQ(d.range.begin, at(f, 0));
  EXPECT_EQ(d.range.end, at(f, 3));
  EXPECT_EQ(d.message, "m");
  EXPECT_STREQ(severityName(Severity::Note), "note");
  EXPECT_STREQ(severityName(Severity::Warning), "warning");
  EXPECT_STREQ(severityName(Severity::Error), "error");
}

}  // namespace
}  // namespace dlc
