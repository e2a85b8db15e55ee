#!/usr/bin/python3
"""PyTorch reference for program 6.3 (examples/digits.dl): the same model,
initialisation (nn.Linear from the generator's default seed, which a DL
program starts from too), split (random_split, generator seeded 0), shuffled
DataLoader passes (generator seeded with the epoch) and Adam. Prints
`epoch E test accuracy A` per epoch."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(67280421310721)  # ATen's default seed; a DL program without seed() starts there
data = np.loadtxt("examples/data/digits.csv", delimiter=",", dtype=np.float64)
x = torch.tensor(data[:, :64], dtype=torch.float32)
y = torch.tensor(data[:, 64], dtype=torch.int64)
dataset = TensorDataset(x, y)
n = len(dataset)
k = math.floor(0.8 * n + 0.5)
train, test = random_split(dataset, [k, n - k], generator=torch.Generator().manual_seed(0))
fc1 = torch.nn.Linear(64, 128)
fc2 = torch.nn.Linear(128, 10)
scale = torch.nn.Parameter(torch.ones(10))
params = list(fc1.parameters()) + list(fc2.parameters()) + [scale]
opt = torch.optim.Adam(params, lr=0.001)
net = lambda v: fc2(torch.relu(fc1(v))) * scale
tx = x[test.indices]
ty = y[test.indices]
for epoch in range(20):
    for bx, by in DataLoader(train, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(epoch)):
        loss = F.cross_entropy(net(bx), by)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (torch.argmax(net(tx), dim=1) == ty).float().mean()
    print(f"epoch {epoch} test accuracy {float(acc)!r}")
