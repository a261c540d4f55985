import type { NamedTensorData } from '@lenet/nn-layers';
import { Generator, type Tensor } from '@lenet/tensor';
import { type LabelledSamples, samplesFromArrays } from '../data.js';
import type { LossFunction, TrainableModel } from '../model.js';

// Test support (not built): a softmax-regression model with hand-written gradients, so the
// loop's tests pin down the loop (order, seeds, checkpoints, resume, NaN) independently of
// autograd. Real nn-layers models are trained in fit-models.test.ts.

export const FEATURES = 4;
const CLASSES = 3;

interface FakeParameter {
  readonly shape: number[];
  readonly size: number;
  readonly data: Float32Array;
  grad: { data: Float32Array } | null;
}

function parameter(shape: number[], generator: Generator): FakeParameter {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = generator.fillUniform(new Float32Array(size), -0.5, 0.5);
  return { shape, size, data, grad: { data: new Float32Array(size) } };
}

/** logits = x W^T + b, with a cross-entropy loss whose backward fills W.grad and b.grad. */
export class SoftmaxRegression {
  training = true;
  readonly weight: FakeParameter;
  readonly bias: FakeParameter;
  lastInput: Float32Array = new Float32Array(0);

  constructor(seed: number) {
    const generator = new Generator(seed);
    this.weight = parameter([CLASSES, FEATURES], generator);
    this.bias = parameter([CLASSES], generator);
  }

  forward(input: Tensor): Tensor {
    const count = input.shape[0];
    const x = input.data;
    this.lastInput = x;
    const logits = new Float32Array(count * CLASSES);
    for (let n = 0; n < count; n++) {
      for (let k = 0; k < CLASSES; k++) {
        let sum = this.bias.data[k];
        for (let f = 0; f < FEATURES; f++)
          sum += this.weight.data[k * FEATURES + f] * x[n * FEATURES + f];
        logits[n * CLASSES + k] = sum;
      }
    }
    return { shape: [count, CLASSES], data: logits } as unknown as Tensor;
  }

  parameters(): Tensor[] {
    return [this.weight, this.bias] as unknown as Tensor[];
  }

  train(mode = true) {
    this.training = mode;
  }

  eval() {
    this.training = false;
  }

  stateDict(): Map<string, NamedTensorData> {
    return new Map([
      ['weight', { shape: this.weight.shape, data: this.weight.data.slice() }],
      ['bias', { shape: this.bias.shape, data: this.bias.data.slice() }],
    ]);
  }

  loadStateDict(state: Map<string, NamedTensorData>): void {
    this.weight.data.set(state.get('weight')!.data);
    this.bias.data.set(state.get('bias')!.data);
  }

  /** Mean cross-entropy; `backward()` adds its gradient to the parameters. */
  readonly loss: LossFunction = (output, labels) => {
    const logits = output.data;
    const count = output.shape[0];
    const probabilities = new Float32Array(logits.length);
    let total = 0;
    for (let n = 0; n < count; n++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < CLASSES; k++) max = Math.max(max, logits[n * CLASSES + k]);
      let sum = 0;
      for (let k = 0; k < CLASSES; k++) sum += Math.exp(logits[n * CLASSES + k] - max);
      for (let k = 0; k < CLASSES; k++) {
        probabilities[n * CLASSES + k] = Math.exp(logits[n * CLASSES + k] - max) / sum;
      }
      total -= Math.log(probabilities[n * CLASSES + labels.data[n]]);
    }
    const x = this.lastInput;
    return {
      item: () => total / count,
      backward: () => {
        for (let n = 0; n < count; n++) {
          for (let k = 0; k < CLASSES; k++) {
            const delta = (probabilities[n * CLASSES + k] - (k === labels.data[n] ? 1 : 0)) / count;
            this.bias.grad!.data[k] += delta;
            for (let f = 0; f < FEATURES; f++) {
              this.weight.grad!.data[k * FEATURES + f] += delta * x[n * FEATURES + f];
            }
          }
        }
      },
    } as unknown as Tensor;
  };
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
