// `fit` and `evaluate` on the webgpu backend (Dawn in Node; SwiftShader where no GPU exists):
// values come back through batched asynchronous reads, and the results equal wasm's within
// float32 tolerance. Skipped without a WebGPU adapter (LENET_REQUIRE_WEBGPU=1: an error).
import { loadMnist } from '@lenet/datasets-mnist/node';
import { crossEntropy, lenet5 } from '@lenet/nn-layers';
import { Generator, setBackend, sync, type Tensor, tensor } from '@lenet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint.js';
import { samplesFromArrays } from './data.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import type { TrainableModel } from './model.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';
import { paperInput } from './test-support/paper-input.js';
import { webGpuHeavyKernelsMissing, webGpuUnavailable } from './test-support/webgpu.js';

const unavailable = await webGpuUnavailable();
const heavyMissing = unavailable === null ? await webGpuHeavyKernelsMissing() : 'no adapter';
if (unavailable) console.warn(`webgpu trainer tests skipped: ${unavailable}`);
else if (heavyMissing) console.warn(`LeNet-5 on webgpu skipped: ${heavyMissing}`);

afterEach(() => {
  setBackend('wasm');
});

const FEATURES = 16;
const CLASSES = 4;

/** Scores = sum_f x_f w_kf + b_k through elementwise ops and a sum (no GEMM kernel). */
class Prototypes implements TrainableModel {
  training = true;
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor() {
    const generator = new Generator(4);
    const values = generator.fillUniform(new Float32Array(CLASSES * FEATURES), -0.3, 0.3);
    this.weight = tensor(values, [CLASSES, FEATURES], { requiresGrad: true });
    this.bias = tensor(new Float32Array(CLASSES), [CLASSES], { requiresGrad: true });
  }
  forward(input: Tensor): Tensor {
    const rows = input.shape[0];
    return input.reshape([rows, 1, FEATURES]).mul(this.weight).sum(2).add(this.bias);
  }
  train(mode = true) {
    this.training = mode;
  }
  eval() {
    this.training = false;
  }
  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }
  stateDict() {
    return new Map([
      ['weight', { shape: [...this.weight.shape], data: this.weight.data.slice() }],
      ['bias', { shape: [...this.bias.shape], data: this.bias.data.slice() }],
    ]);
  }
  loadStateDict(): void {
    throw new Error('not used');
  }
}

function blobs(count: number, seed: number) {
  const generator = new Generator(seed);
  const images = new Float32Array(count * FEATURES);
  const labels = Int32Array.from({ length: count }, (_, n) => n % CLASSES);
  for (let n = 0; n < count; n++) {
    for (let f = 0; f < FEATURES; f++) {
      images[n * FEATURES + f] = (f % CLASSES === labels[n] ? 1 : 0) + generator.normal(0, 1);
    }
  }
  return samplesFromArrays(images, labels, [FEATURES], CLASSES);
}

/** A short run of `fit` on `backend`: every batch's loss, the weights, checkpoint and test. */
async function prototypesRun(backend: string) {
  setBackend(backend);
  const model = new Prototypes();
  const losses: number[] = [];
  const checkpoints = memoryCheckpointStore();
  const optimizer = new SGD(model.parameters(), {
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 1e-3,
  });
  const result = await fit(model, {
    train: blobs(96, 1),
    validation: blobs(40, 2),
    loss: (output, labels) => crossEntropy(output, labels),
    optimizer,
    epochs: 2,
    batchSize: 8,
    seed: 3,
    checkpoints,
    onBatchEnd: (batch) => losses.push(batch.loss),
  });
  const test = await evaluate(model, blobs(40, 5), {
    loss: (output, labels) => crossEntropy(output, labels),
    batchSize: 16,
  });
  await sync(...model.parameters());
  const checkpoint = await checkpoints.load('last');
  return {
    losses,
    history: result.history,
    weights: Array.from(model.weight.data),
    saved: Array.from(checkpoint!.model.get('weight')!.data),
    velocity: Array.from(checkpoint!.optimizer.slots.velocity[0]),
    test,
  };
}

