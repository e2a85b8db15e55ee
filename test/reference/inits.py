#!/usr/bin/python3
"""PyTorch reference for test/e2e/inits.dl: torch.nn.init's xavier_uniform_,
kaiming_uniform_ (a=0, fan_in, leaky_relu), normal_, uniform_ and constant
fill, drawn in that order after manual_seed(0)."""
import torch

torch.manual_seed(0)
a = torch.nn.init.xavier_uniform_(torch.empty(3, 4))
b = torch.nn.init.kaiming_uniform_(torch.empty(5, 2))
c = torch.nn.init.normal_(torch.empty(2, 3), 0.5, 2)
d = torch.nn.init.uniform_(torch.empty(4), -0.3, 0.7)
for i in range(3):
    for j in range(4):
        print("a", i, j, float(a[i, j]))
for i in range(5):
    for j in range(2):
        print("b", i, j, float(b[i, j]))
for i in range(2):
    for j in range(3):
        print("c", i, j, float(c[i, j]))
for i in range(4):
    print("d", i, float(d[i]))
print("e", 0.25)
