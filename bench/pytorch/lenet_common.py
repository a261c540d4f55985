"""What the PyTorch benchmark scripts share: the LeNet-5 model and training step the
TypeScript benchmarks measure, synthetic inputs, and the images-per-second measurement.

LeNet-5 modern form: 6-16-120-84-10, full C3, tanh, average pooling, linear output,
cross-entropy, SGD momentum 0.9 (the same as bench/src/lenet.ts).
"""
import json
import time

import torch
from torch import nn


def lenet5_modern():
    """The model, its optimizer and its loss, seeded (torch.manual_seed(1))."""
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
    return model, optimizer, nn.CrossEntropyLoss()


def synthetic_batch(batch):
    """Digit-sized inputs in the paper's range [-0.1, 1.175] and labels 0..9."""
    return torch.rand(batch, 1, 32, 32) * 1.275 - 0.1, torch.arange(batch) * 7 % 10


def train_step_for(model, optimizer, loss_function, batch):
    """One training step (forward, backward, SGD update) on a fixed synthetic batch."""
    x, y = synthetic_batch(batch)

    def step():
        optimizer.zero_grad()
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()

    return step


def infer_step_for(model, batch):
    """One forward pass without gradients on a fixed synthetic batch (call model.eval() first)."""
    x, _ = synthetic_batch(batch)

    def step():
        with torch.no_grad():
            model(x)

    return step


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


def best_images_per_cpu_second(step, images, rounds=15, round_seconds=0.06):
    """The best of many short rounds of process CPU time (bench/src/single-thread-sweep.ts)."""
    warmup_end = time.process_time() + 0.1
    step()
    while time.process_time() < warmup_end:
        step()
    best = 0.0
    for _ in range(rounds):
        started = time.process_time()
        steps = 0
        while True:
            step()
            steps += 1
            elapsed = time.process_time() - started
            if elapsed >= round_seconds:
                break
        best = max(best, steps * images / elapsed)
    return best


def contender_name(threads):
    version = torch.__version__.split('+')[0]
    return f"PyTorch {version} CPU, {threads} thread{'s' if threads > 1 else ''}"


def print_result(result):
    """The one line the TypeScript runners parse."""
    print("RESULT " + json.dumps(result), flush=True)
