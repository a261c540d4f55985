"""PyTorch on one thread (torch.set_num_threads(1)) for bench/src/single-thread-sweep.ts:
training images per CPU second at each batch of TRAIN, inference at each batch of INFER.

Usage: python3 single_thread_sweep.py TRAIN INFER   (comma lists, e.g. 1,32,128,512 1,1000)
Prints one JSON line: RESULT {"name", "trainCpu": {batch: images per CPU second}, "inferCpu": {...}}.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts

import torch  # noqa: E402

from lenet_common import (best_images_per_cpu_second, contender_name, infer_step_for,  # noqa: E402
                          lenet5_modern, print_result, train_step_for)

train_batches = [int(text) for text in sys.argv[1].split(',')] if len(sys.argv) > 1 else [1, 32, 128, 512]
infer_batches = [int(text) for text in sys.argv[2].split(',')] if len(sys.argv) > 2 else [1, 1000]
torch.set_num_threads(1)
model, optimizer, loss_function = lenet5_modern()

train, infer = {}, {}
for batch in train_batches:
    step = train_step_for(model, optimizer, loss_function, batch)
    train[str(batch)] = best_images_per_cpu_second(step, batch)

model.eval()
for batch in infer_batches:
    infer[str(batch)] = best_images_per_cpu_second(infer_step_for(model, batch), batch)

print_result({"name": contender_name(1), "trainCpu": train, "inferCpu": infer})
