#!/usr/bin/env python3
"""Prints tensors with PyTorch 1.13 and writes the texts as JSON.

dl_runtime_refcheck formats the same data with dl_format_tensor and demands
identical text. Run with Debian's python (/usr/bin/python3, python3-torch):
    /usr/bin/python3 test/reference/print_reference.py > print_reference.json

DL prints dtypes by its own names (`dtype=f64`, not `dtype=torch.float64`),
and its i32 tensors print as torch prints int64 ones (torch's default integer
type: no suffix). The expected text is therefore made by torch's own
_tensor_str and _add_suffixes with DL's suffixes; the same assembly with
torch's suffixes is checked against repr(t) for every case, so it cannot
drift from what torch prints.

Each case: name, dtype (f32/f64/i32/bool), shape, data (flat, row-major;
floats as Python reprs, so nan/inf survive JSON) or generator (the tensor is
drawn by the runtime's generator, for tensors too big to list), precision
(null: the default 4) and expected.
"""
import json
import math
import os
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"  # as generator_reference.py

import torch  # noqa: E402
from torch import _tensor_str  # noqa: E402

DL_NAMES = {torch.float32: "f32", torch.float64: "f64", torch.int64: "i32", torch.bool: "bool"}
TORCH_DEFAULTS = (torch.float32, torch.int64, torch.bool)


def assemble(t, dtype_name):
    """_str_intern's path for a plain, strided CPU tensor without grad."""
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if t.numel() == 0:
        if t.dim() != 1:
            suffixes.append("size=" + str(tuple(t.shape)))
        if t.dtype != torch.get_default_dtype():
            suffixes.append("dtype=" + dtype_name)
        body = "[]"
    else:
        if t.dtype not in TORCH_DEFAULTS:
            suffixes.append("dtype=" + dtype_name)
        body = _tensor_str._tensor_str(t, indent)
    return _tensor_str._add_suffixes(prefix + body, suffixes, indent, force_newline=False)


def encode(value):
    if isinstance(value, bool) or isinstance(value, int):
        return value
    return repr(float(value))


def case(name, t, precision=None, generator=None):
    torch.set_printoptions(profile="default")
    if precision is not None:
        torch.set_printoptions(precision=precision)
    try:
        torch_text = repr(t)
        assert assemble(t, str(t.dtype)) == torch_text, (name, torch_text)
        expected = assemble(t, DL_NAMES[t.dtype])
    finally:
        torch.set_printoptions(profile="default")
    entry = {"name": name, "dtype": DL_NAMES[t.dtype], "shape": list(t.shape),
             "precision": precision, "expected": expected}
    if generator is not None:
        entry["generator"] = generator
    else:
        entry["data"] = [encode(v) for v in t.reshape(-1).tolist()]
    return entry


def drawn(op, seed, shape, dtype=torch.float32):
    """A tensor the runtime can draw too (see generator_reference.py)."""
    torch.manual_seed(seed)
    t = (torch.rand if op == "rand" else torch.randn)(shape, dtype=dtype)
    return t, {"op": op, "seed": seed}


def language_examples():
    cases = []
    # LANGUAGE.md 6.2: the seeded chain, then A3 -= 1e-3 * 1.2.
    torch.manual_seed(0)
    X = torch.randint(0, 10, (1, 4)).float()
    A1 = torch.rand(4, 5)
    A2 = torch.rand(5, 3)
    A3 = torch.rand(3, 2)
    h3 = X @ A1 @ A2 @ A3
    cases.append(case("lang_6_2_A3", A3))
    cases.append(case("lang_6_2_A3_updated", A3 - 1e-3 * 1.2))
    cases.append(case("lang_6_2_h3", h3))
    cases.append(case("lang_6_2_X_as_i32", X.long()))
    # LANGUAGE.md 6.1: the worked backpropagation example, in f64.
    W1 = torch.tensor([[0.3, 0.4], [0.25, 0.35]], dtype=torch.float64)
    W2 = torch.tensor([[0.45, 0.7], [0.4, 0.6]], dtype=torch.float64)
    x = torch.tensor([[0.1, 0.2]], dtype=torch.float64)
    out = torch.sigmoid(torch.sigmoid(x @ W1) @ W2)
    cases.append(case("lang_6_1_out_precision8", out, precision=8))
    cases.append(case("lang_6_1_out", out))
    return cases


