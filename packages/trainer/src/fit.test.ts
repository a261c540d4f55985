import type { Generator, Tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { memoryCheckpointStore } from './checkpoint.js';
import type { LabelledSamples } from './data.js';
import { fit, NonFiniteLossError } from './fit.js';
import type { BatchEnd } from './fit-options.js';
import type { TrainableModel } from './model.js';
import { paperSchedule, stepSchedule } from './schedules.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';
import {
  blobs,
  FEATURES,
  poisonedRead,
  SoftmaxRegression,
} from './test-support/softmax-regression.js';

const train = blobs(150, 1);
const test = blobs(90, 2);

function setup(seed = 5) {
  const model = new SoftmaxRegression(seed);
  const optimizer = new SGD(model.parameters(), { learningRate: 0.1, momentum: 0.9 });
  return { model, optimizer };
}

describe('fit', () => {
  it('trains at batch size 1 and reports the metrics of every pass', async () => {
    const { model, optimizer } = setup();
    const batchEnds: BatchEnd[] = [];
    const result = await fit(model as unknown as TrainableModel, {
      train,
      test,
      loss: model.loss,
      optimizer,
      schedule: stepSchedule({ initial: 0.05, factor: 0.5, every: 2 }),
      epochs: 4,
      seed: 3,
      onBatchEnd: (batch) => {
        if (batch.batch === 0) batchEnds.push({ ...batch });
      },
    });
    expect(result.stopReason).toBe('completed');
    expect(result.history).toHaveLength(4);
    expect(result.history.map((m) => m.learningRate)).toEqual([0.05, 0.05, 0.025, 0.025]);
    const last = result.history[3];
    expect(last.trainLoss).toBeLessThan(result.history[0].trainLoss);
    expect(last.testError).toBeLessThan(5);
    expect(last.trainError).toBeLessThan(5);
    expect(last.imagesPerSecond).toBeGreaterThan(0);
    expect(last.trainSeconds).toBeLessThanOrEqual(last.seconds);
    expect(batchEnds.map((b) => [b.epoch, b.batch, b.batches, b.size, b.step])).toEqual([
      [1, 0, 150, 1, 1],
      [2, 0, 150, 1, 151],
      [3, 0, 150, 1, 301],
      [4, 0, 150, 1, 451],
    ]);
  });

  it('same seed, same weights bit for bit; another seed, other weights', async () => {
    const run = async (seed: number) => {
      const { model, optimizer } = setup();
      await fit(model as unknown as TrainableModel, {
        train,
        loss: model.loss,
        optimizer,
        epochs: 2,
        batchSize: 8,
        seed,
      });
      return model.weight.data;
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('resuming from `last` continues bit-identically to an uninterrupted run', async () => {
    const options = (model: SoftmaxRegression, optimizer: Adam) => ({
      train,
      validation: test,
      loss: model.loss,
      optimizer,
      batchSize: 7, // 150 = 21 full batches + one of 3
      epochs: 4,
      seed: 9,
      augment: (batch: Tensor, generator: Generator) => {
        const data = batch.data;
        for (let i = 0; i < data.length; i++) data[i] += generator.normal(0, 0.1);
      },
    });
    const uninterrupted = new SoftmaxRegression(1);
    const reference = await fit(
      uninterrupted as unknown as TrainableModel,
      options(uninterrupted, new Adam(uninterrupted.parameters(), { learningRate: 0.05 })),
    );

    const store = memoryCheckpointStore();
    const first = new SoftmaxRegression(1);
    await fit(first as unknown as TrainableModel, {
      ...options(first, new Adam(first.parameters(), { learningRate: 0.05 })),
      epochs: 2,
      checkpoints: store,
    });
    // A new process: fresh model (other init) and optimizer, state from the checkpoint.
    const second = new SoftmaxRegression(777);
    const resumed = await fit(second as unknown as TrainableModel, {
      ...options(second, new Adam(second.parameters(), { learningRate: 0.05 })),
      checkpoints: store,
      resume: true,
    });
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(second.weight.data).toEqual(uninterrupted.weight.data);
    expect(second.bias.data).toEqual(uninterrupted.bias.data);
    const lossesOf = (h: typeof reference.history) =>
      h.map((m) => [m.trainLoss, m.validationError]);
    expect(lossesOf(resumed.history)).toEqual(lossesOf(reference.history));
  });

  it.each([
    ['once', true],
    [true, false],
  ] as const)('shuffle %s: same order every pass is %s', async (shuffle, same) => {
    const orders: number[][] = [[]];
    const recording: LabelledSamples = {
      ...train,
      readSample(index, out, offset) {
        orders.at(-1)!.push(index);
        return train.readSample(index, out, offset);
      },
    };
    const { model, optimizer } = setup();
    await fit(model as unknown as TrainableModel, {
      train: recording,
      loss: model.loss,
      optimizer,
      epochs: 2,
      batchSize: 10,
      shuffle,
      onEpochEnd: () => {
        orders.push([]);
      },
    });
    const identity = Array.from({ length: 150 }, (_, i) => i);
    expect(orders[0]).not.toEqual(identity);
    expect([...orders[0]].sort((a, b) => a - b)).toEqual(identity);
    expect(orders[1].length).toBe(150);
    if (same) expect(orders[1]).toEqual(orders[0]);
    else expect(orders[1]).not.toEqual(orders[0]);
  });

  it('a NaN loss stops the run naming pass and batch, and leaves the last checkpoint untouched', async () => {
    const { model, optimizer } = setup();
    const store = memoryCheckpointStore();
    // Batch 5 of pass 2: pass 1 reads all 150 samples, then 4 batches of 8, then this one.
    const run = fit(model as unknown as TrainableModel, {
      train: poisonedRead(train, 150 + 4 * 8 + 1),
      loss: model.loss,
      optimizer,
      epochs: 3,
      batchSize: 8,
      checkpoints: store,
    });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(/loss became NaN at pass 2, batch 5 of 19/);
    const kept = await store.load('last');
    expect(kept?.epoch).toBe(1);
    expect(kept?.history).toHaveLength(1);
  });

  it('early stopping on the validation metric, keeping the best checkpoint', async () => {
    const { model } = setup();
    // A learning rate of 0 never improves after the first pass.
    const optimizer = new SGD(model.parameters() as never, { learningRate: 0 });
    const store = memoryCheckpointStore();
    const result = await fit(model as unknown as TrainableModel, {
      train,
      validation: test,
      loss: model.loss,
      optimizer,
      epochs: 10,
      batchSize: 50,
      checkpoints: store,
      earlyStopping: { patience: 2 },
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.history).toHaveLength(3);
    expect(result.monitor).toBe('validationError');
    expect(result.bestEpoch).toBe(1);
    expect((await store.load('best'))?.epoch).toBe(1);
    expect((await store.load('last'))?.epoch).toBe(3);
  });

  it('SDLM gets a fresh curvature estimate from the seeded sample before every pass', async () => {
    const model = new SoftmaxRegression(5);
    const optimizer = new SDLM(model.parameters(), { samples: 20 });
    const sampleSizes: number[] = [];
    const result = await fit(model as unknown as TrainableModel, {
      train,
      test,
      loss: model.loss,
      optimizer,
      schedule: paperSchedule(200),
      epochs: 3,
      curvature: (_model, images, labels) => {
        sampleSizes.push(labels.size);
        expect(images.shape).toEqual([20, FEATURES]);
        // A constant stand-in: this test checks when and on what the estimate is asked for.
        return new Map(
          model.parameters().map((p) => [p, new Float32Array(p.size).fill(0.2)] as const),
        );
      },
    });
    expect(sampleSizes).toEqual([20, 20, 20]);
    expect(result.history.at(-1)!.testError).toBeLessThan(15);
  });

  it('rejects bad options with clear messages', async () => {
    const { model, optimizer } = setup();
    const base = { train, loss: model.loss, optimizer, epochs: 1 };
    const m = model as unknown as TrainableModel;
    await expect(fit(m, { ...base, batchSize: 0 })).rejects.toThrow(
      /batchSize must be an integer >= 1/,
    );
    await expect(fit(m, { ...base, epochs: -1 })).rejects.toThrow(/epochs must be an integer >= 0/);
    await expect(fit(m, { ...base, monitor: 'validationError' })).rejects.toThrow(
      /needs a validation set/,
    );
    await expect(fit(m, { ...base, resume: true })).rejects.toThrow(/needs a checkpoint store/);
    await expect(fit(m, { ...base, train: { length: 0 } as never })).rejects.toThrow(
      /train must be LabelledSamples/,
    );
  });
});
