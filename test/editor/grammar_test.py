#!/usr/bin/env python3
"""Checks the VS Code extension under editor/vscode without VS Code.

- package.json, language-configuration.json and the grammar parse as JSON,
  and the manifest wires them together (language `dl`, extension `.dl`, the
  grammar's scope, the extension's entry point starting `dlc lsp`);
- the TextMate grammar, run by the small tokenizer below (the begin/end,
  match, captures and include rules VS Code applies), gives the expected
  scopes on a sample program.

usage: grammar_test.py [EDITOR_DIR]
"""
import json
import os
import re
import shutil
import subprocess
import sys

EDITOR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "editor")
VSCODE = os.path.join(EDITOR, "vscode")
failures = []


def check(condition, what, detail=None):
    print(("ok: " if condition else "FAIL: ") + what + ("" if condition or detail is None else " -- got: %r" % (detail,)))
    if not condition:
        failures.append(what)


def load(name):
    with open(os.path.join(VSCODE, name), encoding="utf-8") as f:
        return json.load(f)


# ---- A TextMate tokenizer, enough for this grammar ---------------------------

class Tokenizer:
    def __init__(self, grammar):
        self.grammar = grammar
        self.repository = grammar.get("repository", {})

    def expand(self, patterns):
        """Rules in order, with includes replaced by what they name."""
        out = []
        for p in patterns:
            if "include" in p:
                ref = p["include"]
                if ref == "$self":
                    out += self.expand(self.grammar["patterns"])
                elif ref.startswith("#"):
                    out += self.expand([self.repository[ref[1:]]])
                else:
                    raise ValueError("unsupported include " + ref)
            elif "match" in p or "begin" in p:
                out.append(p)
            elif "patterns" in p:
                out += self.expand(p["patterns"])
        return out

    @staticmethod
    def paint(scopes, base, match, captures):
        for index, capture in (captures or {}).items():
            i = int(index)
            if match.group(i) is None or "name" not in capture:
                continue
            for k in range(match.start(i), match.end(i)):
                scopes[k] = scopes[k] + [capture["name"]]

    def tokenize(self, text):
        """For each line, the scope list of each character."""
        stack = []  # open begin/end rules
        result = []
        for line in text.split("\n"):
            scopes = [[] for _ in line]
            pos = 0
            while pos <= len(line):
                outer = [s for rule in stack for s in ([rule["name"]] if "name" in rule else [])]
                patterns = self.expand(stack[-1].get("patterns", [])) if stack else self.expand(self.grammar["patterns"])
                best = None  # (start, order, kind, rule, match)
                if stack:
                    m = re.compile(stack[-1]["end"]).search(line, pos)
                    if m:
                        best = (m.start(), -1, "end", stack[-1], m)
                for order, rule in enumerate(patterns):
                    m = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
                    if m and (best is None or m.start() < best[0]):
                        best = (m.start(), order, "match" if "match" in rule else "begin", rule, m)
                if best is None:
                    for k in range(pos, len(line)):
                        scopes[k] = outer[:]
                    break
                start, _, kind, rule, m = best
                for k in range(pos, start):
                    scopes[k] = outer[:]
                if kind == "match":
                    own = outer + ([rule["name"]] if "name" in rule else [])
                    for k in range(m.start(), m.end()):
                        scopes[k] = own[:]
                    self.paint(scopes, own, m, rule.get("captures"))
                elif kind == "begin":
                    own = outer + ([rule["name"]] if "name" in rule else [])
                    for k in range(m.start(), m.end()):
                        scopes[k] = own[:]
                    self.paint(scopes, own, m, rule.get("beginCaptures") or rule.get("captures"))
                    stack.append(rule)
                else:
                    for k in range(m.start(), m.end()):
                        scopes[k] = outer[:]
                    self.paint(scopes, outer, m, rule.get("endCaptures") or rule.get("captures"))
                    stack.pop()
                pos = m.end() if m.end() > pos else pos + 1
            result.append(scopes)
        return result


