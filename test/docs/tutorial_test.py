#!/usr/bin/python3
"""Runs the commands of docs/tutorial.md and checks what they print.

Every ```sh block is run with bash -e in one scratch directory (with
`examples` linked to the repository's examples/ and the dlc under test first
on PATH), in the order of the document. A ```text block right after an ```sh
block is its expected output: each of its lines must appear in the
command's output, in order ("..." lines stand for anything). A block
preceded by the line `<!-- not run -->` is skipped (building dlc itself).
Each command block must succeed, unless its text says `error:`: then it
must fail and print that text.

Usage: tutorial_test.py DLC TUTORIAL.md EXAMPLES_DIR
"""
import os
import re
import subprocess
import sys
import tempfile


def blocks(text):
    """(kind, body, skipped) for each fenced block, in order."""
    out = []
    for m in re.finditer(r"(<!-- not run -->\s*\n)?```(\w*)\n(.*?)```", text, re.S):
        out.append((m.group(2), m.group(3), m.group(1) is not None))
    return out


def main():
    dlc, tutorial, examples = sys.argv[1:4]
    text = open(tutorial, encoding="utf-8").read()
    items = blocks(text)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(dlc)) + os.pathsep + env["PATH"]
    failures = 0
    ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(examples), os.path.join(tmp, "examples"))
        for i, (kind, body, skipped) in enumerate(items):
            if kind != "sh" or skipped:
                continue
            expected = None
            if i + 1 < len(items) and items[i + 1][0] == "text":
                expected = items[i + 1][1]
            wants_error = expected is not None and "error:" in expected
            r = subprocess.run(["bash", "-e", "-c", body], cwd=tmp, env=env, capture_output=True, text=True,
                               timeout=300)
            ran += 1
            out = r.stdout + r.stderr
            ok = (r.returncode != 0) if wants_error else (r.returncode == 0)
            if not ok:
                print("FAIL: exit status %d from:\n%s\n%s" % (r.returncode, body, out))
                failures += 1
                continue
            if expected is not None:
                pos = 0
                for line in expected.splitlines():
                    line = line.rstrip()
                    if not line or line.strip() == "...":
                        continue
                    at = out.find(line, pos)
                    if at < 0:
                        print("FAIL: %r not in the output (in order) of:\n%s\n--- output:\n%s" % (line, body, out))
                        failures += 1
                        break
                    pos = at + len(line)
            print("ok:", body.strip().splitlines()[0])
    if ran == 0:
        print("FAIL: no commands found")
        return 1
    print("%d command blocks, %d failed" % (ran, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
