#!/usr/bin/python3
"""Compiles a DL program with dlc, runs it, and compares the `name value`
lines it prints with those of a reference command (a PyTorch script), within
an absolute tolerance. Exits 77 (skipped) when the reference cannot run
because torch is missing.

Usage: compare.py DLC PROGRAM.dl TOLERANCE -- REFERENCE COMMAND..."""
import os
import subprocess
import sys
import tempfile


def values(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return out


def main():
    dlc, program, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[3])
    reference = sys.argv[sys.argv.index("--") + 1:]
    try:
        expected = subprocess.run(reference, check=True, capture_output=True, text=True).stdout
    except subprocess.CalledProcessError as e:
        if "No module named 'torch'" in e.stderr:
            print("skipped: python3-torch is not installed")
            return 77
        raise
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "program")
        subprocess.run([dlc, program, "-o", exe], check=True)
        got = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    want, have = values(expected), values(got)
    if not want:
        print("the reference printed no values")
        return 1
    worst = 0.0
    ok = True
    for name, w in want.items():
        if name not in have:
            print(f"{name}: missing from the program's output")
            ok = False
            continue
        diff = abs(have[name] - w)
        worst = max(worst, diff)
        status = "ok" if diff <= tolerance else "MISMATCH"
        print(f"{name}: dlc {have[name]!r} torch {w!r} diff {diff:.3g} {status}")
        ok = ok and diff <= tolerance
    print(f"largest difference {worst:.3g} (tolerance {tolerance:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