SAMPLE = """\
use "layers.dl"
// A comment with let and 42 in it
model Mlp(inputs: int, hidden: int = 128) {
    layer fc1 = Linear(inputs, hidden)
    param scale: f32[hidden] = ones()
    fn forward(x: f32[N, inputs]) -> f32[N, hidden] {
        return relu(fc1(x)) * scale
    }
}
/* a block comment
   over two lines with fn */
optimizer Plain(lr: f32 = 0.01) {
    state m
    fn update(p, g) { p -= lr * g ^ 2 }
}
let x: f64[1, 2] = [[0.1, 2e-3]]
var w = rand([3, 2]) @ transpose(x)
for epoch in 0..20 {
    if epoch % 5 == 0 and not false { print("epoch \\"q\\"", epoch) } else { opt.minimize(loss) }
}
let s: str = "let"
let ok: bool = true
let opt = Adam(net, lr: 0.001)
"""

EXPECT = [
    # (line, substring, offset in it, scope that must be present)
    (0, "use", 0, "keyword.control.import.dl"),
    (0, '"layers.dl"', 1, "string.quoted.double.dl"),
    (1, "let", 0, "comment.line.double-slash.dl"),
    (1, "42", 0, "comment.line.double-slash.dl"),
    (2, "model", 0, "storage.type.class.dl"),
    (2, "Mlp", 0, "entity.name.type.class.dl"),
    (2, "int", 0, "storage.type.primitive.dl"),
    (2, "128", 0, "constant.numeric.integer.dl"),
    (3, "layer", 0, "storage.modifier.dl"),
    (3, "fc1", 0, "variable.other.member.dl"),
    (3, "Linear", 0, "support.class.dl"),
    (4, "param", 0, "storage.modifier.dl"),
    (4, "f32", 0, "storage.type.primitive.dl"),
    (4, "[hidden]", 1, "entity.name.type.parameter.dimension.dl"),
    (4, "ones", 0, "support.function.builtin.dl"),
    (5, "fn", 0, "storage.type.function.dl"),
    (5, "forward", 0, "entity.name.function.dl"),
    (5, "[N, inputs]", 1, "entity.name.type.parameter.dimension.dl"),
    (5, "[N, inputs]", 4, "entity.name.type.parameter.dimension.dl"),
    (5, "[N, inputs]", 1, "meta.type.tensor.dl"),
    (5, "->", 0, "keyword.operator.arrow.dl"),
    (6, "return", 0, "keyword.control.flow.dl"),
    (6, "relu", 0, "support.function.dl"),
    (6, "*", 0, "keyword.operator.arithmetic.dl"),
    (9, "block", 0, "comment.block.dl"),
    (10, "fn", 0, "comment.block.dl"),
    (11, "optimizer", 0, "storage.type.class.dl"),
    (11, "0.01", 0, "constant.numeric.float.dl"),
    (12, "state", 0, "storage.modifier.dl"),
    (13, "-=", 0, "keyword.operator.assignment.compound.dl"),
    (13, "^", 0, "keyword.operator.arithmetic.dl"),
    (15, "let", 0, "storage.type.dl"),
    (15, "f64", 0, "storage.type.primitive.dl"),
    (15, "[1, 2]", 1, "constant.numeric.integer.dl"),
    (15, "2e-3", 0, "constant.numeric.float.dl"),
    (15, "0.1", 0, "constant.numeric.float.dl"),
    (16, "var", 0, "storage.type.dl"),
    (16, "@", 0, "keyword.operator.matrix.dl"),
    (16, "rand", 0, "support.function.builtin.dl"),
    (17, "for", 0, "keyword.control.flow.dl"),
    (17, "in", 0, "keyword.control.flow.dl"),
    (17, "0..20", 0, "constant.numeric.integer.dl"),
    (17, "..", 0, "keyword.operator.range.dl"),
    (17, "20", 0, "constant.numeric.integer.dl"),
    (18, "if", 0, "keyword.control.flow.dl"),
    (18, "==", 0, "keyword.operator.comparison.dl"),
    (18, "and", 0, "keyword.operator.logical.dl"),
    (18, "not", 0, "keyword.operator.logical.dl"),
    (18, "false", 0, "constant.language.boolean.dl"),
    (18, '\\"', 0, "constant.character.escape.dl"),
    (18, "else", 0, "keyword.control.flow.dl"),
    (18, "minimize", 0, "support.function.method.dl"),
    (20, "str", 0, "storage.type.primitive.dl"),
    (20, '"let"', 1, "string.quoted.double.dl"),
    (21, "bool", 0, "storage.type.primitive.dl"),
    (21, "true", 0, "constant.language.boolean.dl"),
    (22, "Adam", 0, "support.class.dl"),
    (22, "lr", 0, "variable.parameter.dl"),
]

