"""PyTorch CPU figures for the root benchmark (optional: the project never needs torch).

Same LeNet-5 (6-16-120-84-10, full C3, tanh, average pooling, linear output, cross-entropy,
SGD momentum 0.9) and batch sizes as bench/src; prints one JSON line: RESULT {...}.
Run with OPENBLAS_NUM_THREADS=1: python3 lenet_bench.py THREADS
"""
import json
import sys
import time

import torch
from torch import nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
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


def images_per_second(step, images, round_seconds=0.4):
    """Median of 3 rounds, by the wall clock and per second of process CPU time (all threads)."""
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
            if elapsed >= round_seconds:
                break
        wall.append(steps * images / elapsed)
        cpu.append(steps * images / (time.process_time() - cpu_started))
    return sorted(wall)[1], sorted(cpu)[1]


train, infer, train_cpu, infer_cpu = {}, {}, {}, {}
for batch in (1, 32, 128):
    x = torch.rand(batch, 1, 32, 32) * 1.275 - 0.1
    y = torch.arange(batch) * 7 % 10

    def train_step():
        optimizer.zero_grad()
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()

    train[str(batch)], train_cpu[str(batch)] = images_per_second(train_step, batch)

model.eval()
for batch in (1, 1000):
    x = torch.rand(batch, 1, 32, 32) * 1.275 - 0.1

    def infer_step():
        with torch.no_grad():
            model(x)

    infer[str(batch)], infer_cpu[str(batch)] = images_per_second(infer_step, batch)

name = f"PyTorch {torch.__version__.split('+')[0]} CPU, {threads} thread{'s' if threads > 1 else ''}"
result = {"name": name, "train": train, "infer": infer, "trainCpu": train_cpu, "inferCpu": infer_cpu, "notes": []}
print("RESULT " + json.dumps(result))
