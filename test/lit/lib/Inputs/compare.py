#!/usr/bin/python3
"""Compares the numbers in two outputs (a DL program's print of a tensor, a C
program's rows): the same count, each pair within TOL.
Usage: compare.py EXPECTED ACTUAL TOL"""
import re
import sys

NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+")


def numbers(path):
    with open(path) as f:
        return [float(t) for t in NUMBER.findall(f.read())]


expected, actual, tol = numbers(sys.argv[1]), numbers(sys.argv[2]), float(sys.argv[3])
if not expected or len(expected) != len(actual):
    sys.exit(f"expected {len(expected)} numbers, found {len(actual)}")
worst = max(abs(a - b) for a, b in zip(expected, actual))
if worst > tol:
    sys.exit(f"numbers differ by up to {worst:g} (tolerance {tol:g})")
print(f"{len(expected)} numbers agree within {tol:g}")
