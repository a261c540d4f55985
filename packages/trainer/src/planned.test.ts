// fit and evaluate on nn-layers' execution plan: same results as the tape up to rounding,
// the same guarantees (NaN stop, determinism), and no allocation in the step or the update.
import { lenet5 } from '@lenet/nn-layers';
import {
  type Backend,
  type BackendKernels,
  findBackend,
  Generator,
  getBackend,
  registerBackend,
  setBackend,
} from '@lenet/tensor';
import { describe, expect, it, vi } from 'vitest';
import { Adam } from './adam.js';
import { memoryCheckpointStore } from './checkpoint.js';
import { type LabelledSamples, samplesFromArrays } from './data.js';
import { evaluate } from './evaluate.js';
import { type FitOptions, fit, NonFiniteLossError } from './fit.js';
import type { Optimizer } from './optimizer.js';
import { planFor } from './planned.js';
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

describe('fit on the execution plan (LeNet-5, rbf-map, SDLM, batch 1)', () => {
  it('runs no module forward (no tape) by default, and the tape with plan: false', async () => {
    const planned = lenet5({ seed: 1 });
    const plannedForward = vi.spyOn(planned, 'forward');
    await fit(planned, options(planned, { epochs: 1 }));
    expect(plannedForward).not.toHaveBeenCalled();

    const taped = lenet5({ seed: 1 });
    const tapedForward = vi.spyOn(taped, 'forward');
    await fit(taped, options(taped, { epochs: 1, plan: false }));
    expect(tapedForward).toHaveBeenCalled();
  });

  it("gives the tape path's weights and metrics up to float32 rounding", async () => {
    // Small steps: with large ones a 1e-6 change of one weight already grows to a different
    // trajectory on random labels (the tape against itself diverges as much).
    const sgd = (model: ReturnType<typeof lenet5>) =>
      options(model, {
        optimizer: new SGD(model.parameters(), { learningRate: 1e-3 }),
        schedule: constantSchedule(1e-3),
      });
    const planned = lenet5({ seed: 1 });
    const taped = lenet5({ seed: 1 });
    const planResult = await fit(planned, sgd(planned));
    const tapeResult = await fit(taped, { ...sgd(taped), plan: false });
    const tapeState = taped.stateDict();
    for (const [name, { data }] of planned.stateDict()) {
      expect(data, name).toBeAllclose(tapeState.get(name)!.data, { rtol: 1e-3, atol: 1e-5 });
    }
    planResult.history.forEach((metrics, index) => {
      const tape = tapeResult.history[index];
      expect(metrics.trainLoss).toBeAllclose(tape.trainLoss, { rtol: 1e-4 });
      expect(metrics.testLoss!).toBeAllclose(tape.testLoss!, { rtol: 1e-4 });
      expect(metrics.testError).toBe(tape.testError);
    });
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

describe('evaluate on the execution plan', () => {
  it("gives the tape forward's errors, confusion matrix and loss", () => {
    const model = lenet5({ seed: 2 });
    const planned = evaluate(model, test, { loss: 'rbf-map', batchSize: 7 });
    const taped = evaluate(model, test, { loss: 'rbf-map', batchSize: 7, plan: false });
    expect(planned.errors).toBe(taped.errors);
    expect(planned.confusion).toEqual(taped.confusion);
    expect(planned.misclassified.map((m) => m.index)).toEqual(
      taped.misclassified.map((m) => m.index),
    );
    expect(planned.loss!).toBeAllclose(taped.loss!, { rtol: 1e-5 });
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

describe('the planned training step and the optimizer step allocate nothing', () => {
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
      const plan = planFor(model, 'rbf-map', 1, [1, 32, 32])!;
      const images = new Float32Array(1024);
      train.readSample(0, images, 0);
      const labels = Int32Array.of(3);
      plan.trainStep(images, labels, 1);
      optimizer.step(); // SDLM allocates its kernel buffers at the first step
      const before = allocations();
      for (let step = 0; step < 100; step++) {
        plan.trainStep(images, labels, 1);
        optimizer.step();
      }
      expect(allocations()).toBe(before);
      expect(model.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
    } finally {
      setBackend(previous);
    }
  });
});
