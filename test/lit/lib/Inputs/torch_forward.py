#!/usr/bin/python3
"""forward(x) of mlp.dl's model in PyTorch, from the weights file the DL
program saved (read with Python's stdlib, as test/runtime/data does), for
the same batch, compared with a C program's rows (every number within TOL).
Skipped (exit 0, saying so) where torch is missing.
Usage: torch_forward.py WEIGHTS ROWS TOL"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "runtime", "data"))
from read_safetensors import read_safetensors  # noqa: E402

try:
    import torch
except ImportError:
    print("torch is missing: skipped")
    sys.exit(0)

tensors, _, _ = read_safetensors(sys.argv[1])


def tensor(name):
    dtype, shape, values = tensors[name]
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


x = torch.tensor([[(4 * i + j - 10) / 8 for j in range(4)] for i in range(5)], dtype=torch.float32)
h = torch.tanh(x @ tensor("fc1.W") + tensor("fc1.b"))
y = (h @ tensor("fc2.W") + tensor("fc2.b")) * tensor("scale")
expected = [v for row in y.tolist() for v in row]
with open(sys.argv[2]) as f:
    actual = [float(t) for t in f.read().split()]
tol = float(sys.argv[3])
if len(actual) != len(expected):
    sys.exit(f"expected {len(expected)} numbers, found {len(actual)}")
worst = max(abs(a - b) for a, b in zip(expected, actual))
if worst > tol:
    sys.exit(f"PyTorch and the library differ by up to {worst:g} (tolerance {tol:g})")
print(f"{len(expected)} numbers agree with PyTorch within {tol:g}")
