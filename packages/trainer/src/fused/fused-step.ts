// A training step without the autograd tape, for the models and losses it knows: a Sequential
// of Conv2d (LeNet-5's C3 table included), AvgPool2d, MaxPool2d, Subsampling, Flatten, Linear
// (any fused activation) and a fixed RBFOutput, with cross-entropy, rbf-map or rbf-mse. It runs the same backend kernels as the ops, on
// buffers allocated once per batch size, so a step allocates nothing and pays no per-op
// bookkeeping: what matters most at batch size 1, the paper's on-line setting.
import { Sequential } from '@lenet/nn-layers';
import { getBackend, type Tensor, zeros } from '@lenet/tensor';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from '../batch-data.js';
import type { LossOption } from '../loss.js';
import type { TrainableModel } from '../model.js';
import { type FusedLayer, fuseLayer } from './fused-layers.js';
import { type FusedLoss, fusedLoss } from './fused-losses.js';

interface Program {
  readonly layers: readonly FusedLayer[];
  readonly input: Tensor;
  /** Gradient of the loss with respect to the last layer's output. */
  readonly gradOutput: Tensor;
}

export class FusedStep {
  private readonly model: Sequential;
  private readonly sampleShape: readonly number[];
  private readonly sampleSize: number;
  private readonly classCount: number;
  private readonly programs = new Map<number, Program>();
  private readonly loss: FusedLoss;

  private constructor(
    model: Sequential,
    loss: FusedLoss,
    sampleShape: readonly number[],
    classCount: number,
  ) {
    this.model = model;
    this.loss = loss;
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
    const fused = fusedLoss(loss);
    if (!(model instanceof Sequential) || !fused) return null;
    let shape = sampleShape;
    for (const layer of model.layers) {
      if (layer.parameters().some((parameter) => !parameter.requiresGrad)) return null;
      const fusedLayer = fuseLayer(layer, 1, shape);
      if (!fusedLayer) return null;
      shape = fusedLayer.outputShape;
    }
    if (shape.length !== 1 || shape[0] !== classCount) return null;
    return new FusedStep(model, fused, sampleShape, classCount);
  }

  /**
   * Sets the parameters' `.grad` to the mean cross-entropy gradients of rows `[start, end)`
   * (replacing what was there), writes their output rows into `outputs` at row `start`, and
   * returns the mean loss.
   */
  train(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const classes = this.classCount;
    const program = this.program(count);
    const backend = getBackend();
    const last = this.forward(program, images, start, end).data;
    outputs.set(last.subarray(0, count * classes), start * classes);
    const gradOutput = program.gradOutput.data;
    const loss = this.loss(last, labelsData(labels), start, count, classes, gradOutput);
    let gradient: Tensor | null = program.gradOutput;
    for (let index = program.layers.length - 1; index >= 0 && gradient; index--) {
      gradient = program.layers[index].backward(backend, gradient, index > 0);
    }
    return loss;
  }

  /** Output rows of `[start, end)` into `outputs` at row `start`; returns the mean loss. */
  evaluate(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const classes = this.classCount;
    const last = this.forward(this.program(count), images, start, end).data;
    outputs.set(last.subarray(0, count * classes), start * classes);
    return this.loss(last, labelsData(labels), start, count, classes, null);
  }

  /** Runs the layers on rows `[start, end)`; the program exists already, so nothing allocates. */
  private forward(program: Program, images: BatchImages, start: number, end: number): Tensor {
    const size = this.sampleSize;
    program.input.data.set(imagesData(images).subarray(start * size, end * size));
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
        gradOutput: zeros([count, this.classCount]),
      };
      this.programs.set(count, program);
    }
    return program;
  }
}
