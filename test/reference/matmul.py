#!/usr/bin/python3
"""PyTorch reference for test/e2e/matmul.dl: the same draws from seed 0 in
the same order, multiplied by torch.matmul, printed as `name i j value`."""
import torch

torch.manual_seed(0)


def show(name, c):
    for i in range(c.shape[0]):
        for j in range(c.shape[1]):
            print(name, i, j, f"{float(c[i, j])!r}")


def product(m, k, n, dtype=torch.float32):
    a = torch.rand(m, k)
    b = torch.rand(k, n)
    return a.to(dtype) @ b.to(dtype)


show("one", product(1, 1, 1))
show("small", product(5, 3, 7))
show("tile", product(6, 16, 16))
show("edges", product(7, 33, 17))
show("thin", product(13, 40, 9))
show("f64", product(8, 11, 21, torch.float64))
batched = torch.rand(2, 3, 4) @ torch.rand(4, 5)
show("batch0", batched[0])
show("batch1", batched[1])
broadcast = torch.rand(2, 1, 3, 4) @ torch.rand(3, 4, 2)
show("bc01", broadcast[0, 1])
show("bc12", broadcast[1, 2])
s = torch.rand(5, 7)
show("tA", s.t() @ torch.rand(5, 9))
show("tB", torch.rand(4, 6) @ torch.rand(11, 6).t())
show("tAB", torch.rand(3, 10).t() @ torch.rand(13, 3).t())
show("tA2", s.t() @ torch.rand(5, 2))
show("tB16", torch.rand(13, 19) @ torch.rand(35, 19).t())
tbig = torch.rand(600, 70).t() @ torch.rand(600, 40)
for i in range(7):
    for j in range(8):
        print("tbig", 10 * i, 5 * j, f"{float(tbig[10 * i, 5 * j])!r}")
show("longk", product(3, 4100, 5))
big = torch.rand(70, 300) @ torch.rand(300, 65)
for i in range(10):
    for j in range(13):
        print("big", 7 * i, 5 * j, f"{float(big[7 * i, 5 * j])!r}")
show("rows32", product(32, 64, 10))
show("rows8", product(8, 5, 16))
show("tA32", torch.rand(40, 32).t() @ torch.rand(40, 18))
show("tB32", torch.rand(32, 10) @ torch.rand(24, 10).t())


def grid(name, c, count):
    for i in range(c.shape[0]):
        for jj in range(count):
            j = min(7 * jj, c.shape[1] - 1)
            print(name, i, j, f"{float(c[i, j])!r}")


grid("wide", product(20, 300, 200), 30)
scale = torch.rand(200) - 0.5
grid("wideRelu", torch.relu((torch.rand(20, 300) @ torch.rand(300, 200)) * scale), 30)
grid("wide64", product(20, 400, 150, torch.float64), 23)
grid("wideTB", torch.rand(10, 300) @ torch.rand(400, 300).t(), 59)
grid("wideDirect", product(64, 64, 256), 38)
tall = product(800, 300, 20)
for ii in range(115):
    i = min(7 * ii, 799)
    for j in range(20):
        print("tall", i, j, f"{float(tall[i, j])!r}")
grid("shared", product(100, 300, 120), 18)
grid("sharedTB64", torch.rand(50, 300).double() @ torch.rand(130, 300).double().t(), 19)
grid("phased", product(800, 1100, 1000), 8)
phased_scale = torch.rand(1000) - 0.5
grid("phasedRelu", torch.relu((torch.rand(800, 1100) @ torch.rand(1100, 1000)) * phased_scale), 8)
grid("phasedTB64", torch.rand(800, 1100).double() @ torch.rand(1000, 1100).double().t(), 8)
many = product(20000, 100, 70)
for ii in range(60):
    i = min(337 * ii, 19999)
    for jj in range(10):
        print("many", i, 7 * jj, f"{float(many[i, 7 * jj])!r}")
