#!/usr/bin/env python3
"""ctest runtime-vs-torch: regenerate the references with PyTorch, replay them.

    check_against_torch.py REFCHECK_BINARY OUTPUT_DIR

Runs generator_reference.py and print_reference.py with this interpreter
(Debian's /usr/bin/python3, which python3-torch installs into), checks the
runtime against the fresh JSON with dl_runtime_refcheck, and fails when the
checked-in JSON next to this script differs from the fresh one (then copy the
fresh files over it). Exits 77 (skipped) when torch cannot be imported.
"""
import filecmp
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = {"generator": "generator_reference.py", "print": "print_reference.py"}


def main():
    refcheck, out_dir = sys.argv[1], sys.argv[2]
    try:
        import torch  # noqa: F401
    except ImportError as error:
        print(f"SKIP: torch is not importable with {sys.executable}: {error}")
        return 77
    os.makedirs(out_dir, exist_ok=True)
    args = [refcheck]
    stale = []
    for kind, script in SCRIPTS.items():
        fresh = os.path.join(out_dir, script.replace(".py", ".json"))
        with open(fresh, "w") as out:
            subprocess.run([sys.executable, os.path.join(HERE, script)], stdout=out, check=True)
        checked_in = os.path.join(HERE, os.path.basename(fresh))
        if not os.path.exists(checked_in) or not filecmp.cmp(fresh, checked_in, shallow=False):
            stale.append((fresh, checked_in))
        args += [f"--{kind}", fresh]
    status = subprocess.run(args).returncode
    with open(os.path.join(out_dir, "generator_reference.json")) as fresh:
        capability = json.load(fresh)["cpu_capability"]
    if status != 0 and capability != "AVX2":
        print(f"NOTE: torch ran its {capability} kernels, not AVX2 ones; the runtime reproduces "
              "the AVX2 kernels, which differ in the last bit of randn/normal for 16+ f32 elements")
    for fresh, checked_in in stale:
        print(f"STALE: {checked_in} differs from what torch gives now; cp {fresh} {checked_in}")
    return status if status != 0 else (1 if stale else 0)


if __name__ == "__main__":
    sys.exit(main())
