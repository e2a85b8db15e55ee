#!/usr/bin/python3
"""PyTorch reference for test/e2e/activations_losses*.dl: every activation and
loss of the standard library on fixed inputs (negative, zero, tiny and large
values, ties), its value and its gradient, printed as `name value` lines.

Elementwise activations f: `f i` is f(x)[i] and `f' i` the gradient of
sum(f(x) * w) with respect to x[i] (= f'(x[i]) * w[i]). Softmax and
log_softmax work on the rows of a 3x4 matrix (and softmax also down its
columns). Losses: `loss` is the value, `loss' i` (or `loss' i j`) the gradient
with respect to the prediction.

Usage: activations_losses.py float32|float64"""
import sys

import torch
import torch.nn.functional as F

dtype = {"float32": torch.float32, "float64": torch.float64}[sys.argv[1]]


def t(values, **kw):
    return torch.tensor(values, dtype=dtype, **kw)


def show(name, v):
    v = v.detach()
    if v.dim() == 0:
        print(name, repr(float(v)))
    elif v.dim() == 1:
        for i, e in enumerate(v.tolist()):
            print(f"{name} {i}", repr(float(e)))
    else:
        for i, row in enumerate(v.tolist()):
            for j, e in enumerate(row):
                print(f"{name} {i} {j}", repr(float(e)))


# ---- activations -------------------------------------------------------------
X = [-100.0, -20.0, -3.5, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 3.5, 20.0, 100.0]
W = [0.3, -0.7, 1.1, 0.9, -1.3, 0.5, 0.8, -0.2, 1.7, 0.6, -0.4, 1.2, -0.9]

activations = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": F.leaky_relu,                       # slope 0.01
    "leaky_relu_0.2": lambda x: F.leaky_relu(x, 0.2),
    "elu": F.elu,                                     # alpha 1.0
    "elu_0.5": lambda x: F.elu(x, 0.5),
}
for name, f in activations.items():
    x = t(X, requires_grad=True)
    y = f(x)
    (y * t(W)).sum().backward()
    show(name, y)
    show(name + "'", x.grad)

M = [[-2.0, 0.5, 1.0, 3.0], [100.0, 100.0, -100.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
MW = [[0.3, -0.7, 1.1, 0.9], [-1.3, 0.5, 0.8, -0.2], [1.7, 0.6, -0.4, 1.2]]
for name, f in {"softmax": lambda m: torch.softmax(m, -1),
                "softmax_axis0": lambda m: torch.softmax(m, 0),
                "log_softmax": lambda m: torch.log_softmax(m, -1)}.items():
    m = t(M, requires_grad=True)
    y = f(m)
    (y * t(MW)).sum().backward()
    show(name, y)
    show(name + "'", m.grad)

# ---- losses ----------------------------------------------------------------------
P = [[0.5, -1.2, 3.0], [0.0, 2.5, -0.3], [10.0, -7.5, 0.25], [1.0, 1.0, -2.0]]
T = [[0.3, -1.0, 3.0], [0.1, 2.0, -0.3], [-5.0, -7.0, 0.5], [1.5, 1.0, 2.0]]
regression = {
    "mae": F.l1_loss,
    "mse": F.mse_loss,
    "rmse": lambda p, q: torch.sqrt(F.mse_loss(p, q)),
}
for name, f in regression.items():
    p = t(P, requires_grad=True)
    loss = f(p, t(T))
    loss.backward()
    show(name, loss)
    show(name + "'", p.grad)

# Probabilities at and near 0 and 1 (the log is clamped at -100, and the
# gradient's denominator at 1e-12), against hard and soft targets.
PROB = [0.0, 0.0, 1.0, 1.0, 0.1, 0.5, 0.9, 0.999, 0.3, 1e-6]
PT = [0.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.25, 1.0]
p = t(PROB, requires_grad=True)
loss = F.binary_cross_entropy(p, t(PT))
loss.backward()
show("bce", loss)
show("bce'", p.grad)

Z = [-100.0, -20.0, -2.0, -0.5, 0.0, 0.0, 0.5, 3.0, 20.0, 100.0]
ZT = [0.0, 1.0, 0.0, 1.0, 0.5, 1.0, 0.0, 1.0, 1.0, 0.0]
z = t(Z, requires_grad=True)
loss = F.binary_cross_entropy_with_logits(z, t(ZT))
loss.backward()
show("bce_with_logits", loss)
show("bce_with_logits'", z.grad)

LOGITS = [[2.0, 1.0, 0.1], [1000.0, -1000.0, 0.0], [0.0, 0.0, 0.0], [-3.0, 5.0, 5.0]]
LABELS = [0, 1, 2, 2]
logits = t(LOGITS, requires_grad=True)
loss = F.cross_entropy(logits, torch.tensor(LABELS))
loss.backward()
show("cross_entropy", loss)
show("cross_entropy'", logits.grad)


def accuracy(logits, labels):
    return (torch.argmax(logits, 1) == torch.tensor(labels)).to(dtype).mean()


show("accuracy", accuracy(t(LOGITS), LABELS))
# Ties go to the first largest logit, as torch.argmax on the CPU.
show("accuracy_ties", accuracy(t(LOGITS), [0, 0, 0, 1]))
