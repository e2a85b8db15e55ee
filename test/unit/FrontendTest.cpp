// Unit tests for the whole front end (compiler/driver/Frontend.h) on
// in-memory programs: parse, load the embedded stdlib, check.
#include "driver/Frontend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace dlc {
namespace {

std::string rendered(const Compilation &c) {
  std::ostringstream out;
  c.diags.render(out);
  return out.str();
}

const ast::LetStmt *letAt(const ast::Module &m, size_t index) {
  if (index >= m.statements.size()) return nullptr;
  const ast::Stmt *s = m.statements[index].get();
  if (s->kind != ast::StmtKind::Let) return nullptr;
  return static_cast<const ast::LetStmt *>(s);
}

const sema::Symbol *global(const sema::Program &p, const std::string &name) {
  auto it = std::find_if(p.globals.begin(), p.globals.end(),
                         [&](const sema::Symbol *s) { return s && s->name == name; });
  return it == p.globals.end() ? nullptr : *it;
}

TEST(FrontendTest, ValidProgramHasNoDiagnostics) {
  std::string text =
      "let a = zeros([2, 3])\n"
      "let b = ones([3, 4])\n"
      "let c = a @ b\n"
      "print(relu(c))\n";
  Compilation c;
  EXPECT_TRUE(c.run("main.dl", &text)) << rendered(c);
  EXPECT_TRUE(c.diags.diagnostics().empty()) << rendered(c);
  EXPECT_EQ(c.diags.errorCount(), 0u);
  EXPECT_TRUE(c.syntaxOk);
  ASSERT_NE(c.program, nullptr);
  ASSERT_NE(c.main, nullptr);
  EXPECT_EQ(c.program->main, c.main);
  // The stdlib comes first, the main file last.
  ASSERT_FALSE(c.modules.empty());
  EXPECT_EQ(c.modules.back().get(), c.main);
  EXPECT_EQ(c.main->statements.size(), 4u);
  EXPECT_EQ(c.sources.file(c.main->file).path(), "main.dl");
}

TEST(FrontendTest, EmptyProgramIsValid) {
  std::string text = "";
  Compilation c;
  EXPECT_TRUE(c.run("empty.dl", &text)) << rendered(c);
  EXPECT_TRUE(c.diags.diagnostics().empty());
}

TEST(FrontendTest, MatmulOfVectorsIsAnError) {
  // "let x = [1, 2] @ [3]": '@' is byte 15, column 16 (l=1 e=2 t=3 ' '=4 x=5
  // ' '=6 '='=7 ' '=8 '['=9 '1'=10 ','=11 ' '=12 '2'=13 ']'=14 ' '=15 '@'=16).
  std::string text = "let x = [1, 2] @ [3]\n";
  Compilation c;
  EXPECT_FALSE(c.run("bad.dl", &text));
  EXPECT_EQ(c.diags.errorCount(), 1u) << rendered(c);
  ASSERT_EQ(c.diags.diagnostics().size(), 1u) << rendered(c);
  const Diagnostic &d = c.diags.diagnostics()[0];
  EXPECT_EQ(d.severity, Severity::Error);
  LineColumn lc = c.sources.lineColumn(d.loc);
  EXPECT_EQ(lc.line, 1u);
  EXPECT_EQ(lc.column, 16u);
  EXPECT_EQ(c.sources.file(d.loc.file).path(), "bad.dl");
  // The range covers the whole product "[1, 2] @ [3]": bytes [8, 20).
  EXPECT_EQ(d.range.begin.offset, 8u);
  EXPECT_EQ(d.range.end.offset, 20u);
  std::string out = rendered(c);
  EXPECT_EQ(out.rfind("bad.dl:1:16: error: ", 0), 0u) << out;
  EXPECT_NE(out.find("\nlet x = [1, 2] @ [3]\n        ~~~~~~~^~~~~\n"), std::string::npos) << out;
}

TEST(FrontendTest, ErrorOnALaterLine) {
  // Line 3, "let c = a @ b": '@' is at column 11. Inner dims 3 and 5 differ.
  std::string text =
      "let a = zeros([2, 3])\n"
      "let b = zeros([5, 4])\n"
      "let c = a @ b\n";
  Compilation c;
  EXPECT_FALSE(c.run("m.dl", &text));
  ASSERT_EQ(c.diags.errorCount(), 1u) << rendered(c);
  const Diagnostic &d = c.diags.diagnostics()[0];
  LineColumn lc = c.sources.lineColumn(d.loc);
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 11u);
}

