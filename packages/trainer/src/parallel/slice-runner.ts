import { noGrad, type Tensor, zeros, zerosLike } from '@lenet/tensor';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from '../batch-data.js';
import { checkOutput } from '../evaluate.js';
import type { LossFunction, TrainableModel } from '../model.js';
import type { PlannedSlices } from './planned-slices.js';

/**
 * Runs one replica's share of a batch on its own model: copies rows `[start, end)` of the
 * batch into tensors it keeps (one pair per slice size), then forward (+ loss, + backward).
 * The main thread and every worker use it, so all replicas compute in exactly the same way.
 */
export class SliceRunner {
  readonly parameters: readonly Tensor[];
  /** Total floats over all parameters (the length of a flat weight or gradient vector). */
  readonly parameterCount: number;
  private readonly model: TrainableModel;
  private readonly loss: LossFunction;
  private readonly sampleShape: readonly number[];
  private readonly sampleSize: number;
  private readonly classCount: number;
  private readonly batches = new Map<number, { images: Tensor; labels: Tensor<'int32'> }>();
  /** The execution plan, when it runs the model and loss (the same on every replica). */
  private readonly planned: PlannedSlices | null;

  constructor(
    model: TrainableModel,
    loss: LossFunction,
    sampleShape: readonly number[],
    classCount: number,
    planned: PlannedSlices | null = null,
  ) {
    this.model = model;
    this.planned = planned;
    this.loss = loss;
    this.sampleShape = sampleShape;
    this.sampleSize = sampleShape.reduce((product, size) => product * size, 1);
    this.classCount = classCount;
    this.parameters = model.parameters();
    this.parameterCount = this.parameters.reduce((total, parameter) => total + parameter.size, 0);
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
    if (this.planned) return this.planned.train(images, labels, start, end, outputs);
    const batch = this.slice(images, labels, start, end);
    for (const parameter of this.parameters) {
      if (parameter.grad) parameter.grad.data.fill(0);
      else parameter.grad = zerosLike(parameter);
    }
    const output = this.model.forward(batch.images);
    checkOutput(output, end - start, this.classCount);
    const loss = this.loss(output, batch.labels);
    const value = loss.item();
    outputs.set(output.data, start * this.classCount);
    loss.backward();
    return value;
  }

  /** Forward only (evaluation mode, no tape): output rows into `outputs`; returns the mean loss. */
  evaluate(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    if (this.planned) return this.planned.evaluate(images, labels, start, end, outputs);
    const batch = this.slice(images, labels, start, end);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return noGrad(() => {
        const output = this.model.forward(batch.images);
        checkOutput(output, end - start, this.classCount);
        outputs.set(output.data, start * this.classCount);
        return this.loss(output, batch.labels).item();
      });
    } finally {
      this.model.train(wasTraining);
    }
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
