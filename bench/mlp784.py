#!/usr/bin/python3
"""PyTorch twin of bench/mlp784.dl: the same draws (seed 0, x = rand, y =
randint, nn.Linear's init in order fc1, fc2, fc3), the same network and SGD
with momentum. Prints the final loss (which dlc must match) and the loop's
time: `python3 mlp784.py STEPS THREADS`."""
import sys
import time

import torch
import torch.nn.functional as F

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
torch.set_num_threads(threads)
torch.manual_seed(0)
x = torch.rand(128, 784)
y = torch.randint(0, 10, (128,))
fc1, fc2, fc3 = torch.nn.Linear(784, 512), torch.nn.Linear(512, 256), torch.nn.Linear(256, 10)
params = [p for layer in (fc1, fc2, fc3) for p in layer.parameters()]
opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
net = lambda v: fc3(torch.relu(fc2(torch.relu(fc1(v)))))
start = time.perf_counter()
for _ in range(steps):
    loss = F.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
elapsed = time.perf_counter() - start
with torch.no_grad():
    print(f"final loss {float(F.cross_entropy(net(x), y)):.8f}")
print(f"seconds {elapsed:.6f}")
