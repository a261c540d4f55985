"""PyTorch CPU figures for the root benchmark (optional: the project never needs torch).

Same LeNet-5 and batch sizes as bench/src (see lenet_common.py); prints one JSON line:
RESULT {...}. Run with OPENBLAS_NUM_THREADS=1: python3 lenet_bench.py THREADS
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts

import torch  # noqa: E402

from lenet_common import (contender_name, images_per_second, infer_step_for,  # noqa: E402
                          lenet5_modern, print_result, train_step_for)

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
model, optimizer, loss_function = lenet5_modern()

train, infer, train_cpu, infer_cpu = {}, {}, {}, {}
for batch in (1, 32, 128):
    step = train_step_for(model, optimizer, loss_function, batch)
    train[str(batch)], train_cpu[str(batch)] = images_per_second(step, batch)

model.eval()
for batch in (1, 1000):
    step = infer_step_for(model, batch)
    infer[str(batch)], infer_cpu[str(batch)] = images_per_second(step, batch)

print_result({"name": contender_name(threads), "train": train, "infer": infer,
              "trainCpu": train_cpu, "inferCpu": infer_cpu, "notes": []})