TEST(FrontendTest, LetBindingsCarryTypes) {
  std::string text =
      "let a = zeros([2, 3])\n"
      "let b = a @ ones([3, 7])\n"
      "let s = sum(b)\n";
  Compilation c;
  ASSERT_TRUE(c.run("types.dl", &text)) << rendered(c);
  ASSERT_NE(c.main, nullptr);
  ASSERT_EQ(c.main->statements.size(), 3u);

  const ast::LetStmt *a = letAt(*c.main, 0);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->names.size(), 1u);
  EXPECT_EQ(a->names[0].name, "a");
  ASSERT_NE(a->names[0].symbol, nullptr);
  EXPECT_EQ(a->names[0].symbol->type.str(), "f32[2, 3]");
  EXPECT_EQ(a->names[0].symbol->kind, sema::Symbol::Local);
  EXPECT_FALSE(a->names[0].symbol->isMutable);
  ASSERT_NE(a->init, nullptr);
  EXPECT_EQ(a->init->type.str(), "f32[2, 3]");

  const ast::LetStmt *b = letAt(*c.main, 1);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(b->names[0].symbol, nullptr);
  EXPECT_EQ(b->names[0].symbol->type.str(), "f32[2, 7]");  // [2, 3] @ [3, 7]

  const ast::LetStmt *s = letAt(*c.main, 2);
  ASSERT_NE(s, nullptr);
  ASSERT_NE(s->names[0].symbol, nullptr);
  EXPECT_EQ(s->names[0].symbol->type.str(), "f32");  // a full sum is a scalar
}

TEST(FrontendTest, VarIsMutable) {
  std::string text = "var w = zeros([4])\nw -= 1.0\n";
  Compilation c;
  ASSERT_TRUE(c.run("v.dl", &text)) << rendered(c);
  const ast::LetStmt *w = letAt(*c.main, 0);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->isVar);
  ASSERT_NE(w->names[0].symbol, nullptr);
  EXPECT_TRUE(w->names[0].symbol->isMutable);
  EXPECT_EQ(w->names[0].symbol->type.str(), "f32[4]");
}

TEST(FrontendTest, StdlibDeclarationsAreGlobal) {
  std::string text = "print(1)\n";
  Compilation c;
  ASSERT_TRUE(c.run("g.dl", &text)) << rendered(c);
  ASSERT_NE(c.program, nullptr);
  const sema::Symbol *relu = global(*c.program, "relu");
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->kind, sema::Symbol::Function);
  const sema::Symbol *linear = global(*c.program, "Linear");
  ASSERT_NE(linear, nullptr);
  EXPECT_EQ(linear->kind, sema::Symbol::Model);
  const sema::Symbol *adam = global(*c.program, "Adam");
  ASSERT_NE(adam, nullptr);
  EXPECT_EQ(adam->kind, sema::Symbol::Optimizer);
  // Stdlib symbols point back at the stdlib files, not at the main file.
  ASSERT_TRUE(relu->range.isValid());
  EXPECT_NE(relu->range.begin.file, c.main->file);
  EXPECT_EQ(global(*c.program, "no_such_thing"), nullptr);
}

TEST(FrontendTest, UnknownNameSuggestsASpelling) {
  std::string text = "let a = zeros([2])\nlet b = rleu(a)\n";
  Compilation c;
  EXPECT_FALSE(c.run("s.dl", &text));
  ASSERT_GE(c.diags.errorCount(), 1u);
  const Diagnostic &d = c.diags.diagnostics()[0];
  LineColumn lc = c.sources.lineColumn(d.loc);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 9u);  // "let b = " is 8 bytes
  EXPECT_NE(rendered(c).find("relu"), std::string::npos) << rendered(c);
}

TEST(FrontendTest, SyntaxErrorStopsBeforeAnalysis) {
  std::string text = "let = 1\n";
  Compilation c;
  EXPECT_FALSE(c.run("p.dl", &text));
  EXPECT_FALSE(c.syntaxOk);
  EXPECT_EQ(c.program, nullptr);
  EXPECT_GE(c.diags.errorCount(), 1u);
}

}  // namespace
}  // namespace dlc
