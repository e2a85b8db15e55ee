#!/usr/bin/python3
"""PyTorch reference for test/e2e/optimizers.dl: a 2-4-1 network (tanh hidden
layer, sigmoid output, literal initial weights) fitted to XOR by each
optimizer of the standard library for 100 full-batch steps, against
torch.optim with the same settings (PyTorch's defaults where it has them).

Prints `NAME loss STEP` (the loss before step STEP, every 10 steps and the
last), `NAME loss final` (after the 100 steps) and `NAME PARAM I J` (each
parameter after the 100 steps) as `name value` lines.
Usage: optimizers.py float32|float64"""
import sys

import torch

dtype = {"float32": torch.float32, "float64": torch.float64}[sys.argv[1]]
X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=dtype)
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]], dtype=dtype)

OPTIMIZERS = {
    "gd": lambda ps: torch.optim.SGD(ps, lr=0.5),
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.01),
    "momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    "momentum_default": lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9),
    "adagrad": lambda ps: torch.optim.Adagrad(ps),                  # lr 0.01, eps 1e-10
    "adagrad_0.1": lambda ps: torch.optim.Adagrad(ps, lr=0.1),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps),                  # lr 0.01, alpha 0.99, eps 1e-8
    "rmsprop_0.9": lambda ps: torch.optim.RMSprop(ps, lr=0.001, alpha=0.9, eps=1e-6),
    "adam": lambda ps: torch.optim.Adam(ps),                        # lr 0.001, betas (0.9, 0.999), eps 1e-8
    "adam_0.01": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-7),
}


def net():
    params = {
        "W1": [[0.5, -0.3, 0.8, 0.1], [-0.6, 0.9, 0.2, -0.4]],
        "b1": [0.1, -0.2, 0.05, 0.0],
        "W2": [[0.7], [-0.5], [0.3], [0.9]],
        "b2": [-0.1],
    }
    return {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in params.items()}


def forward(p, x):
    return torch.sigmoid(torch.tanh(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


def show(name, v):
    v = v.detach()
    if v.dim() == 1:
        for i, e in enumerate(v.tolist()):
            print(f"{name} {i}", repr(float(e)))
    else:
        for i, row in enumerate(v.tolist()):
            for j, e in enumerate(row):
                print(f"{name} {i} {j}", repr(float(e)))


for name, make in OPTIMIZERS.items():
    p = net()
    opt = make(list(p.values()))
    for step in range(100):
        loss = torch.nn.functional.mse_loss(forward(p, X), Y)
        if step % 10 == 0 or step == 99:
            print(f"{name} loss {step}", repr(float(loss)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"{name} loss final", repr(float(torch.nn.functional.mse_loss(forward(p, X), Y))))
    for k, v in p.items():
        show(f"{name} {k}", v)
