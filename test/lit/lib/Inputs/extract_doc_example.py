#!/usr/bin/python3
"""Writes the complete example of docs/embedding.md (its `model Mlp` program
and its C `main`) to DIR/model.dl and DIR/app.c, so a test can check that
the documentation's commands work as written.
Usage: extract_doc_example.py DOC DIR"""
import os
import re
import sys

text = open(sys.argv[1]).read()
blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
program = [b for kind, b in blocks if b.startswith("model Mlp")]
app = [b for kind, b in blocks if kind == "c" and "int main" in b]
if len(program) != 1 or len(app) != 1:
    sys.exit("docs/embedding.md: expected one DL program and one C main in its complete example")
with open(os.path.join(sys.argv[2], "model.dl"), "w") as f:
    f.write(program[0])
with open(os.path.join(sys.argv[2], "app.c"), "w") as f:
    f.write(app[0])
