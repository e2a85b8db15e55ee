#!/usr/bin/python3
"""Compiles a DL program with dlc, runs it, and compares the `name value`
lines it prints with those of a reference command (a PyTorch script). Exits
77 (skipped) when the reference cannot run because torch is missing.

A line's last word is its value and the words before it its name, so
`sigmoid 3 0.26894143` names the value `sigmoid 3`. Every name the reference
prints must appear in the program's output; extra program lines are ignored.

By default TOLERANCE is absolute: |dlc - torch| <= TOLERANCE. With
`--relative` it is relative, with an absolute floor for values near zero:
|dlc - torch| <= TOLERANCE * |torch| or |dlc - torch| <= ATOL, where ATOL is
given by `--atol=ATOL` (default: TOLERANCE).

Usage: compare.py DLC PROGRAM.dl TOLERANCE [--relative] [--atol=ATOL] -- REFERENCE COMMAND..."""
import math
import os
import subprocess
import sys
import tempfile


def values(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            try:
                out[" ".join(parts[:-1])] = float(parts[-1])
            except ValueError:
                pass
    return out


def main():
    dlc, program, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[3])
    split = sys.argv.index("--")
    relative, atol = False, tolerance
    for option in sys.argv[4:split]:
        if option == "--relative":
            relative = True
        elif option.startswith("--atol="):
            atol = float(option[len("--atol="):])
        else:
            print(f"unknown option {option}")
            return 2
    reference = sys.argv[split + 1:]
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
    worst_relative = 0.0
    ok = True
    for name, w in want.items():
        if name not in have:
            print(f"{name}: missing from the program's output")
            ok = False
            continue
        diff = abs(have[name] - w)
        if relative:
            good = diff <= tolerance * abs(w) or diff <= atol
            if w != 0 and diff > atol:
                worst_relative = max(worst_relative, diff / abs(w))
        else:
            good = diff <= tolerance
        if math.isnan(diff):
            good = have[name] != have[name] and w != w  # both NaN
        worst = max(worst, diff)
        status = "ok" if good else "MISMATCH"
        print(f"{name}: dlc {have[name]!r} torch {w!r} diff {diff:.3g} {status}")
        ok = ok and good
    if relative:
        print(f"largest difference {worst:.3g}; largest relative difference above {atol:g}: "
              f"{worst_relative:.3g} (tolerance {tolerance:g} relative)")
    else:
        print(f"largest difference {worst:.3g} (tolerance {tolerance:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
