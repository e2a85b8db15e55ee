#!/usr/bin/python3
"""dl_npy_load on files numpy itself writes.

    check_npy_with_numpy.py TOOL WORKDIR

Writes arrays with numpy.save / numpy.lib.format.write_array (every format
version, several dtypes, byte orders, a scalar, an empty array, a gzipped
file), loads each with `TOOL npy PATH DTYPE RANK` and compares the values with
numpy's own conversion. Files the runtime must refuse (Fortran order, inexact
i32) must fail with the expected message. Exits 77 (skipped) without numpy.
"""
import gzip
import json
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("numpy is not installed: skipped")
    sys.exit(77)

NUMPY_DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32, "bool": np.bool_}


def save(path, array, version=None):
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)
    return path


def main():
    tool, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    rng = np.random.default_rng(0)
    path = lambda name: os.path.join(workdir, name)

    matrix = rng.standard_normal((5, 7)).astype(np.float32)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3.4e38], dtype=np.float32)
    gz = path("gz.npy.gz")
    with gzip.open(gz, "wb") as f:
        np.lib.format.write_array(f, matrix)

    # (file, wanted dtype, the values numpy says the runtime must return)
    loads = [
        (save(path("f4.npy"), matrix), "f32", matrix),
        (path("f4.npy"), "f64", matrix.astype(np.float64)),
        (save(path("f8.npy"), rng.standard_normal((3, 2, 4))), "f32", None),
        (save(path("i4.npy"), np.arange(-6, 6, dtype=np.int32).reshape(3, 4)), "i32", None),
        (save(path("i8.npy"), np.array([[-(2**31), 2**31 - 1]], dtype=np.int64)), "i32", None),
        (save(path("u1.npy"), np.arange(0, 256, 5, dtype=np.uint8).reshape(1, -1)), "f32", None),
        (path("u1.npy"), "i32", None),
        (save(path("b1.npy"), np.array([True, False, True])), "bool", None),
        (save(path("f4-big.npy"), matrix.astype(">f4")), "f32", matrix),
        (save(path("f8-integral.npy"), np.array([3.0, -7.0, 0.0])), "i32", None),
        (save(path("scalar.npy"), np.float32(2.5)), "f32", None),
        (save(path("empty.npy"), np.zeros((0, 3), dtype=np.float32)), "f32", None),
        (save(path("special.npy"), special), "f32", special),
        (save(path("v2.npy"), matrix, version=(2, 0)), "f32", matrix),
        (save(path("v3.npy"), matrix, version=(3, 0)), "f32", matrix),
        (gz, "f32", matrix),
    ]
    problems = []
    for file, dtype, expected in loads:
        source = np.load(file) if not file.endswith(".gz") else matrix
        if expected is None:
            expected = source.astype(NUMPY_DTYPES[dtype])
        result = subprocess.run([tool, "npy", file, dtype, str(source.ndim)], capture_output=True, text=True)
        name = f"{os.path.basename(file)} as {dtype}"
        if result.returncode != 0:
            problems.append(f"{name}: failed: {result.stderr.strip()}")
            continue
        loaded = json.loads(result.stdout)
        values = np.array([float(v) for v in loaded["values"]], dtype=np.float64)
        want = np.asarray(expected).astype(np.float64).ravel()
        if loaded["dims"] != list(source.shape):
            problems.append(f"{name}: dims {loaded['dims']} != {list(source.shape)}")
        elif not np.array_equal(values, want, equal_nan=True) or \
                not np.array_equal(np.signbit(values), np.signbit(want)):
            problems.append(f"{name}: values {values} != {want}")
        else:
            print(f"ok: {name} {loaded['dims']}")

    refusals = [
        (save(path("fortran.npy"), np.asfortranarray(matrix)), "f32", 2, "Fortran order"),
        (save(path("inexact.npy"), np.array([1.0, 2.5])), "i32", 1, "element [1] is 2.5"),
        (save(path("too-big.npy"), np.array([2**40], dtype=np.int64)), "i32", 1, "element [0] is 1099511627776"),
        (save(path("complex.npy"), np.array([1j])), "f32", 1, "dtype '<c16' is not supported"),
        (path("f4.npy"), "f32", 3, "expected 3 dimensions, found shape [5, 7]"),
    ]
    for file, dtype, rank, message in refusals:
        result = subprocess.run([tool, "npy", file, dtype, str(rank)], capture_output=True, text=True)
        name = os.path.basename(file)
        if result.returncode == 0 or message not in result.stderr:
            problems.append(f"{name}: expected a failure mentioning {message!r}, got "
                            f"rc={result.returncode} {result.stderr.strip()!r}")
        else:
            print(f"ok: {name} refused: {result.stderr.strip()}")

    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