def shapes_and_sizes():
    cases = []
    torch.manual_seed(1)
    cases.append(case("rand_1d_5", torch.rand(5)))
    cases.append(case("rand_2d_3x4", torch.rand(3, 4)))
    cases.append(case("rand_3d_2x3x4", torch.rand(2, 3, 4)))
    cases.append(case("rand_4d_2x2x2x2", torch.rand(2, 2, 2, 2)))
    cases.append(case("rand_1d_30_wraps", torch.rand(30)))
    cases.append(case("rand_2d_2x20_wraps", torch.rand(2, 20)))
    cases.append(case("randn_4x4_mixed_signs", torch.randn(4, 4)))
    cases.append(case("randn_3x5_f64", torch.randn(3, 5, dtype=torch.float64)))
    cases.append(case("randn_3x5_x10", torch.randn(3, 5) * 10))
    cases.append(case("randn_2x3_x1000", torch.randn(2, 3) * 1000))
    cases.append(case("one_element_1d", torch.tensor([0.25])))
    cases.append(case("one_element_2d", torch.tensor([[7.5]])))
    cases.append(case("size_1_dims", torch.rand(1, 1, 3)))
    cases.append(case("exactly_threshold_1000", torch.arange(1000, dtype=torch.float32) / 7))
    # Summarised: more than 1000 elements.
    t, g = drawn("rand", 0, (32, 20, 128))
    cases.append(case("rand_32x20x128_summarized", t, generator=g))
    t, g = drawn("randn", 5, (2000,))
    cases.append(case("randn_2000_summarized", t, generator=g))
    t, g = drawn("randn", 6, (100, 100))
    cases.append(case("randn_100x100_summarized", t, generator=g))
    t, g = drawn("rand", 7, (4, 300))
    cases.append(case("rand_4x300_summarized_short_rows", t, generator=g))
    t, g = drawn("randn", 8, (7, 2, 100), torch.float64)
    cases.append(case("randn_7x2x100_f64_summarized", t, generator=g))
    t, g = drawn("rand", 9, (1001,))
    cases.append(case("rand_1001_summarized", t, generator=g))
    return cases


