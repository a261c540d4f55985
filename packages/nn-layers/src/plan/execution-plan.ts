/**
 * A static execution plan for a Sequential model: every activation and gradient buffer is
 * allocated once, for batches of up to `batchSize` samples, and forward, loss, backward and
 * the Gauss-Newton Hessian pass call the backend kernels directly. No tape is recorded and a
 * training step allocates nothing, which is what dominates at batch size 1 (the paper's
 * on-line training), where the per-op bookkeeping of autograd costs more than the math.
 *
 * Once compiled, a plan allocates nothing (so views of backend memory stay valid while it
 * runs, except across the kernels' own workspace growth: give long-lived inputs as Tensors).
 * Parameter gradients are written straight into each parameter's `.grad` buffer, with the
 * tape's layout, but set rather than accumulated: `backward` replaces what was there.
 */
import { type Backend, getBackend, type Storage, type Tensor } from '@lenet/tensor';
import { ActivationLayer } from '../layers/activation.js';
import { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { AvgPool2d, MaxPool2d, Subsampling } from '../layers/pooling.js';
import { RBFOutput } from '../layers/rbf-output.js';
import { Sequential } from '../layers/sequential.js';
import { Flatten } from '../layers/shape-layers.js';
import type { LossSpec } from '../losses.js';
import type { Module } from '../module.js';
import { Conv2dStep } from './conv2d-step.js';
import { LinearStep } from './linear-step.js';
import { lossCurvature, lossForward, type PlanLoss, resolvePlanLoss } from './plan-loss.js';
import type { HessianSink, PlanStep, StepContext } from './plan-step.js';
import { gradientOf, sizeOf } from './plan-step.js';
import { PoolStep } from './pool-step.js';
import { RBFOutputStep } from './rbf-output-step.js';
import { ActivationStep, FlattenStep } from './simple-steps.js';
import { SubsamplingStep } from './subsampling-step.js';

export interface PlanOptions {
  /** Most samples per call; every buffer is sized for it. Default 1. */
  batchSize?: number;
  /** The loss `loss()` and the Hessian pass compute (a name, or { name: 'rbf-map', j }). */
  loss?: LossSpec;
  /** Shape of one sample; default the model's `inputShape`. */
  inputShape?: readonly number[];
  /** Allocate gradient buffers (default true); false makes a forward-only plan. */
  gradients?: boolean;
  /** Backend whose kernels and memory the plan uses; default the current one. */
  backend?: Backend;
}

/**
 * Images for a plan: an array, or anything with a `data` array (a Tensor, a backend Storage),
 * which the plan reads at each use: a kernel call may grow WebAssembly memory, which detaches
 * views of it taken before.
 */
export type ImageSource = Float32Array | { readonly data: Float32Array };

type StepFactory = (layer: Module, context: StepContext) => PlanStep | null;

/** The layers a plan knows, each with the step that runs it. */
const stepFactories: readonly StepFactory[] = [
  (layer, context) => (layer instanceof Conv2d ? new Conv2dStep(layer, context) : null),
  (layer, context) => (layer instanceof Linear ? new LinearStep(layer, context) : null),
  (layer, context) => (layer instanceof Subsampling ? new SubsamplingStep(layer, context) : null),
  (layer, context) => (layer instanceof AvgPool2d ? new PoolStep(layer, 'avg', context) : null),
  (layer, context) => (layer instanceof MaxPool2d ? new PoolStep(layer, 'max', context) : null),
  (layer, context) => (layer instanceof Flatten ? new FlattenStep(context) : null),
  (layer, context) =>
    layer instanceof ActivationLayer ? new ActivationStep(layer, context) : null,
  (layer, context) => (layer instanceof RBFOutput ? new RBFOutputStep(layer, context) : null),
];

const supportedLayers = [
  Conv2d,
  Linear,
  Subsampling,
  AvgPool2d,
  MaxPool2d,
  Flatten,
  ActivationLayer,
  RBFOutput,
];

/** The leaf layers of a (possibly nested) Sequential, in order. */
function leafLayers(model: Sequential): Module[] {
  return model.layers.flatMap((layer) =>
    layer instanceof Sequential ? leafLayers(layer) : [layer],
  );
}

/**
 * Why `model` (with `loss`, when given) cannot run as a plan, or null when it can: a
 * Sequential (nested ones are flattened) of Conv2d, Linear, Subsampling, AvgPool2d, MaxPool2d,
 * Flatten, activation layers and RBFOutput, every parameter trainable, with a known input
 * shape, and a loss among cross-entropy, nll, rbf-mse and rbf-map.
 */
export function planUnsupportedReason(
  model: unknown,
  options: { loss?: LossSpec; inputShape?: readonly number[] } = {},
): string | null {
  if (!(model instanceof Sequential)) return 'the model is not a Sequential';
  for (const layer of leafLayers(model)) {
    if (!supportedLayers.some((type) => layer instanceof type)) {
      return `layer ${layer.constructor.name} has no plan step`;
    }
  }
  if (model.parameters().some((parameter) => !parameter.requiresGrad)) {
    return 'a parameter is frozen (requiresGrad false)';
  }
  if (!(options.inputShape ?? model.inputShape)) return 'the input shape is unknown';
  if (options.loss !== undefined) {
    const loss = resolvePlanLoss(options.loss);
    if (typeof loss === 'string') return loss;
  }
  return null;
}

/** Whether `model` (and `loss`, when given) can run as an execution plan. */
export function supportsPlan(
  model: unknown,
  options: { loss?: LossSpec; inputShape?: readonly number[] } = {},
): boolean {
  return planUnsupportedReason(model, options) === null;
}

/** Compiles `model` into a plan for batches of up to `options.batchSize` samples. */
export function compilePlan(model: Module, options: PlanOptions = {}): ExecutionPlan {
  return new ExecutionPlan(model, options);
}

export class ExecutionPlan {
  readonly batchSize: number;
  readonly inputShape: readonly number[];
  /** Shape of one output sample. */
  readonly outputShape: readonly number[];
  readonly backend: Backend;
  /** The model's parameters, in `parameters()` order (the Hessian's order). */
  readonly parameters: readonly Tensor[];
  readonly hasGradients: boolean;
  private readonly steps: readonly PlanStep[];
  private readonly lossSpec: PlanLoss | null;
  private readonly sampleSize: number;
  private readonly outputSize: number;
  private readonly inputStorage: Storage;
  private readonly inputGradientStorage: Storage;
  /** Per-pattern loss gradient for the Hessian pass (read by the last step only). */
  private readonly lossGradient: Float32Array;

  constructor(model: Module, options: PlanOptions = {}) {
    const reason = planUnsupportedReason(model, options);
    if (reason) throw new TypeError(`compilePlan: cannot plan this model: ${reason}`);
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`compilePlan: batchSize must be an integer >= 1, got ${batchSize}`);
    }
    const sequential = model as Sequential;
    this.batchSize = batchSize;
    this.inputShape = [...(options.inputShape ?? sequential.inputShape!)];
    this.backend = options.backend ?? getBackend();
    this.hasGradients = options.gradients ?? true;
    this.parameters = model.parameters();
    const loss = options.loss === undefined ? null : resolvePlanLoss(options.loss);
    this.lossSpec = loss as PlanLoss | null;
    const backend = this.backend;
    const allocate = (length: number) => backend.allocate(length);
    const allocateGradient = (length: number) => backend.allocate(this.hasGradients ? length : 0);
    this.sampleSize = sizeOf(this.inputShape);
    this.inputStorage = allocate(batchSize * this.sampleSize);
    this.inputGradientStorage = allocateGradient(batchSize * this.sampleSize);
    const steps: PlanStep[] = [];
    let input = this.inputStorage;
    let gradInput = this.inputGradientStorage;
    let shape: readonly number[] = this.inputShape;
    for (const layer of leafLayers(sequential)) {
      const context: StepContext = {
        backend,
        capacity: batchSize,
        inputShape: shape,
        input,
        gradInput,
        allocate,
        allocateGradient,
      };
      const step = stepFactories.map((create) => create(layer, context)).find(Boolean);
      if (!step)
        throw new TypeError(`compilePlan: layer ${layer.constructor.name} has no plan step`);
      steps.push(step);
      input = step.output;
      gradInput = step.gradOutput;
      shape = step.outputShape;
    }
    this.steps = steps;
    this.outputShape = shape;
    this.outputSize = sizeOf(shape);
    this.lossGradient = new Float32Array(batchSize * this.outputSize);
    if (this.hasGradients) for (const parameter of this.parameters) gradientOf(parameter);
  }

  /** The input buffer [batchSize, ...inputShape] (a fresh view: read it at use). */
  get input(): Float32Array {
    return this.inputStorage.data;
  }

  /** The output buffer [batchSize, ...outputShape] after `forward`. */
  get output(): Float32Array {
    return this.steps[this.steps.length - 1].output.data;
  }

  /** The gradient of the loss with respect to the input, after `backward(count, { inputGradient: true })`. */
  get inputGradient(): Float32Array {
    return this.inputGradientStorage.data;
  }

  /** Copies samples [start, start + count) of `images` (row-major samples) into the input. */
  setInput(source: ImageSource, start = 0, count = this.batchSize): void {
    this.checkCount(count);
    const images = source instanceof Float32Array ? source : source.data;
    const size = this.sampleSize;
    if ((start + count) * size > images.length) {
      throw new RangeError(
        `ExecutionPlan.setInput: samples ${start}..${start + count} need ${(start + count) * size} floats, got ${images.length}`,
      );
    }
    // A loop rather than set(subarray(...)): no view object per step.
    const input = this.inputStorage.data;
    const offset = start * size;
    const length = count * size;
    for (let i = 0; i < length; i++) input[i] = images[offset + i];
  }

  /** Runs the model on the first `count` input samples; returns the output buffer. */
  forward(count = this.batchSize): Float32Array {
    this.checkCount(count);
    const steps = this.steps;
    for (let index = 0; index < steps.length; index++) steps[index].forward(count);
    return this.output;
  }

  /**
   * After `forward(count)`: the mean loss over the `count` samples (labels from
   * `labels[labelOffset]`), and the gradient of that mean with respect to the output, ready
   * for `backward`.
   */
  loss(labels: Int32Array, count = this.batchSize, labelOffset = 0): number {
    const loss = this.requireLoss('loss');
    const gradient = this.hasGradients ? this.lastStep().gradOutput.data : this.lossGradient;
    const total = lossForward(
      loss,
      this.output,
      labels,
      labelOffset,
      count,
      this.outputSize,
      gradient,
    );
    return total / count;
  }

  /**
   * After `loss`: back-propagates through every step and sets (replaces) each parameter's
   * `.grad`; with `inputGradient: true` also fills `inputGradient`.
   */
  backward(count = this.batchSize, options: { inputGradient?: boolean } = {}): void {
    this.requireGradients('backward');
    const steps = this.steps;
    const inputGradient = options.inputGradient ?? false;
    for (let index = steps.length - 1; index >= 0; index--) {
      steps[index].backward(count, index > 0 || inputGradient);
    }
  }

  /** One training step's gradients: input, forward, loss, backward. Returns the mean loss. */
  trainStep(images: ImageSource, labels: Int32Array, count = this.batchSize, start = 0): number {
    this.setInput(images, start, count);
    this.forward(count);
    const value = this.loss(labels, count, start);
    this.backward(count);
    return value;
  }

  /**
   * The Gauss-Newton diagonal Hessian (P98 eqs. 22-27) averaged over `count` samples of
   * `images`/`labels`, one Float32Array per parameter in `parameters()` order: the tape-free
   * equivalent of `estimateDiagHessian`. Runs in chunks of `batchSize`; does not touch `.grad`.
   */
  estimateDiagHessian(
    images: ImageSource,
    labels: Int32Array,
    count = labels.length,
  ): Float32Array[] {
    const loss = this.requireLoss('estimateDiagHessian');
    this.requireGradients('estimateDiagHessian');
    if (!(Number.isInteger(count) && count >= 1)) {
      throw new RangeError(
        `ExecutionPlan.estimateDiagHessian: got ${count} samples; expected >= 1`,
      );
    }
    const sums = new Map<Tensor, Float32Array>(
      this.parameters.map((parameter) => [parameter, new Float32Array(parameter.size)]),
    );
    const sink: HessianSink = {
      add(parameter, values) {
        const sum = sums.get(parameter);
        if (!sum) return; // a fixed tensor that is not a parameter (frozen RBF centres)
        for (let i = 0; i < sum.length; i++) sum[i] += values[i];
      },
    };
    const steps = this.steps;
    const last = this.lastStep();
    for (const step of steps) step.prepareHessian?.();
    for (let start = 0; start < count; start += this.batchSize) {
      const chunk = Math.min(this.batchSize, count - start);
      this.setInput(images, start, chunk);
      this.forward(chunk);
      const curvature = last.gradOutput.data;
      lossCurvature(
        loss,
        this.output,
        labels,
        start,
        chunk,
        this.outputSize,
        curvature,
        this.lossGradient,
      );
      for (let index = steps.length - 1; index >= 0; index--) {
        const lossGradient = index === steps.length - 1 ? this.lossGradient : null;
        steps[index].hessian(chunk, index > 0, lossGradient, sink);
      }
    }
    return this.parameters.map((parameter) => {
      const sum = sums.get(parameter)!;
      for (let i = 0; i < sum.length; i++) sum[i] /= count;
      return sum;
    });
  }

  private lastStep(): PlanStep {
    return this.steps[this.steps.length - 1];
  }

  private checkCount(count: number): void {
    if (!(Number.isInteger(count) && count >= 1 && count <= this.batchSize)) {
      throw new RangeError(
        `ExecutionPlan: got ${count} samples; expected an integer in [1, ${this.batchSize}] (the plan's batchSize)`,
      );
    }
  }

  private requireLoss(method: string): PlanLoss {
    if (!this.lossSpec) {
      throw new TypeError(
        `ExecutionPlan.${method}: the plan was compiled without a loss (give options.loss)`,
      );
    }
    return this.lossSpec;
  }

  private requireGradients(method: string): void {
    if (!this.hasGradients) {
      throw new TypeError(`ExecutionPlan.${method}: the plan was compiled with gradients: false`);
    }
  }
}
