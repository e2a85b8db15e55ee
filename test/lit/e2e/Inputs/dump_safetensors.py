#!/usr/bin/python3
"""Prints a safetensors file as read by test/runtime/data/read_safetensors.py
(Python's struct + json only, independent of the runtime): one `tensor NAME
DTYPE SHAPE` line per tensor in name order, then `NAME INDEX... VALUE` per
element, row-major, with 8 decimals as DL prints scalars.
Usage: dump_safetensors.py FILE"""
import itertools
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "runtime", "data"))
from read_safetensors import read_safetensors  # noqa: E402

tensors, metadata, header_size = read_safetensors(sys.argv[1])
for name in sorted(tensors):
    dtype, shape, values = tensors[name]
    print("tensor", name, dtype, shape)
for name in sorted(tensors):
    dtype, shape, values = tensors[name]
    for index, value in zip(itertools.product(*[range(d) for d in shape]), values):
        print(name, *index, f"{value:.8f}")