def notations():
    cases = []
    f = lambda *v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    d = lambda *v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    cases += [
        case("int_valued", f(1.0, 2.0, 3.0)),
        case("int_valued_neg", f(-1.0, 0.0, 100.0)),
        case("int_valued_2d", torch.arange(6, dtype=torch.float32).reshape(2, 3)),
        case("int_valued_large_sci", f(1e9, 2.0)),
        case("int_valued_ratio_sci", f(1.0, 5000.0)),
        case("int_valued_1e8", f(1e8, 3.0)),
        case("int_valued_f64", d(4.0, -12.0)),
        case("zeros", torch.zeros(2, 3)),
        case("zeros_f64", torch.zeros(3, dtype=torch.float64)),
        case("negative_zero", f(-0.0)),
        case("negative_zero_mixed", f(-0.0, 0.5, 0.0)),
        case("sci_small", f(1e-5, 1.0)),
        case("sci_tiny_only", f(1.234e-5, 5.6e-6)),
        case("sci_large", f(1.5e10, 2.5)),
        case("sci_ratio", f(0.001, 2.0, 3000.5)),
        case("sci_negative", f(-1e-7, 3.25, -42.0)),
        case("sci_f64", d(1e-300, 1.0, 1e300)),
        case("sci_precision8", f(1e-5, 1.0), precision=8),
        case("fixed_boundary_1e-4", f(1e-4, 0.5)),
        case("fixed_boundary_ratio_1000", f(0.001, 1.0)),
        case("precision8", f(0.1, 0.2, 0.3), precision=8),
        case("precision2", torch.tensor([[1.125, -2.675], [0.005, 3.14159]]), precision=2),
        case("precision0", f(0.5, 1.5, 2.5), precision=0),
        case("rounding_ties", d(0.125, 0.375, 2.5e-3), precision=2),
        case("nan", f(float("nan"), 1.5)),
        case("nan_only", f(float("nan"))),
        case("inf", f(float("inf"), float("-inf"), 2.0)),
        case("inf_fraction", f(float("inf"), 0.5)),
        case("nan_inf_only", f(float("nan"), float("inf"), float("-inf"))),
        case("nan_int_valued", f(1.0, float("nan"), 10.0)),
        case("nan_sci", f(1e-6, float("nan"), 3.0)),
        case("nan_f64", d(float("nan"), 0.25)),
        case("f64_precision8_row", torch.linspace(-1, 1, 7, dtype=torch.float64), precision=8),
        case("f64_suffix_fits_where_torchs_wraps", torch.linspace(-1, 1, 6, dtype=torch.float64) * 1.23456),
        case("f64_suffix_wraps", torch.linspace(-1, 1, 8, dtype=torch.float64) * 1.23456),
        case("f64_suffix_2d_wraps", torch.linspace(-3, 3, 14, dtype=torch.float64).reshape(2, 7)),
        case("f64_int_valued_long", torch.arange(-10, 10, dtype=torch.float64)),
        case("big_fixed", f(12345678.0, 0.5)),
    ]
    return cases


def integers_and_bools():
    cases = []
    i = lambda *v: torch.tensor(v, dtype=torch.int64)  # noqa: E731
    cases += [
        case("int_1d", i(1, 2, 3)),
        case("int_negative", i(-5, 10, -300)),
        case("int_2d", torch.arange(12).reshape(3, 4)),
        case("int_3d", torch.arange(-12, 12).reshape(2, 3, 4)),
        case("int_wide", torch.arange(0, 40) * 123457 - 2000000),
        case("int_extremes", i(2**31 - 1, -2**31, 0)),
        case("int_summarized", torch.arange(2000)),
        case("int_summarized_2d", torch.arange(3000).reshape(60, 50)),
        case("int_precision_ignored", i(3, 4), precision=8),
        case("bool_1d", torch.tensor([True, False, True])),
        case("bool_2d", torch.tensor([[True, False], [False, False]])),
        case("bool_long", torch.arange(40) % 3 == 0),
    ]
    return cases


def special_shapes():
    cases = []
    cases += [
        case("empty_f32", torch.zeros(0)),
        case("empty_f64", torch.zeros(0, dtype=torch.float64)),
        case("empty_i32", torch.zeros(0, dtype=torch.int64)),
        case("empty_bool", torch.zeros(0, dtype=torch.bool)),
        case("empty_2x0", torch.zeros(2, 0)),
        case("empty_0x3_f64", torch.zeros(0, 3, dtype=torch.float64)),
        case("scalar_0d", torch.tensor(3.5)),
        case("scalar_0d_int_valued", torch.tensor(2.0)),
        case("scalar_0d_f64", torch.tensor(0.1, dtype=torch.float64)),
        case("scalar_0d_f64_precision8", torch.tensor(0.02397190, dtype=torch.float64), precision=8),
        case("scalar_0d_sci", torch.tensor(1e-9)),
        case("scalar_0d_nan", torch.tensor(float("nan"))),
        case("scalar_0d_i32", torch.tensor(7)),
        case("scalar_0d_bool", torch.tensor(True)),
    ]
    return cases


def main():
    cases = language_examples() + shapes_and_sizes() + notations() + integers_and_bools() + special_shapes()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    json.dump({"torch_version": torch.__version__, "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
