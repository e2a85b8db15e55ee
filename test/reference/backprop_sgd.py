#!/usr/bin/python3
"""PyTorch reference for test/e2e/backprop_sgd*.dl: the worked
backpropagation network of LANGUAGE.md 6.1 trained for 100 SGD steps
(lr 0.5). Prints `w1 ... w8` in the lecture's naming (W1 = [[w1, w3], [w2, w4]],
W2 = [[w5, w7], [w6, w8]]) as `name value`, one per line, in the given dtype.
Usage: backprop_sgd.py float64|float32"""
import sys

import torch

dtype = {"float64": torch.float64, "float32": torch.float32}[sys.argv[1]]
W1 = torch.tensor([[0.3, 0.4], [0.25, 0.35]], dtype=dtype, requires_grad=True)
W2 = torch.tensor([[0.45, 0.7], [0.4, 0.6]], dtype=dtype, requires_grad=True)
x = torch.tensor([[0.1, 0.2]], dtype=dtype)
target = torch.tensor([[0.4, 0.6]], dtype=dtype)
opt = torch.optim.SGD([W1, W2], lr=0.5)
for step in range(100):
    out = torch.sigmoid(torch.sigmoid(x @ W1) @ W2)
    E = torch.sum(0.5 * (target - out) ** 2)
    opt.zero_grad()
    E.backward()
    opt.step()
names = {"w1": W1[0, 0], "w2": W1[1, 0], "w3": W1[0, 1], "w4": W1[1, 1],
         "w5": W2[0, 0], "w6": W2[1, 0], "w7": W2[0, 1], "w8": W2[1, 1]}
for name, value in names.items():
    print(name, repr(float(value)))
