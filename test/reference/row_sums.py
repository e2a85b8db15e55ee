#!/usr/bin/python3
"""PyTorch reference for test/e2e/row_sums.dl: the same draws from seed 0,
each row's sum of z * z, z = x - max(x) (or of exp(z)), printed as
`name [exp] width i value`."""
import torch

torch.manual_seed(0)


def show(name, width, x):
    z = x - x.amax(1, keepdim=True)
    for i, v in enumerate((z * z).sum(1).tolist()):
        print(name, width, i, repr(v))


def show_exp(name, width, x):
    s = (x - x.amax(1, keepdim=True)).exp().sum(1)
    for i, v in enumerate(s.tolist()):
        print(name, "exp", width, i, repr(v))


for width in [3, 8, 10, 17, 31, 32, 40]:
    show("f32", width, 8.0 * torch.rand(3, width) - 4.0)
for width in [3, 4, 10, 15, 16, 21]:
    show("f64", width, (8.0 * torch.rand(3, width) - 4.0).double())
show_exp("f32", 10, 8.0 * torch.rand(3, 10) - 4.0)
show_exp("f32", 27, 8.0 * torch.rand(3, 27) - 4.0)
