// The loop with real @lenet/nn-layers models and @lenet/tensor autograd.
import { mlp } from '@lenet/nn-layers';
import type { Generator, Tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { memoryCheckpointStore } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import type { Optimizer } from './optimizer.js';
import { constantSchedule, paperSchedule } from './schedules.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';
import { blobs } from './test-support/softmax-regression.js';

const train = blobs(150, 1);
const test = blobs(90, 2);
const tinyNet = (seed = 3) => mlp([4, 16, 3], { seed });

describe('each optimizer trains a tiny net (4-16-3, scaled tanh) on three blobs', () => {
  it.each([
    ['SGD', (net: ReturnType<typeof tinyNet>) => new SGD(net.parameters(), { learningRate: 0.05 })],
    [
      'SGD Nesterov + L2',
      (net: ReturnType<typeof tinyNet>) =>
        new SGD(net.parameters(), {
          learningRate: 0.02,
          momentum: 0.9,
          nesterov: true,
          weightDecay: 1e-4,
        }),
    ],
    [
      'Adam',
      (net: ReturnType<typeof tinyNet>) => new Adam(net.parameters(), { learningRate: 0.01 }),
    ],
    [
      'AdamW',
      (net: ReturnType<typeof tinyNet>) => new AdamW(net.parameters(), { learningRate: 0.01 }),
    ],
    ['SDLM', (net: ReturnType<typeof tinyNet>) => new SDLM(net.parameters(), { samples: 50 })],
  ] as const)(
    '%s: train loss < 0.15 and test error < 5 percent after 5 passes',
    async (_name, make) => {
      const net = tinyNet();
      const optimizer: Optimizer = make(net);
      const result = await fit(net, {
        train,
        test,
        loss: 'cross-entropy',
        optimizer,
        schedule: optimizer instanceof SDLM ? constantSchedule(0.005) : undefined,
        epochs: 5,
        batchSize: 5,
        seed: 1,
      });
      const last = result.history.at(-1)!;
      expect(last.trainLoss).toBeLessThan(0.15);
      expect(last.testError).toBeLessThan(5);
    },
  );
});

describe('reproducibility with real tensors', () => {
  const jitter = (batch: Tensor, generator: Generator) => {
    const data = batch.data;
    for (let i = 0; i < data.length; i++) data[i] += generator.normal(0, 0.2);
  };
  const options = (net: ReturnType<typeof tinyNet>): FitOptions => ({
    train,
    test,
    loss: 'cross-entropy',
    optimizer: new SDLM(net.parameters(), { samples: 30 }),
    schedule: paperSchedule(20),
    epochs: 4,
    batchSize: 1,
    augment: jitter,
    seed: 42,
  });

  it('same seed -> same weights bit for bit (SDLM, batch 1, augmentation)', async () => {
    const first = tinyNet();
    const second = tinyNet();
    await fit(first, options(first));
    await fit(second, options(second));
    expect(second.stateDict()).toEqual(first.stateDict());
    expect(first.stateDict().get('fc1.weight')?.data).not.toEqual(
      tinyNet().stateDict().get('fc1.weight')?.data,
    );
  });

  it('resume from last after 2 of 4 passes = the uninterrupted run, bit for bit', async () => {
    const uninterrupted = tinyNet();
    const reference = await fit(uninterrupted, options(uninterrupted));

    const store = memoryCheckpointStore();
    const first = tinyNet();
    await fit(first, { ...options(first), epochs: 2, checkpoints: store });
    const second = tinyNet(99); // other initial weights: all state must come from the checkpoint
    const resumed = await fit(second, { ...options(second), checkpoints: store, resume: true });

    expect(resumed.resumedFromEpoch).toBe(2);
    expect(second.stateDict()).toEqual(uninterrupted.stateDict());
    expect(resumed.history.map((m) => m.testError)).toEqual(
      reference.history.map((m) => m.testError),
    );
  });

  it('evaluate under noGrad leaves no graph and gives the fit-reported test error', async () => {
    const net = tinyNet();
    const result = await fit(net, { ...options(net), epochs: 1 });
    const report = await evaluate(net, test, { loss: 'cross-entropy' });
    expect(report.errorRate).toBe(result.history[0].testError);
    expect(report.loss).toBeCloseTo(result.history[0].testLoss!, 6);
    expect(
      net.parameters().every((p) => p.grad === null || p.grad.data.every(Number.isFinite)),
    ).toBe(true);
  });
});
