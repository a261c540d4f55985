import { crossEntropy, type NamedTensorData } from '@lenet/nn-layers';
import { Generator, linear, type Tensor, tensor } from '@lenet/tensor';
import { type LabelledSamples, samplesFromArrays } from '../data.js';
import type { LossFunction, TrainableModel } from '../model.js';

// Test support (not built): softmax regression written directly with tensor ops (no
// nn-layers Module), so the loop's tests pin down the loop (order, seeds, checkpoints, resume,
// NaN) on the smallest model `fit` accepts. Real nn-layers models are trained in
// fit-models.test.ts.

export const FEATURES = 4;
const CLASSES = 3;

function parameter(shape: number[], generator: Generator): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = generator.fillUniform(new Float32Array(size), -0.5, 0.5);
  return tensor(values, shape, { requiresGrad: true });
}

/** logits = x W^T + b, with a mean cross-entropy loss. */
export class SoftmaxRegression {
  training = true;
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(seed: number) {
    const generator = new Generator(seed);
    this.weight = parameter([CLASSES, FEATURES], generator);
    this.bias = parameter([CLASSES], generator);
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }

  train(mode = true) {
    this.training = mode;
  }

  eval() {
    this.training = false;
  }

  stateDict(): Map<string, NamedTensorData> {
    return new Map([
      ['weight', { shape: [...this.weight.shape], data: this.weight.data.slice() }],
      ['bias', { shape: [...this.bias.shape], data: this.bias.data.slice() }],
    ]);
  }

  loadStateDict(state: Map<string, NamedTensorData>): void {
    this.weight.data.set(state.get('weight')!.data);
    this.bias.data.set(state.get('bias')!.data);
  }

  /** Mean cross-entropy of the logits. */
  readonly loss: LossFunction = (output, labels) => crossEntropy(output, labels);
}

/** Three Gaussian blobs in 4-d, `count` samples, seeded. */
export function blobs(count: number, seed: number): LabelledSamples {
  const generator = new Generator(seed);
  const images = new Float32Array(count * FEATURES);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % CLASSES;
    labels[n] = label;
    for (let f = 0; f < FEATURES; f++) {
      images[n * FEATURES + f] = (f === label ? 3 : 0) + generator.normal(0, 1);
    }
  }
  return samplesFromArrays(images, labels, [FEATURES], CLASSES);
}

/** The model as `fit` sees it. */
export function asModel(model: SoftmaxRegression): TrainableModel {
  return model as unknown as TrainableModel;
}

/**
 * `samples` whose `readNumber`-th read (1-based, counting every `readSample` call) returns a
 * NaN in the first feature: a compiled step then computes a NaN loss for that batch.
 */
export function poisonedRead(samples: LabelledSamples, readNumber: number): LabelledSamples {
  let reads = 0;
  return {
    ...samples,
    readSample(index, out, offset) {
      const label = samples.readSample(index, out, offset);
      reads++;
      if (reads === readNumber) out[offset] = Number.NaN;
      return label;
    },
  };
}
