// A training step without the autograd tape, for the models and loss it knows: a Sequential of
// Conv2d, AvgPool2d, MaxPool2d, Flatten and Linear layers (any fused activation, LeNet-5's C3
// table included) trained with cross-entropy. It runs the same backend kernels as the ops, on
// buffers allocated once per batch size, so a step allocates nothing and pays no per-op
// bookkeeping: what matters most at batch size 1, the paper's on-line setting.
import { type LossSpec, Sequential } from '@lenet/nn-layers';
import { getBackend, type Tensor, zeros } from '@lenet/tensor';
import type { LossOption } from '../loss.js';
import type { TrainableModel } from '../model.js';
import { type FusedLayer, fuseLayer } from './fused-layers.js';

interface Program {
  readonly layers: readonly FusedLayer[];
  readonly input: Tensor;
  readonly logProbabilities: Tensor;
  readonly gradLogits: Tensor;
}

export class FusedStep {
  private readonly model: Sequential;
  private readonly sampleShape: readonly number[];
  private readonly sampleSize: number;
  private readonly classCount: number;
  private readonly programs = new Map<number, Program>();

  private constructor(model: Sequential, sampleShape: readonly number[], classCount: number) {
    this.model = model;
    this.sampleShape = sampleShape;
    this.sampleSize = sampleShape.reduce((product, size) => product * size, 1);
    this.classCount = classCount;
  }

  /** The fused step for `model` and `loss`, or null when either is outside what it knows. */
  static for(
    model: TrainableModel,
    loss: LossOption,
    sampleShape: readonly number[],
    classCount = 10,
  ): FusedStep | null {
    if (!(model instanceof Sequential) || !isCrossEntropy(loss)) return null;
    let shape = sampleShape;
    for (const layer of model.layers) {
      if (layer.parameters().some((parameter) => !parameter.requiresGrad)) return null;
      const fused = fuseLayer(layer, 1, shape);
      if (!fused) return null;
      shape = fused.outputShape;
    }
    if (shape.length !== 1 || shape[0] !== classCount) return null;
    return new FusedStep(model, sampleShape, classCount);
  }

  /**
   * Sets the parameters' `.grad` to the mean cross-entropy gradients of rows `[start, end)`
   * (replacing what was there), writes their output rows into `outputs` at row `start`, and
   * returns the mean loss.
   */
  train(
    images: Float32Array,
    labels: Int32Array,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const program = this.program(count);
    const backend = getBackend();
    const logits = this.forward(program, images, start, end);
    const logitData = logits.data;
    outputs.set(logitData.subarray(0, count * this.classCount), start * this.classCount);
    const classes = this.classCount;
    backend.logSoftmax({
      rows: count,
      columns: classes,
      input: logitData,
      output: program.logProbabilities.data,
    });
    const logProbabilities = program.logProbabilities.data;
    const gradLogits = program.gradLogits.data;
    let loss = 0;
    for (let row = 0; row < count; row++) {
      const label = checkLabel(labels[start + row], start + row, classes);
      const offset = row * classes;
      loss -= logProbabilities[offset + label];
      for (let k = 0; k < classes; k++) {
        gradLogits[offset + k] =
          (Math.exp(logProbabilities[offset + k]) - (k === label ? 1 : 0)) / count;
      }
    }
    let gradient: Tensor | null = program.gradLogits;
    for (let index = program.layers.length - 1; index >= 0 && gradient; index--) {
      gradient = program.layers[index].backward(backend, gradient, index > 0);
    }
    return loss / count;
  }

  /** Output rows of `[start, end)` into `outputs` at row `start`; returns the mean loss. */
  evaluate(
    images: Float32Array,
    labels: Int32Array,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const program = this.program(count);
    const logits = this.forward(program, images, start, end).data;
    const classes = this.classCount;
    outputs.set(logits.subarray(0, count * classes), start * classes);
    getBackend().logSoftmax({
      rows: count,
      columns: classes,
      input: logits,
      output: program.logProbabilities.data,
    });
    const logProbabilities = program.logProbabilities.data;
    let loss = 0;
    for (let row = 0; row < count; row++) {
      loss -=
        logProbabilities[row * classes + checkLabel(labels[start + row], start + row, classes)];
    }
    return loss / count;
  }

  private forward(program: Program, images: Float32Array, start: number, end: number): Tensor {
    const size = this.sampleSize;
    program.input.data.set(images.subarray(start * size, end * size));
    const backend = getBackend();
    let value = program.input;
    for (const layer of program.layers) value = layer.forward(backend, value);
    return value;
  }

  private program(count: number): Program {
    let program = this.programs.get(count);
    if (!program) {
      const layers: FusedLayer[] = [];
      let shape = this.sampleShape;
      for (const layer of this.model.layers) {
        const fused = fuseLayer(layer, count, shape)!;
        layers.push(fused);
        shape = fused.outputShape;
      }
      program = {
        layers,
        input: zeros([count, ...this.sampleShape]),
        logProbabilities: zeros([count, this.classCount]),
        gradLogits: zeros([count, this.classCount]),
      };
      this.programs.set(count, program);
    }
    return program;
  }
}

function checkLabel(label: number, row: number, classCount: number): number {
  if (!(label >= 0 && label < classCount)) {
    throw new RangeError(
      `cross-entropy: label of row ${row} is ${label}, expected an integer in [0, ${classCount})`,
    );
  }
  return label;
}

function isCrossEntropy(loss: LossOption): boolean {
  if (typeof loss === 'function') return false;
  const spec = loss as LossSpec;
  return (typeof spec === 'string' ? spec : spec?.name) === 'cross-entropy';
}
