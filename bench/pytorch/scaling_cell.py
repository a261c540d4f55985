"""One cell of the scaling table for PyTorch (optional: the project never needs torch).

The same LeNet-5 as bench/pytorch/lenet_bench.py (tanh, average pooling, cross-entropy, SGD
momentum 0.9) on THREADS intra-op threads; prints RESULT {"wall": .., "cpu": ..} (images/s,
median of 3 rounds). Run with OMP_NUM_THREADS=THREADS: python3 scaling_cell.py THREADS train|infer BATCH
"""
import json
import sys
import time

import torch
from torch import nn

threads, kind, batch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(1)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
    nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
    nn.Flatten(),
    nn.Linear(400, 120), nn.Tanh(),
    nn.Linear(120, 84), nn.Tanh(),
    nn.Linear(84, 10),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_function = nn.CrossEntropyLoss()
x = torch.rand(batch, 1, 32, 32) * 1.275 - 0.1
y = torch.arange(batch) * 7 % 10


def train_step():
    optimizer.zero_grad()
    loss = loss_function(model(x), y)
    loss.backward()
    optimizer.step()


def infer_step():
    with torch.no_grad():
        model(x)


if kind == "infer":
    model.eval()
step = train_step if kind == "train" else infer_step
started = time.perf_counter()
step()
while time.perf_counter() - started < 0.15:
    step()
wall, cpu = [], []
for _ in range(3):
    steps = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - started
        if elapsed >= 0.4:
            break
    wall.append(steps * batch / elapsed)
    cpu.append(steps * batch / (time.process_time() - cpu_started))
print("RESULT " + json.dumps({"wall": sorted(wall)[1], "cpu": sorted(cpu)[1]}))
