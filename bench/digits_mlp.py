#!/usr/bin/python3
"""PyTorch twin of bench/digits_mlp.dl: the same draws (seed 0, x = rand,
y = randint, nn.Linear's init in order), network and Adam. Prints the final
loss (which dlc must match) and the loop's time: `digits_mlp.py STEPS THREADS`."""
import sys
import time

import torch
import torch.nn.functional as F

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
torch.set_num_threads(threads)
torch.manual_seed(0)
x = torch.rand(32, 64)
y = torch.randint(0, 10, (32,))
fc1, fc2, fc3 = torch.nn.Linear(64, 128), torch.nn.Linear(128, 64), torch.nn.Linear(64, 10)
params = [p for layer in (fc1, fc2, fc3) for p in layer.parameters()]
opt = torch.optim.Adam(params, lr=0.001)
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
