#!/usr/bin/python3
"""Checks examples/boundary.dl's output against the lecture's claim: on the
two moons, a network with 4 hidden units fits the data (>= 95 % accuracy)
better than one with 2, and its decision boundary (the printed class grids)
differs. Usage: boundary_check.py < output"""
import re
import sys

text = sys.stdin.read()
acc = {int(m.group(1)): float(m.group(2))
       for m in re.finditer(r"accuracy with (\d) hidden units (\S+)", text)}
grids = re.findall(r"tensor\((\[\[.*?\]\])\)", text, re.S)
print("accuracies", acc, "grids", len(grids))
ok = acc.get(4, 0) >= 0.95 and acc.get(4, 0) > acc.get(2, 1) and len(grids) == 2 and grids[0] != grids[1]
ok = ok and all(g.count("0") > 20 and g.count("1") > 20 for g in grids)
sys.exit(0 if ok else 1)
