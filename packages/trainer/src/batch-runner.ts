import { type CompiledFunction, compile, noGrad, type Tensor, zeros } from '@lenet/tensor';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from './batch-data.js';
import { checkOutput } from './checks.js';
import type { LossFunction, TrainableModel } from './model.js';

/** What a compiled step returns: the mean loss and the output rows (program-owned tensors). */
interface StepResult {
  readonly loss: Tensor;
  readonly output: Tensor;
}

type Step = CompiledFunction<[Tensor, Tensor<'int32'>], StepResult>;

/**
 * Runs batches for one model on this thread: a training step (forward, loss, backward: the
 * parameters' `.grad` are set), evaluation (evaluation mode, no gradients) and SDLM's
 * curvature. Each runs as a compiled program (`compile` of `@lenet/tensor`): traced once per
 * batch size, then replayed with no tape and no allocation, for any model built from tensor
 * ops. `fit`, `evaluate` and every replica of the data-parallel engine run batches through it,
 * so all of them compute in exactly the same way.
 */
export class BatchRunner {
  readonly parameters: readonly Tensor[];
  /** Total floats over all parameters (the length of a flat weight or gradient vector). */
  readonly parameterCount: number;
  private readonly model: TrainableModel;
  private readonly sampleShape: readonly number[];
  private readonly sampleSize: number;
  private readonly classCount: number;
  /** Input tensors per row count, refilled for every slice. */
  private readonly batches = new Map<number, { images: Tensor; labels: Tensor<'int32'> }>();
  private readonly trainStep: Step;
  private readonly evaluateStep: Step;

  constructor(
    model: TrainableModel,
    loss: LossFunction,
    sampleShape: readonly number[],
    classCount: number,
  ) {
    this.model = model;
    this.sampleShape = sampleShape;
    this.sampleSize = sampleShape.reduce((product, size) => product * size, 1);
    this.classCount = classCount;
    this.parameters = model.parameters();
    this.parameterCount = this.parameters.reduce((total, parameter) => total + parameter.size, 0);
    const parameters = this.parameters;
    this.trainStep = compile((images: Tensor, labels: Tensor<'int32'>) => {
      // Gradients are set, not added to: the program writes them afresh at every step.
      for (let i = 0; i < parameters.length; i++) parameters[i].grad = null;
      const output = model.forward(images);
      checkOutput(output, images.shape[0], classCount);
      const value = loss(output, labels);
      value.backward();
      return { loss: value, output };
    });
    this.evaluateStep = compile((images: Tensor, labels: Tensor<'int32'>) =>
      noGrad(() => {
        const output = model.forward(images);
        checkOutput(output, images.shape[0], classCount);
        return { loss: loss(output, labels), output };
      }),
    );
  }

  /** How many programs have been traced (one per batch size and kind of step). */
  get traceCount(): number {
    return this.trainStep.traceCount + this.evaluateStep.traceCount;
  }

  /** Copies `weights` (flat, parameter order) into the model. */
  loadWeights(weights: Float32Array): void {
    let offset = 0;
    for (const parameter of this.parameters) {
      const size = parameter.size;
      parameter.data.set(weights.subarray(offset, offset + size));
      offset += size;
    }
  }

  /** Copies the model's weights into `weights` (flat, parameter order). */
  storeWeights(weights: Float32Array): void {
    let offset = 0;
    for (const parameter of this.parameters) {
      weights.set(parameter.data, offset);
      offset += parameter.size;
    }
  }

  /** Copies the gradients into `gradients` from `offset` (zeros for a parameter without one). */
  storeGradients(gradients: Float32Array, offset = 0): void {
    for (const parameter of this.parameters) {
      const size = parameter.size;
      if (parameter.grad) gradients.set(parameter.grad.data, offset);
      else gradients.fill(0, offset, offset + size);
      offset += size;
    }
  }

  /**
   * Mean-loss gradients of rows `[start, end)` into the parameters' `.grad` (replacing what
   * was there); writes the output rows into `outputs` at row `start`; returns the mean loss.
   */
  train(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const batch = this.slice(images, labels, start, end);
    const result = this.trainStep(batch.images, batch.labels);
    return this.finish(result, start, outputs);
  }

  /** Forward only (evaluation mode, no tape): output rows into `outputs`; returns the mean loss. */
  evaluate(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const batch = this.slice(images, labels, start, end);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return this.finish(this.evaluateStep(batch.images, batch.labels), start, outputs);
    } finally {
      this.model.train(wasTraining);
    }
  }

  private finish(result: StepResult, start: number, outputs: Float32Array): number {
    outputs.set(result.output.data, start * this.classCount);
    return result.loss.item();
  }

  private slice(images: BatchImages, labels: BatchLabels, start: number, end: number) {
    const count = end - start;
    let batch = this.batches.get(count);
    if (!batch) {
      batch = {
        images: zeros([count, ...this.sampleShape]),
        labels: zeros([count], { dtype: 'int32' }),
      };
      this.batches.set(count, batch);
    }
    const size = this.sampleSize;
    // Read after the allocation above, which may have moved WebAssembly-backed inputs.
    batch.images.data.set(imagesData(images).subarray(start * size, end * size));
    batch.labels.data.set(labelsData(labels).subarray(start, end));
    return batch;
  }
}
