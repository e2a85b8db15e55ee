#!/usr/bin/python3
"""Writes the small NPY and IDX files of data-npy-idx.dl into a directory,
with Python's stdlib only (struct, gzip).
Usage: write_arrays.py DIR"""
import gzip
import os
import struct
import sys


def npy(path, descr, shape, fmt, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join(f"{d}, " for d in shape) if len(shape) == 1 else ", ".join(map(str, shape)))
    header += " " * (-(len(header) + 11) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


def idx(path, type_code, fmt, shape, values, compress=False):
    blob = bytes([0, 0, type_code, len(shape)]) + struct.pack(">%dI" % len(shape), *shape)
    blob += struct.pack(">%d%s" % (len(values), fmt), *values)
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(blob)


out = sys.argv[1]
npy(os.path.join(out, "x.npy"), "<f8", (4, 3), "d", [i / 2 for i in range(12)])
npy(os.path.join(out, "y.npy"), "<i8", (4,), "q", [2, 0, 1, 2])
npy(os.path.join(out, "y5.npy"), "<i8", (5,), "q", [2, 0, 1, 2, 1])
idx(os.path.join(out, "labels.idx"), 0x08, "B", (4,), [3, 1, 4, 1])
idx(os.path.join(out, "images.idx.gz"), 0x08, "B", (4, 2, 2), list(range(0, 255, 16)), compress=True)
