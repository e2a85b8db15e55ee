#!/usr/bin/python3
"""The 784-512-256-10 MLP training step of bench/mlp784.dl in PyTorch on the
GPU: the same draws (made on the CPU with seed 0, then moved), the same
network and SGD with momentum; `mlp784_torch_cuda.py STEPS` prints the final
loss and the milliseconds per step (CUDA synchronised). Exit 77 when torch
has no CUDA (Debian's python3-torch is built without it)."""
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch is not installed")
    sys.exit(77)
if not torch.cuda.is_available():
    print("torch has no usable CUDA (Debian's python3-torch is CPU-only)")
    sys.exit(77)

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
torch.manual_seed(0)
x = torch.rand(128, 784)
y = torch.randint(0, 10, (128,))
fc1, fc2, fc3 = torch.nn.Linear(784, 512), torch.nn.Linear(512, 256), torch.nn.Linear(256, 10)
device = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False  # FP32 as dlc computes
x, y = x.to(device), y.to(device)
for layer in (fc1, fc2, fc3):
    layer.to(device)
params = [p for layer in (fc1, fc2, fc3) for p in layer.parameters()]
opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
net = lambda v: fc3(torch.relu(fc2(torch.relu(fc1(v)))))


def step():
    loss = F.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(10):  # warm-up (cuBLAS handles, caching allocator); then restart from the same state
    step()
torch.manual_seed(0)
torch.rand(128, 784), torch.randint(0, 10, (128,))
fresh = [torch.nn.Linear(784, 512), torch.nn.Linear(512, 256), torch.nn.Linear(256, 10)]
with torch.no_grad():
    for old, new in zip((fc1, fc2, fc3), fresh):
        old.weight.copy_(new.weight)
        old.bias.copy_(new.bias)
opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
torch.cuda.synchronize()
start = time.perf_counter()
for _ in range(steps):
    step()
torch.cuda.synchronize()
elapsed = time.perf_counter() - start
with torch.no_grad():
    print(f"final loss {float(F.cross_entropy(net(x), y)):.8f}")
print(f"ms_per_step {1000 * elapsed / steps:.4f}")
print(f"device {torch.cuda.get_device_name(0)}")