FORBIDDEN = [
    # (line, substring, offset, scope that must be absent)
    (1, "let", 0, "storage.type.dl"),
    (10, "fn", 0, "storage.type.function.dl"),
    (20, '"let"', 1, "storage.type.dl"),
    (17, "0..20", 1, "constant.numeric.float.dl"),
]


def main():
    package = load("package.json")
    config = load("language-configuration.json")
    grammar = load("syntaxes/dl.tmLanguage.json")
    check(True, "the three JSON files parse")

    languages = package.get("contributes", {}).get("languages", [])
    dl = next((lang for lang in languages if lang.get("id") == "dl"), None)
    check(dl is not None and ".dl" in dl.get("extensions", []), "package.json declares language dl for .dl", languages)
    if dl:
        check(os.path.exists(os.path.join(VSCODE, dl.get("configuration", ""))),
              "the language configuration file exists", dl.get("configuration"))
    grammars = package.get("contributes", {}).get("grammars", [])
    g = next((x for x in grammars if x.get("language") == "dl"), None)
    check(g is not None and os.path.exists(os.path.join(VSCODE, g["path"])), "package.json wires the grammar", grammars)
    check(g is not None and g.get("scopeName") == grammar.get("scopeName") == "source.dl",
          "the grammar's scope is source.dl", grammar.get("scopeName"))
    check("onLanguage:dl" in package.get("activationEvents", []), "the extension activates on dl files")
    main_js = os.path.join(VSCODE, package.get("main", ""))
    check(os.path.isfile(main_js), "the extension's entry point exists", package.get("main"))
    if os.path.isfile(main_js):
        with open(main_js) as f:
            source = f.read()
        check("vscode-languageclient" in source and "'lsp'" in source, "extension.js starts `dlc lsp` with vscode-languageclient")
        if shutil.which("node"):
            run = subprocess.run(["node", "--check", main_js], capture_output=True, text=True)
            check(run.returncode == 0, "extension.js is valid JavaScript (node --check)", run.stderr)
    check("vscode-languageclient" in package.get("dependencies", {}), "package.json depends on vscode-languageclient")
    check(config.get("comments", {}).get("lineComment") == "//", "language configuration: // comments", config)

    # Every regex compiles.
    def regexes(node):
        if isinstance(node, dict):
            for key in ("match", "begin", "end"):
                if key in node:
                    yield node[key]
            for value in node.values():
                yield from regexes(value)
        elif isinstance(node, list):
            for value in node:
                yield from regexes(value)
    bad = []
    for r in regexes(grammar):
        try:
            re.compile(r)
        except re.error as e:
            bad.append((r, str(e)))
    check(not bad, "every grammar regex compiles", bad)

    lines = SAMPLE.split("\n")
    scopes = Tokenizer(grammar).tokenize(SAMPLE)
    for line, needle, offset, scope in EXPECT:
        col = lines[line].find(needle)
        got = scopes[line][col + offset] if col >= 0 else None
        check(col >= 0 and scope in got, "line %d: %r is %s" % (line + 1, needle, scope), got)
    for line, needle, offset, scope in FORBIDDEN:
        col = lines[line].find(needle)
        got = scopes[line][col + offset] if col >= 0 else None
        check(col >= 0 and scope not in got, "line %d: %r is not %s" % (line + 1, needle, scope), got)

    if failures:
        print("\n%d check(s) failed" % len(failures))
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
