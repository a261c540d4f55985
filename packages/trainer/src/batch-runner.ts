import { type CompiledFunction, compile, isReadable, noGrad, Tensor, zeros } from '@lenet/tensor';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from './batch-data.js';
import { checkOutput } from './checks.js';
import { allReadable, whenReadable } from './device-values.js';
import type { LossFunction, TrainableModel } from './model.js';

/** What a compiled step returns: the mean loss and the output rows (program-owned tensors). */
interface StepResult {
  readonly loss: Tensor;
  readonly output: Tensor;
}

type Step = CompiledFunction<[Tensor, Tensor<'int32'>], StepResult>;
type CurvatureStep = CompiledFunction<[Tensor, Tensor<'int32'>], readonly (Tensor | null)[]>;

/** Samples per compiled curvature pass (bounds its buffers; SDLM estimates on 500). */
const CURVATURE_CHUNK = 100;

/**
 * Most rows a compiled training or evaluation step takes at once. A larger slice runs as
 * sub-steps of at most this many rows (as even as possible), their gradients accumulated: a
 * step's activations then stay in cache, so a batch of 512 runs no slower per image than one
 * of 128, and no program is traced for the large size.
 */
export const SUB_STEP_ROWS = 128;

/** Rows `[from, to)` of sub-step `index` of `steps` over `count` rows starting at `start`. */
function subStepOf(start: number, count: number, steps: number, index: number): [number, number] {
  return [
    start + Math.floor((index * count) / steps),
    start + Math.floor(((index + 1) * count) / steps),
  ];
}

