// fit and evaluate through the compiled BatchRunner: the model runs only while a program is
// traced, the guarantees hold (NaN stop, determinism, resume), nothing is allocated per step.
import { computeLoss, lenet5 } from '@lenet/nn-layers';
import { Generator, getBackend, noGrad, setBackend, tensor } from '@lenet/tensor';
import {
  type Backend,
  type BackendKernels,
  findBackend,
  registerBackend,
} from '@lenet/tensor/backend';
import { describe, expect, it, vi } from 'vitest';
import { Adam } from './adam.js';
import { BatchRunner } from './batch-runner.js';
import { memoryCheckpointStore } from './checkpoint.js';
import { type LabelledSamples, samplesFromArrays } from './data.js';
import { evaluate } from './evaluate.js';
import { fit, NonFiniteLossError } from './fit.js';
import type { FitOptions } from './fit-options.js';
import { resolveLoss } from './loss.js';
import type { Optimizer } from './optimizer.js';
import { constantSchedule } from './schedules.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';

/** Random 32x32 "digits" in the paper's range with random labels. */
function randomSamples(count: number, seed: number): LabelledSamples {
  const generator = new Generator(seed);
  const images = generator.fillUniform(new Float32Array(count * 1024), -0.1, 1.175);
  const labels = Array.from({ length: count }, () => generator.int(10));
  return samplesFromArrays(images, labels, [1, 32, 32]);
}

const train = randomSamples(40, 1);
const test = randomSamples(30, 2);

function options(model: ReturnType<typeof lenet5>, extra: Partial<FitOptions> = {}): FitOptions {
  return {
    train,
    test,
    loss: 'rbf-map',
    optimizer: new SDLM(model.parameters(), { samples: 20 }),
    schedule: constantSchedule(0.0005),
    epochs: 2,
    batchSize: 1,
    seed: 7,
    ...extra,
  };
}

describe('fit through the compiled runner (LeNet-5, rbf-map, SDLM, batch 1)', () => {
  it('runs the model only while tracing: once per batch size and kind of step', async () => {
    const model = lenet5({ seed: 1 });
    const forward = vi.spyOn(model, 'forward');
    await fit(model, options(model, { epochs: 2 }));
    // Training at batch 1, evaluation of the 30 test images in one batch; SDLM's curvature
    // estimate on 20 samples runs on the tape (one forward per pass).
    expect(forward.mock.calls.length).toBeLessThanOrEqual(2 + 2);
  });

  it('same seed: bit-identical weights; resuming from `last` continues bit-identically', async () => {
    const uninterrupted = lenet5({ seed: 1 });
    await fit(uninterrupted, options(uninterrupted, { epochs: 3 }));
    const again = lenet5({ seed: 1 });
    await fit(again, options(again, { epochs: 3 }));
    expect(again.stateDict()).toEqual(uninterrupted.stateDict());

    const store = memoryCheckpointStore();
    const first = lenet5({ seed: 1 });
    await fit(first, options(first, { epochs: 1, checkpoints: store }));
    const second = lenet5({ seed: 9 }); // all state must come from the checkpoint
    await fit(second, options(second, { epochs: 3, checkpoints: store, resume: true }));
    expect(second.stateDict()).toEqual(uninterrupted.stateDict());
  });

  it('a NaN loss stops the run naming pass and batch, keeping the last checkpoint', async () => {
    let reads = 0;
    const poisoned: LabelledSamples = {
      ...train,
      readSample(index, out, offset) {
        const label = train.readSample(index, out, offset);
        reads++;
        // SGD reads each of the 40 samples once per pass: read 45 is pass 2, batch 5.
        if (reads === 45) out[offset] = Number.NaN;
        return label;
      },
    };
    const model = lenet5({ seed: 1 });
    const store = memoryCheckpointStore();
    const run = fit(model, {
      ...options(model),
      train: poisoned,
      test: undefined,
      optimizer: new SGD(model.parameters(), { learningRate: 0.001 }),
      epochs: 3,
      checkpoints: store,
    });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(/loss became NaN at pass 2, batch 5 of 40/);
    expect((await store.load('last'))?.epoch).toBe(1);
  });
});

describe('evaluate through the compiled runner', () => {
  it("gives the eager forward's errors and loss", async () => {
    const model = lenet5({ seed: 2 });
    const compiled = await evaluate(model, test, { loss: 'rbf-map', batchSize: 7 });
    const images = new Float32Array(test.length * 1024);
    const labels = new Int32Array(test.length);
    for (let i = 0; i < test.length; i++) labels[i] = test.readSample(i, images, i * 1024);
    model.eval();
    const output = noGrad(() => model.forward(tensor(images, [test.length, 1, 32, 32])));
    const loss = noGrad(() => computeLoss('rbf-map', output, tensor(labels))).item();
    let errors = 0;
    for (let i = 0; i < test.length; i++) {
      const row = Array.from(output.data.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.min(...row)) !== labels[i]) errors++;
    }
    expect(compiled.errors).toBe(errors);
    expect(compiled.loss!).toBeAllclose(loss, { rtol: 1e-5 });
  });
});

/** A backend that counts allocations and otherwise is `base`. */
function countingBackend(base: Backend): { backend: Backend; allocations: () => number } {
  let count = 0;
  const kernels: Record<string, unknown> = {};
  for (const key of Object.keys(findBackend('reference')!)) {
    if (key !== 'name' && key !== 'ownKernels') kernels[key] = (base as never)[key];
  }
  kernels.allocate = (length: number) => {
    count++;
    return base.allocate(length);
  };
  return {
    backend: registerBackend(`counting-${base.name}`, kernels as Partial<BackendKernels>),
    allocations: () => count,
  };
}

describe('the compiled training step and the optimizer step allocate nothing', () => {
  it.each([
    [
      'SGD with momentum',
      (model: ReturnType<typeof lenet5>): Optimizer =>
        new SGD(model.parameters(), { learningRate: 0.001, momentum: 0.9 }),
    ],
    ['Adam', (model: ReturnType<typeof lenet5>): Optimizer => new Adam(model.parameters())],
    [
      'SDLM',
      (model: ReturnType<typeof lenet5>): Optimizer => {
        const optimizer = new SDLM(model.parameters());
        optimizer.setCurvature(model.parameters().map((p) => new Float32Array(p.size)));
        return optimizer;
      },
    ],
  ] as const)('%s: 100 steps after the first, no backend allocation', (_name, makeOptimizer) => {
    const previous = getBackend().name;
    const { backend, allocations } = countingBackend(getBackend());
    setBackend(backend.name);
    try {
      const model = lenet5({ seed: 3 });
      const optimizer = makeOptimizer(model);
      const runner = new BatchRunner(model, resolveLoss('rbf-map').compute, [1, 32, 32], 10);
      const images = new Float32Array(1024);
      train.readSample(0, images, 0);
      const labels = Int32Array.of(3);
      const outputs = new Float32Array(10);
      runner.train(images, labels, 0, 1, outputs);
      optimizer.step(); // SDLM allocates its kernel buffers at the first step
      const before = allocations();
      for (let step = 0; step < 100; step++) {
        runner.train(images, labels, 0, 1, outputs);
        optimizer.step();
      }
      expect(allocations()).toBe(before);
      expect(model.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
    } finally {
      setBackend(previous);
    }
  });
});