describe.skipIf(unavailable !== null)('fit on webgpu (needs a WebGPU adapter)', () => {
  it('trains a model of elementwise ops as wasm does: losses, weights, checkpoint, evaluation', async () => {
    const wasm = await prototypesRun('wasm');
    const webgpu = await prototypesRun('webgpu');
    expect(webgpu.losses).toHaveLength(24);
    expect(webgpu.losses.at(-1)!).toBeLessThan(webgpu.losses[0]);
    expect(webgpu.losses).toBeAllclose(wasm.losses, { rtol: 1e-4, atol: 1e-5 });
    expect(webgpu.weights).toBeAllclose(wasm.weights, { rtol: 1e-4, atol: 1e-5 });
    // The checkpoint holds the weights and velocity read back from the GPU.
    expect(webgpu.saved).toEqual(webgpu.weights);
    expect(webgpu.velocity).toBeAllclose(wasm.velocity, { rtol: 1e-3, atol: 1e-5 });
    expect(webgpu.history.map((m) => m.validationError)).toEqual(
      wasm.history.map((m) => m.validationError),
    );
    expect(webgpu.test.errors).toBe(wasm.test.errors);
    expect(webgpu.test.loss!).toBeCloseTo(wasm.test.loss!, 4);
  });

  it("trains with SDLM as wasm does: the curvature pass's chunks read back once per pass", async () => {
    const run = async (backend: string) => {
      setBackend(backend);
      const model = new Prototypes();
      const optimizer = new SDLM(model.parameters(), {
        learningRate: 0.01,
        samples: 150,
        weightDecay: 1e-3,
      });
      const losses: number[] = [];
      await fit(model, {
        train: blobs(160, 1),
        loss: 'cross-entropy',
        optimizer,
        epochs: 2,
        batchSize: 16,
        seed: 5,
        onBatchEnd: (batch) => losses.push(batch.loss),
      });
      await sync(...model.parameters());
      return { losses, weights: Array.from(model.weight.data), state: optimizer.stateDict() };
    };
    const wasm = await run('wasm');
    const webgpu = await run('webgpu');
    expect(webgpu.losses).toHaveLength(20);
    expect(webgpu.losses).toBeAllclose(wasm.losses, { rtol: 1e-4, atol: 1e-5 });
    expect(webgpu.weights).toBeAllclose(wasm.weights, { rtol: 1e-4, atol: 1e-5 });
    expect(webgpu.state.slots.curvature[0]).toBeAllclose(wasm.state.slots.curvature[0], {
      rtol: 1e-4,
      atol: 1e-7,
    });
  });

  it('refuses threads > 1: data-parallel threads split batches over CPU cores', async () => {
    setBackend('webgpu');
    const model = new Prototypes();
    const run = fit(model, {
      train: blobs(16, 1),
      loss: 'cross-entropy',
      optimizer: new SGD(model.parameters(), { learningRate: 0.1 }),
      epochs: 1,
      batchSize: 8,
      threads: 2,
    });
    await expect(run).rejects.toThrow(/threads > 1 .* CPU backends only .* use threads: 1/);
  });
});

describe.skipIf(heavyMissing !== null)('LeNet-5 on webgpu (needs a WebGPU adapter)', () => {
  it('takes 32 SGD steps on MNIST with the losses of wasm (float32 tolerance)', async () => {
    const train = paperInput((await loadMnist({ split: 'train' })).take(128));
    const run = async (backend: string) => {
      setBackend(backend);
      const model = lenet5({ seed: 1 });
      const losses: number[] = [];
      await fit(model, {
        train,
        loss: 'rbf-map',
        optimizer: new SGD(model.parameters(), { learningRate: 0.0005 }),
        epochs: 1,
        batchSize: 4,
        shuffle: false,
        onBatchEnd: (batch) => losses.push(batch.loss),
      });
      return losses;
    };
    const wasm = await run('wasm');
    const webgpu = await run('webgpu');
    expect(webgpu).toHaveLength(32);
    expect(webgpu).toBeAllclose(wasm, { rtol: 2e-3, atol: 1e-3 });
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(webgpu.slice(-8))).toBeLessThan(mean(webgpu.slice(0, 8)));
  }, 300_000);
});
