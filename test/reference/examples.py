#!/usr/bin/python3
"""PyTorch reference for the lecture examples examples/activations.dl,
losses.dl, optimizers.dl and xor.dl: prints the `name value` lines each
example prints, computed with PyTorch 1.13 (f32). The numbers in `name`
(grid points, indices) are formatted as the DL program prints them.
Usage: examples.py activations|losses|optimizers|xor"""
import math
import sys

import torch
import torch.nn.functional as F


def num(v):
    """A number as DL's print writes it by default (8 decimals)."""
    return f"{float(v):.8f}"


def activations():
    x = torch.arange(13, dtype=torch.float32) * 0.5 - 3
    for name, f in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu),
                    ("leaky_relu", F.leaky_relu), ("elu", F.elu)]:
        xg = x.clone().requires_grad_(True)
        y = f(xg)
        y.sum().backward()
        for xi, yi in zip(x.tolist(), y.tolist()):
            print(name, num(xi), repr(yi))
        for xi, gi in zip(x.tolist(), xg.grad.tolist()):
            print(name + "'", num(xi), repr(gi))
    # Hand-derived: sigmoid'(0) = 1/4, tanh'(0) = 1, relu'(0) = 0, elu'(0) = 1 (alpha * exp(0)).
    assert torch.sigmoid(torch.tensor(0.0)) == 0.5
    scores = torch.tensor([[1.0, 2.0, 3.0]])
    for i, v in enumerate(torch.softmax(scores, -1)[0].tolist()):
        print("softmax", i, repr(v))
    print("softmax sum", 1.0)
    for i, v in enumerate(torch.log_softmax(scores, -1)[0].tolist()):
        print("log_softmax", i, repr(v))


def losses():
    y_hat = torch.tensor([2.5, 0.0, 2.0, 8.0], requires_grad=True)
    y = torch.tensor([3.0, -0.5, 2.0, 7.0])
    print("mae", repr(F.l1_loss(y_hat, y).item()))
    print("mse", repr(F.mse_loss(y_hat, y).item()))
    print("rmse", repr(math.sqrt(0.375)))  # hand-derived
    outlier = torch.tensor([2.5, 0.0, 2.0, 17.0])
    print("mae with an outlier", 2.75)
    print("mse with an outlier", 25.125)
    print("rmse with an outlier", repr(math.sqrt(25.125)))
    for name, f in [("mae'", F.l1_loss), ("mse'", F.mse_loss)]:
        (g,) = torch.autograd.grad(f(y_hat, y), y_hat)
        for i, v in enumerate(g.tolist()):
            print(name, i, repr(v))
    assert F.l1_loss(outlier, y).item() == 2.75 and F.mse_loss(outlier, y).item() == 25.125

    p = torch.tensor([0.9, 0.2, 0.7, 0.4])
    label = torch.tensor([1.0, 0.0, 1.0, 0.0])
    print("bce", repr(F.binary_cross_entropy(p, label).item()))
    print("bce_with_logits", repr(F.binary_cross_entropy_with_logits(torch.log(p / (1 - p)), label).item()))
    wrong = torch.tensor([0.01, 0.0, 1.0, 0.0])
    print("bce confidently wrong", repr(F.binary_cross_entropy(wrong, label).item()))

    logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 0.9]], requires_grad=True)
    classes = torch.tensor([0, 1, 2])
    loss = F.cross_entropy(logits, classes)
    print("cross_entropy", repr(loss.item()))
    print("accuracy", repr((logits.argmax(1) == classes).float().mean().item()))
    (g,) = torch.autograd.grad(loss, logits)
    for i in range(3):
        for j in range(3):
            print("cross_entropy'", i, j, repr(g[i, j].item()))


def optimizers():
    settings = {
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.95),
        "momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=1.5),
        "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.1),
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.3),
    }
    for name, make in settings.items():
        w = torch.tensor([-7.0, 2.0], requires_grad=True)
        opt = make([w])
        for _ in range(30):
            loss = w[0] ** 2 / 20 + w[1] ** 2
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            print(name, "loss", repr((w[0] ** 2 / 20 + w[1] ** 2).item()))
            print(name, "x", repr(w[0].item()))
            print(name, "y", repr(w[1].item()))


def xor():
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    torch.manual_seed(0)
    hidden = torch.nn.Linear(2, 4)
    out = torch.nn.Linear(4, 1)
    net = lambda v: torch.sigmoid(out(torch.sigmoid(hidden(v))))
    opt = torch.optim.SGD(list(hidden.parameters()) + list(out.parameters()), lr=1.0)
    for step in range(2000):
        loss = F.binary_cross_entropy(net(x), y)
        if step % 250 == 0:
            print("loss", step, repr(loss.item()))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        p = net(x)
        print("loss final", repr(F.binary_cross_entropy(p, y).item()))
        for i in range(4):
            print("prediction", i, repr(p[i, 0].item()))
    # The point of the example, hand-checked: the classes are XOR's.
    for i, c in enumerate([0, 1, 1, 0]):
        assert round(p[i, 0].item()) == c
        print("class", i, c)


{"activations": activations, "losses": losses, "optimizers": optimizers, "xor": xor}[sys.argv[1]]()
