#!/usr/bin/python3
"""PyTorch reference for examples/regression.dl: the same data, split
(random_split with a generator seeded 0), initialisation (nn.Linear after
manual_seed(0)), full-batch gradient descent and losses. Prints `name value`."""
import math

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
data = np.loadtxt("examples/data/diabetes.csv", delimiter=",", skiprows=1, dtype=np.float64).astype(np.float32)
dataset = TensorDataset(torch.tensor(data[:, :10]), torch.tensor(data[:, 10:11]))
n = len(dataset)
k = math.floor(0.8 * n + 0.5)
train, test = random_split(dataset, [k, n - k], generator=torch.Generator().manual_seed(0))
hidden = torch.nn.Linear(10, 16)
out = torch.nn.Linear(16, 1)
opt = torch.optim.SGD(list(hidden.parameters()) + list(out.parameters()), lr=0.05)
for epoch in range(300):
    for x, y in DataLoader(train, batch_size=len(train)):
        loss = torch.mean((out(torch.relu(hidden(x))) - y) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
tx = torch.stack([test[i][0] for i in range(len(test))])
ty = torch.stack([test[i][1] for i in range(len(test))])
with torch.no_grad():
    p = out(torch.relu(hidden(tx)))
    print("test mae", float(torch.mean(torch.abs(p - ty))))
    print("test mse", float(torch.mean((p - ty) ** 2)))
    print("test rmse", float(torch.sqrt(torch.mean((p - ty) ** 2))))
