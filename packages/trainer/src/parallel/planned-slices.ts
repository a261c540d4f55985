// A replica's slices on `@lenet/nn-layers`' execution plan (no tape, no allocation per step):
// one training plan and one forward-only plan, each recompiled larger when a bigger slice
// comes (so after the first batches nothing is allocated).
import {
  compilePlan,
  type ExecutionPlan,
  type LossSpec,
  type Module,
  supportsPlan,
} from '@lenet/nn-layers';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from '../batch-data.js';
import type { LossOption } from '../loss.js';
import type { TrainableModel } from '../model.js';

export class PlannedSlices {
  private readonly model: Module;
  private readonly loss: LossSpec;
  private readonly sampleShape: readonly number[];
  private readonly classCount: number;
  private trainPlan: ExecutionPlan | null = null;
  private evaluatePlan: ExecutionPlan | null = null;

  private constructor(
    model: Module,
    loss: LossSpec,
    sampleShape: readonly number[],
    classCount: number,
  ) {
    this.model = model;
    this.loss = loss;
    this.sampleShape = sampleShape;
    this.classCount = classCount;
  }

  /** Slices on a plan for `model` and `loss`, or null when the plan cannot run them. */
  static for(
    model: TrainableModel,
    loss: LossOption,
    sampleShape: readonly number[],
    classCount: number,
  ): PlannedSlices | null {
    if (typeof loss === 'function') return null;
    if (!supportsPlan(model, { loss, inputShape: sampleShape })) return null;
    return new PlannedSlices(model as unknown as Module, loss, sampleShape, classCount);
  }

  /**
   * Sets the parameters' `.grad` to the mean-loss gradients of rows `[start, end)` (replacing
   * them), writes their output rows into `outputs` at row `start`; returns the mean loss.
   */
  train(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const plan = this.plan('train', count);
    // Read after compiling, which may have moved WebAssembly-backed inputs.
    plan.setInput(imagesData(images), start, count);
    const output = plan.forward(count);
    const classes = this.classCount;
    outputs.set(output.subarray(0, count * classes), start * classes);
    const loss = plan.loss(labelsData(labels), count, start);
    plan.backward(count);
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
    const plan = this.plan('evaluate', count);
    // Read after compiling, which may have moved WebAssembly-backed inputs.
    plan.setInput(imagesData(images), start, count);
    const output = plan.forward(count);
    const classes = this.classCount;
    outputs.set(output.subarray(0, count * classes), start * classes);
    return plan.loss(labelsData(labels), count, start);
  }

  private plan(purpose: 'train' | 'evaluate', count: number): ExecutionPlan {
    const current = purpose === 'train' ? this.trainPlan : this.evaluatePlan;
    if (current && current.batchSize >= count) return current;
    const plan = compilePlan(this.model, {
      batchSize: count,
      loss: this.loss,
      inputShape: this.sampleShape,
      gradients: purpose === 'train',
    });
    if (purpose === 'train') this.trainPlan = plan;
    else this.evaluatePlan = plan;
    return plan;
  }
}
