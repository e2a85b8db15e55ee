#!/usr/bin/python3
"""Two builds of dlc on the same benchmarks, runs alternating, so that the
shared machine's slow spells hit both: (b) the 784 MLP, (c) the digits MLP,
(d) start-up (the 784 MLP with one step). For each: medians over the runs,
the loop's time per step (whole run minus a 0-step run) and the ratio.

Usage: bench/ab.py --base OLD/bin/dlc [--new build/bin/dlc] [--runs 11]
(build the old one from a worktree: `git worktree add /tmp/base REV`, then
`cmake -S /tmp/base -B /tmp/base/build -G Ninja -DDLC_TESTS=OFF` and
`cmake --build /tmp/base/build --target dlc dl_runtime`).
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def program(name, steps, default):
    text = open(os.path.join(HERE, name + ".dl")).read()
    return text.replace(f"0..{default} {{", f"0..{steps} {{")


def seconds(binary):
    start = time.perf_counter()
    subprocess.run([binary], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--new", default=os.path.join(ROOT, "build", "bin", "dlc"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    cases = [("784 MLP", "mlp784", 300), ("digits MLP", "digits_mlp", 3000)]
    with tempfile.TemporaryDirectory() as workdir:
        binaries = {}
        for side, dlc in (("base", args.base), ("new", args.new)):
            for _, name, steps in cases:
                for count in (steps, 0, 1):
                    path = os.path.join(workdir, f"{name}_{count}.dl")
                    with open(path, "w") as f:
                        f.write(program(name, count, steps))
                    binary = os.path.join(workdir, f"{side}_{name}_{count}")
                    subprocess.run([dlc, path, "-o", binary], check=True)
                    binaries[side, name, count] = binary
        times = {key: [] for key in binaries}
        for _ in range(args.runs):
            for key, binary in binaries.items():
                times[key].append(seconds(binary))
        median = {key: statistics.median(t) for key, t in times.items()}
        print(f"medians of {args.runs} alternating runs; base {args.base}, new {args.new}")
        print("| benchmark | base | new | base / new |")
        print("| --- | --- | --- | --- |")
        for label, name, steps in cases:
            per_step = {side: 1000 * (median[side, name, steps] - median[side, name, 0]) / steps
                        for side in ("base", "new")}
            print(f"| {label}, ms/step | {per_step['base']:.3f} | {per_step['new']:.3f} | "
                  f"{per_step['base'] / per_step['new']:.2f} |")
        start = {side: 1000 * median[side, "mlp784", 1] for side in ("base", "new")}
        print(f"| start-up (784 MLP, 1 step), ms | {start['base']:.1f} | {start['new']:.1f} | "
              f"{start['base'] / start['new']:.2f} |")


if __name__ == "__main__":
    main()