/**
 * Runs batches for one model on this thread: a training step (forward, loss, backward: the
 * parameters' `.grad` are set), evaluation (evaluation mode, no gradients) and SDLM's
 * curvature (forward, loss, `backwardCurvature()`: the Gauss-Newton diagonal). Each runs as a compiled program (`compile` of `@lenet/tensor`): traced once per
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
  private readonly curvatureStep: CurvatureStep;
  /** Gradients summed over sub-steps (created at the first split batch), by parameter. */
  private accumulated: Tensor[] | null = null;
  /** Each sub-step's scales of `add_` (one object reused). */
  private readonly accumulateScales = { alpha: 1, beta: 0 };

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
    this.curvatureStep = compile((images: Tensor, labels: Tensor<'int32'>) => {
      for (let i = 0; i < parameters.length; i++) parameters[i].curvature = null;
      loss(model.forward(images), labels).backwardCurvature();
      return parameters.map((parameter) => parameter.curvature);
    });
  }

  /** How many programs have been traced (one per batch size and kind of step). */
  get traceCount(): number {
    return this.trainStep.traceCount + this.evaluateStep.traceCount + this.curvatureStep.traceCount;
  }

  /**
   * SDLM's per-parameter Gauss-Newton curvature d2E/dw2 averaged over the `count` samples of
   * `images`/`labels` (the paper's eqs. 22-27), one Float32Array per parameter in
   * `parameters` order, computed in compiled chunks of up to 100 samples with the model in its
   * current mode. Neither `.grad` nor (afterwards) `.curvature` of the parameters changes.
   */
  curvature(
    images: BatchImages,
    labels: BatchLabels,
    count: number,
  ): Float32Array[] | Promise<Float32Array[]> {
    if (!(Number.isInteger(count) && count >= 1)) {
      throw new RangeError(`curvature: got ${count} samples; expected an integer >= 1`);
    }
    const parameters = this.parameters;
    const previous = parameters.map((parameter) => parameter.curvature);
    const sums = parameters.map((parameter) => new Float64Array(parameter.size));
    let deferred: Promise<Float32Array[]> | null = null;
    try {
      for (let start = 0; start < count; start += CURVATURE_CHUNK) {
        const end = Math.min(count, start + CURVATURE_CHUNK);
        const batch = this.slice(images, labels, start, end);
        const values = this.curvatureStep(batch.images, batch.labels);
        if (!allReadable(values)) {
          // A device backend: this chunk and the rest are read back one chunk at a time.
          deferred = this.curvatureOnDevice(images, labels, count, start, values, sums, previous);
          return deferred;
        }
        addWeighted(sums, values, end - start);
      }
    } finally {
      if (!deferred) this.restoreCurvature(previous);
    }
    return averaged(sums, count);
  }

  /** `curvature` from chunk `start` on, its values `values` computed but not read yet. */
  private async curvatureOnDevice(
    images: BatchImages,
    labels: BatchLabels,
    count: number,
    start: number,
    first: readonly (Tensor | null)[],
    sums: Float64Array[],
    previous: readonly (Tensor | null)[],
  ): Promise<Float32Array[]> {
    try {
      let values = first;
      for (;;) {
        const end = Math.min(count, start + CURVATURE_CHUNK);
        await whenReadable(values, () => addWeighted(sums, values, end - start));
        start = end;
        if (start >= count) break;
        const batch = this.slice(images, labels, start, Math.min(count, start + CURVATURE_CHUNK));
        values = this.curvatureStep(batch.images, batch.labels);
      }
    } finally {
      this.restoreCurvature(previous);
    }
    return averaged(sums, count);
  }

  private restoreCurvature(previous: readonly (Tensor | null)[]): void {
    this.parameters.forEach((parameter, index) => {
      parameter.curvature = previous[index];
    });
  }

  /** Copies `weights` (flat, parameter order) into the model. */
  loadWeights(weights: Float32Array): void {
    let offset = 0;
    for (const parameter of this.parameters) {
      const size = parameter.size;
      parameter.add_(weights.subarray(offset, offset + size), { beta: 0 });
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

  /** Sets each parameter's `.grad` (where it has one) to its floats of `gradients` (flat, parameter order). */
  loadGradients(gradients: Float32Array): void {
    let offset = 0;
    for (const parameter of this.parameters) {
      const size = parameter.size;
      parameter.grad?.add_(gradients.subarray(offset, offset + size), { beta: 0 });
      offset += size;
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
    const count = end - start;
    const steps = Math.ceil(count / SUB_STEP_ROWS);
    if (steps <= 1) {
      const batch = this.slice(images, labels, start, end);
      return this.finish(this.trainStep(batch.images, batch.labels), start, outputs);
    }
    // grad = sum over sub-steps k (in order) of (n_k / n) g_k: the mean-loss gradient of the
    // whole slice, the same bits for the same slice every time.
    const parameters = this.parameters;
    const accumulated = this.accumulators();
    const scales = this.accumulateScales;
    let lossSum = 0;
    for (let index = 0; index < steps; index++) {
      const [from, to] = subStepOf(start, count, steps, index);
      const batch = this.slice(images, labels, from, to);
      lossSum +=
        this.finish(this.trainStep(batch.images, batch.labels), from, outputs) * (to - from);
      scales.alpha = (to - from) / count;
      scales.beta = index === 0 ? 0 : 1;
      for (let i = 0; i < parameters.length; i++) {
        const gradient = parameters[i].grad;
        if (gradient) accumulated[i].add_(gradient, scales);
        else if (index === 0) accumulated[i].fill_(0);
      }
    }
    for (let i = 0; i < parameters.length; i++) parameters[i].grad = accumulated[i];
    return lossSum / count;
  }

  /** Forward only (evaluation mode, no tape): output rows into `outputs`; returns the mean loss. */
  evaluate(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number {
    const count = end - start;
    const steps = Math.ceil(count / SUB_STEP_ROWS);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      let lossSum = 0;
      for (let index = 0; index < steps; index++) {
        const [from, to] = subStepOf(start, count, steps, index);
        const batch = this.slice(images, labels, from, to);
        const loss = this.finish(this.evaluateStep(batch.images, batch.labels), from, outputs);
        if (steps === 1) return loss;
        lossSum += loss * (to - from);
      }
      return lossSum / count;
    } finally {
      this.model.train(wasTraining);
    }
  }

  /**
   * `train` on any backend: on a device backend (webgpu) the loss and output rows come back in
   * one batched read (the returned promise); on a CPU backend it returns the loss at once.
   */
  trainRead(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number | Promise<number> {
    const batch = this.slice(images, labels, start, end);
    const result = this.trainStep(batch.images, batch.labels);
    return this.finishRead(result, start, outputs);
  }

  /** `evaluate` on any backend (see `trainRead`). */
  evaluateRead(
    images: BatchImages,
    labels: BatchLabels,
    start: number,
    end: number,
    outputs: Float32Array,
  ): number | Promise<number> {
    const batch = this.slice(images, labels, start, end);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return this.finishRead(this.evaluateStep(batch.images, batch.labels), start, outputs);
    } finally {
      this.model.train(wasTraining);
    }
  }

  private accumulators(): Tensor[] {
    this.accumulated ??= this.parameters.map((parameter) => zeros(parameter.shape));
    return this.accumulated;
  }

  private finish(result: StepResult, start: number, outputs: Float32Array): number {
    outputs.set(result.output.data, start * this.classCount);
    return result.loss.item();
  }

  private finishRead(
    result: StepResult,
    start: number,
    outputs: Float32Array,
  ): number | Promise<number> {
    return whenReadable([result.loss, result.output], () => this.finish(result, start, outputs));
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
    if (images instanceof Tensor && !isReadable(images)) {
      // A batch on a device (webgpu): copied there by a kernel, never read back.
      const rows = start === 0 && end === images.shape[0] ? images : images.slice(start, end);
      batch.images.add_(rows, { beta: 0 });
    } else {
      // Read after the allocation above, which may have moved WebAssembly-backed inputs; the
      // images are copied in by a kernel (int32 labels live in JavaScript memory).
      batch.images.add_(imagesData(images).subarray(start * size, end * size), { beta: 0 });
    }
    batch.labels.data.set(labelsData(labels).subarray(start, end));
    return batch;
  }
}

/** sums[p] += weight * values[p] (in float64), for each parameter the loss reaches. */
function addWeighted(
  sums: Float64Array[],
  values: readonly (Tensor | null)[],
  weight: number,
): void {
  values.forEach((value, index) => {
    if (!value) return; // a parameter the loss does not reach (frozen or unused)
    const data = value.data;
    const sum = sums[index];
    for (let i = 0; i < sum.length; i++) sum[i] += data[i] * weight;
  });
}

function averaged(sums: Float64Array[], count: number): Float32Array[] {
  return sums.map((sum) => Float32Array.from(sum, (value) => value / count));
}
