import { lenet5Modern } from '@lenet/nn-layers';
import { Generator, type Tensor, tensor } from '@lenet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchRunner } from '../batch-runner.js';
import { resolveLoss } from '../loss.js';
import { DataParallel } from './data-parallel.js';
import { PHASE_NAMES } from './phase-times.js';
import { partsFor, sliceOf } from './slices.js';

function batch(count: number, seed: number) {
  const generator = new Generator(seed);
  const images = new Float32Array(count * 1024);
  generator.fillUniform(images, -0.1, 1.175);
  const labels = Int32Array.from({ length: count }, () => generator.int(10));
  return { images, labels };
}

function gradients(parameters: readonly Tensor[]): Float32Array {
  return Float32Array.from(parameters.flatMap((parameter) => Array.from(parameter.grad!.data)));
}

describe('slices', () => {
  it('cover the batch contiguously, as evenly as possible', () => {
    expect([0, 1, 2].map((index) => sliceOf(10, 3, index))).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(partsFor(1, 4)).toBe(1);
    expect(partsFor(3, 4)).toBe(3);
    expect(partsFor(32, 2)).toBe(2);
  });
});

describe('DataParallel', () => {
  const engines: DataParallel[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.close()));
  });

  async function open(
    threads: number,
    transport?: 'shared' | 'message',
    splitGradientSum?: boolean,
  ) {
    const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 3 });
    const engine = await DataParallel.open({
      model,
      loss: 'cross-entropy',
      threads,
      sampleShape: [1, 32, 32],
      capacity: 16,
      transport,
      splitGradientSum,
    });
    engines.push(engine);
    return { model, engine };
  }

  it.each(['shared', 'message'] as const)(
    'over 2 threads (%s) gives the whole-batch gradients up to rounding, and the same bits twice',
    async (transport) => {
      const { images, labels } = batch(13, 1);
      const single = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 3 });
      const runner = new BatchRunner(single, resolveLoss('cross-entropy').compute, [1, 32, 32], 10);
      const wholeOutputs = new Float32Array(13 * 10);
      const wholeLoss = runner.train(images, labels, 0, 13, wholeOutputs);
      const whole = gradients(single.parameters());

      const { model, engine } = await open(2, transport);
      expect(engine.transport).toBe(transport);
      const first = await engine.trainBatch(images, labels, 13);
      const firstGradients = gradients(model.parameters());
      expect(first.loss).toBeCloseTo(wholeLoss, 5);
      expect(first.outputs).toBeAllclose(wholeOutputs, { rtol: 1e-5, atol: 1e-6 });
      expect(firstGradients).toBeAllclose(whole, { rtol: 1e-4, atol: 1e-6 });

      const again = await engine.trainBatch(images, labels, 13);
      expect(again.loss).toBe(first.loss);
      expect(gradients(model.parameters())).toEqual(firstGradients);

      const evaluation = await engine.evaluateBatch(images, labels, 13);
      expect(evaluation.loss).toBeCloseTo(wholeLoss, 5);
    },
  );

  it("times each replica's phases, and takes a batch assembled in its own buffers as is", async () => {
    const { images, labels } = batch(12, 4);
    const { model, engine } = await open(2);
    const first = await engine.trainBatch(images, labels, 12);
    const firstGradients = gradients(model.parameters());
    const times = engine.phaseTimes();
    expect(times.batches).toBe(1);
    expect(times.replicas).toHaveLength(2);
    for (const replica of times.replicas) {
      expect(Object.keys(replica)).toEqual([...PHASE_NAMES]);
      expect(replica.compute).toBeGreaterThan(0);
    }
    expect(times.replicas[1].step).toBe(0); // only the calling thread steps

    engine.resetPhaseTimes();
    expect(engine.phaseTimes().replicas.flatMap((replica) => Object.values(replica))).toEqual(
      Array(2 * PHASE_NAMES.length).fill(0),
    );
    const inputs = engine.inputBuffers();
    inputs.images.set(images);
    inputs.labels.set(labels);
    const again = await engine.trainBatch(inputs.images, inputs.labels, 12);
    expect(again.loss).toBe(first.loss);
    expect(gradients(model.parameters())).toEqual(firstGradients);
    expect(engine.phaseTimes().batches).toBe(1);
  });

  it('names a worker failure', async () => {
    const { engine } = await open(2);
    const { images, labels } = batch(4, 2);
    labels[3] = 42;
    await expect(
      Promise.resolve().then(() => engine.trainBatch(images, labels, 4)),
    ).rejects.toThrow(/worker 1 failed/);
  });

  it('names a worker failure while the replicas sum together, and runs the next batch', async () => {
    const { engine } = await open(3, 'shared', true);
    const { images, labels } = batch(4, 2);
    labels[3] = 42;
    await expect(
      Promise.resolve().then(() => engine.trainBatch(images, labels, 4)),
    ).rejects.toThrow(/worker 2 failed/);
    labels[3] = 1;
    const result = await engine.trainBatch(images, labels, 4);
    expect(Number.isFinite(result.loss)).toBe(true);
  });

  it('rejects a batch over its capacity and a hand-built model', async () => {
    const { engine } = await open(1);
    const { images, labels } = batch(1, 3);
    expect(() => engine.trainBatch(images, labels, 17)).toThrow(/expected 1 \.\. 16/);
    const model = lenet5Modern();
    const handBuilt = {
      ...model,
      parameters: () => model.parameters(),
      forward: model.forward.bind(model),
    };
    await expect(
      DataParallel.open({
        model: handBuilt as never,
        loss: 'cross-entropy',
        threads: 2,
        sampleShape: [1, 32, 32],
        capacity: 4,
      }),
    ).rejects.toThrow(/zoo/);
  });
});

describe('DataParallel inputs', () => {
  it('takes views of WebAssembly memory that its own first allocations would make stale', async () => {
    const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 3 });
    const engine = await DataParallel.open({
      model,
      loss: 'cross-entropy',
      threads: 1,
      sampleShape: [1, 32, 32],
      capacity: 600,
    });
    const { images, labels } = batch(600, 8);
    const imageTensor = tensor(images, [600, 1, 32, 32]);
    const labelTensor = tensor(labels, [600]);
    // The first batch of this size allocates its buffers (tens of MB): the memory may grow.
    const result = await engine.trainBatch(imageTensor.data, labelTensor.data, 600);
    expect(Number.isFinite(result.loss)).toBe(true);
    const again = await engine.evaluateBatch(imageTensor, labelTensor, 600);
    expect(Number.isFinite(again.loss)).toBe(true);
    await engine.close();
  });
});
