#!/usr/bin/python3
"""PyTorch reference for test/e2e/split_batches.dl: which rows DL's split and
shuffled batches take, as PyTorch 1.13 takes them.

split(ds, fraction, seed: s) is, in PyTorch (docs/language.md, "Data"):
    k = int(fraction * n + 0.5)
    train, test = random_split(ds, [k, n - k], generator=torch.Generator().manual_seed(s))
and a loop over batches(ds, size, shuffle: true, seed: s) is a pass of
    DataLoader(ds, batch_size=size, shuffle=True, generator=torch.Generator().manual_seed(s))
Without seed:, both draw from the global generator as torch's do from its
default one. Data sets here are rows 0..n-1, so each printed value is a row
index.
Prints `name value` lines (names of several words), as the DL program does.
Usage: split_reference.py"""
import torch
from torch.utils.data import DataLoader, TensorDataset, random_split


def show_split(name, n, fraction, seed):
    k = int(fraction * n + 0.5)
    if seed is None:
        train, test = random_split(range(n), [k, n - k])
    else:
        train, test = random_split(range(n), [k, n - k], generator=torch.Generator().manual_seed(seed))
        # random_split takes torch.randperm(n, generator) in order: the first k are train.
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
        assert list(train) == perm[:k] and list(test) == perm[k:]
    print(name, "train rows", len(train))
    print(name, "test rows", len(test))
    for i, row in enumerate(train):
        print(name, "train", i, row)
    for i, row in enumerate(test):
        print(name, "test", i, row)


def show_batches(name, n, size, seed, shuffle=True):
    rows = TensorDataset(torch.arange(n))
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    loader = DataLoader(rows, batch_size=size, shuffle=shuffle, generator=generator)
    for b, (batch,) in enumerate(loader):
        print(name, "batch", b, "rows", len(batch))
        for i, row in enumerate(batch.tolist()):
            print(name, "batch", b, i, row)


show_split("small", 10, 0.8, 0)
show_split("digits", 1797, 0.8, 0)
show_split("half", 7, 0.5, 3)
show_batches("shuffled", 10, 4, 5)
show_batches("epoch", 1438, 32, 19)

# The global generator: seeded, then a shuffled pass, a pass in order (whose
# base seed still draws), a split, and a draw that shows where it stands.
torch.manual_seed(7)
show_batches("global", 10, 4, None)
show_batches("ordered", 5, 5, None, shuffle=False)
show_split("unseeded", 6, 0.5, None)
print("after", torch.randint(0, 1000000, (1,)).item())
