#!/usr/bin/env python3
"""Draws numbers with PyTorch 1.13's CPU generator and writes them as JSON.

dl_runtime_refcheck replays every case with the runtime's generator and
demands bit-identical values, so this file is the ground truth for
`seed`, `rand`, `randint`, `randn`, `uniform` and `normal`.

Run with Debian's python (/usr/bin/python3), which has python3-torch:
    /usr/bin/python3 test/reference/generator_reference.py > generator_reference.json

Each case seeds the generator once and then runs its steps in order, so the
cases also pin down state that carries between calls (the cached second
Box-Muller value of the small-tensor normal path).
"""
import json
import os
import sys

# The float32 normal path for 16+ elements is vectorised, and ATen's kernels
# for different instruction sets differ in the last bit there. AVX2 is what
# torch 1.13 picks on x86-64 machines that have it (AVX-512 ones included), and
# what the runtime reproduces on every machine; insist on it.
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import re  # noqa: E402

import torch  # noqa: E402


def cpu_capability():
    """The kernel set torch runs ("AVX2"; "NO" where the CPU lacks AVX2)."""
    found = re.search(r"CPU capability usage: (\w+)", torch.__config__.show())
    return found.group(1) if found else "unknown"

SEEDS = [0, 1, 42, 2**32 + 5]
SIZES = [1, 5, 15, 16, 17, 100]
DTYPES = {"f32": torch.float32, "f64": torch.float64}


def draw(op, dtype, n, args):
    """One step: the torch call that matches the runtime's dl_<op>_<dtype>."""
    dt = DTYPES[dtype]
    if op == "rand":
        return torch.rand(n, dtype=dt)
    if op == "randn":
        return torch.randn(n, dtype=dt)
    if op == "randint":
        lo, hi = args
        # The language's randint gives f32; the draws are those of int64.
        return torch.randint(lo, hi, (n,), dtype=torch.int64).to(dt)
    if op == "uniform":
        lo, hi = args
        return torch.empty(n, dtype=dt).uniform_(lo, hi)
    if op == "normal":
        mean, std = args
        return torch.empty(n, dtype=dt).normal_(mean, std)
    raise ValueError(op)


def step(op, dtype, n, args=()):
    values = draw(op, dtype, n, args)
    return {"op": op, "dtype": dtype, "n": n, "args": list(args),
            "values": [repr(float(v)) for v in values.tolist()]}


def case(name, seed, steps):
    torch.manual_seed(seed)
    return {"name": name, "seed": seed, "steps": [step(*s) for s in steps]}


def main():
    cases = []
    single_ops = [
        ("rand", "f32", ()), ("rand", "f64", ()),
        ("randint", "f32", (0, 10)), ("randint", "f32", (-5, 1000000)),
        ("randn", "f32", ()), ("randn", "f64", ()),
        ("uniform", "f32", (-0.3, 0.7)), ("uniform", "f64", (-0.3, 0.7)),
        ("uniform", "f32", (2.0, 5.0)),
        ("normal", "f32", (0.5, 2.0)), ("normal", "f64", (0.5, 2.0)),
        ("normal", "f32", (-1.25, 0.1)),
    ]
    for seed in SEEDS:
        for op, dtype, args in single_ops:
            for n in SIZES:
                cases.append(case(f"{op}_{dtype}{list(args)}_n{n}_seed{seed}",
                                  seed, [(op, dtype, n, args)]))
    # A large vectorised block, whole chunks of 16 and a recomputed tail.
    cases.append(case("randn_f32_n1000_seed0", 0, [("randn", "f32", 1000)]))
    cases.append(case("randn_f32_n4099_seed7", 7, [("randn", "f32", 4099)]))
    cases.append(case("randn_f64_n1000_seed0", 0, [("randn", "f64", 1000)]))
    cases.append(case("normal_f32_n1000_seed7", 7, [("normal", "f32", 1000, (3.0, 0.25))]))
    cases.append(case("normal_f64_n200_seed7", 7, [("normal", "f64", 200, (0.3, 0.7))]))
    cases.append(case("uniform_f32_n500_seed7", 7, [("uniform", "f32", 500, (0.1, 2.9))]))
    # Ranges of 2^32 or more draw 64 bits per element.
    cases.append(case("randint_wide_range", 5, [("randint", "f32", 20, (-2**40, 2**40)),
                                                ("randint", "f32", 5, (0, 2**32))]))
    # State that carries between calls: the cached Box-Muller sine, shared by
    # f32 and f64 small draws and ignored by the 16+ path and by rand.
    cases.append(case("sequence_small_normals", 3, [
        ("randn", "f32", 5), ("randn", "f32", 3), ("rand", "f32", 2),
        ("randn", "f64", 1), ("randn", "f32", 20), ("randn", "f32", 1),
        ("normal", "f64", 3, (1.0, 3.0)), ("normal", "f32", 1, (1.0, 3.0)),
    ]))
    cases.append(case("sequence_mixed", 11, [
        ("randint", "f32", 4, (0, 10)), ("rand", "f32", 20), ("rand", "f64", 5),
        ("randn", "f64", 7), ("uniform", "f32", 3, (-1.0, 1.0)), ("randn", "f64", 1),
        ("randint", "f32", 3, (-5, 1000000)),
    ]))
    # LANGUAGE.md section 6.2 draws, in order.
    cases.append(case("language_6_2", 0, [
        ("randint", "f32", 4, (0, 10)), ("rand", "f32", 20), ("rand", "f32", 15),
        ("rand", "f32", 6),
    ]))
    json.dump({"torch_version": torch.__version__,
               "cpu_capability": cpu_capability(),
               "cases": cases}, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
