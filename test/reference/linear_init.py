#!/usr/bin/python3
"""PyTorch reference for test/e2e/linear_init.dl: nn.Linear's default
initialisation after torch.manual_seed(0), for layers created one after the
other. Prints `NAME W I J` for weight.T[I, J] (DL stores W as [inputs,
outputs]) and `NAME b J` for bias[J], as `name value` lines."""
import torch

torch.manual_seed(0)
for name, (inputs, outputs) in {"a": (3, 2), "b": (7, 5), "c": (64, 10)}.items():
    layer = torch.nn.Linear(inputs, outputs)
    W = layer.weight.detach().T
    for i in range(inputs):
        for j in range(outputs):
            print(f"{name} W {i} {j}", repr(float(W[i, j])))
    for j, v in enumerate(layer.bias.detach().tolist()):
        print(f"{name} b {j}", repr(float(v)))
