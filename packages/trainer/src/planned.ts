/**
 * `fit` and `evaluate` on `@lenet/nn-layers`' static execution plan: for a zoo-like Sequential
 * and a named loss the plan runs forward, loss, backward and the Gauss-Newton curvature on
 * buffers allocated once, without the autograd tape (what dominates at batch size 1). Plans
 * are cached per model, so evaluating after every pass reuses the same buffers.
 */
import {
  compilePlan,
  type ExecutionPlan,
  type ImageSource,
  type LossSpec,
  supportsPlan,
} from '@lenet/nn-layers';
import { getBackend, type Tensor } from '@lenet/tensor';
import type { CurvatureEstimator } from './fit.js';
import type { LossOption } from './loss.js';
import type { TrainableModel } from './model.js';

/** Samples per plan call in evaluation and curvature passes (bounds their buffers' memory). */
const CHUNK = 100;

const cache = new WeakMap<object, Map<string, ExecutionPlan>>();

/**
 * The cached plan of `model` for batches of up to `batchSize` with `loss` (a name, or none for
 * forward only), or null when the plan cannot run them (then use the tape).
 */
export function planFor(
  model: TrainableModel,
  loss: LossOption | undefined,
  batchSize: number,
  sampleShape: readonly number[],
  gradients = true,
): ExecutionPlan | null {
  if (typeof loss === 'function') return null;
  const spec = loss as LossSpec | undefined;
  if (!supportsPlan(model, { loss: spec, inputShape: sampleShape })) return null;
  const key = JSON.stringify([getBackend().name, batchSize, gradients, sampleShape, spec ?? null]);
  let plans = cache.get(model);
  if (!plans) {
    plans = new Map();
    cache.set(model, plans);
  }
  let plan = plans.get(key);
  if (!plan) {
    plan = compilePlan(model as never, {
      batchSize,
      loss: spec,
      inputShape: sampleShape,
      gradients,
    });
    plans.set(key, plan);
  }
  return plan;
}

/** Runs the forward pass of `count` samples in chunks of the plan's batch size; `onChunk` reads each output. */
export function forwardInChunks(
  plan: ExecutionPlan,
  images: ImageSource,
  count: number,
  onChunk: (output: Float32Array, start: number, size: number) => void,
): void {
  for (let start = 0; start < count; start += plan.batchSize) {
    const size = Math.min(plan.batchSize, count - start);
    plan.setInput(images, start, size);
    onChunk(plan.forward(size), start, size);
  }
}

/** The plan for evaluating in batches of `batchSize` (forward only, chunks of at most 100). */
export function evaluationPlan(
  model: TrainableModel,
  loss: LossOption | undefined,
  batchSize: number,
  sampleShape: readonly number[],
): ExecutionPlan | null {
  return planFor(model, loss, Math.min(batchSize, CHUNK), sampleShape, false);
}

/**
 * SDLM's curvature through the plan: the tape-free Gauss-Newton pass (same values as
 * `gaussNewtonCurvature`), in chunks of up to 100 samples.
 */
export function plannedCurvature(
  loss: LossSpec,
  sampleShape: readonly number[],
): CurvatureEstimator {
  return (model: TrainableModel, images: Tensor, labels: Tensor<'int32'>) => {
    const count = labels.size;
    const plan = planFor(model, loss, Math.min(count, CHUNK), sampleShape);
    if (!plan) throw new TypeError('plannedCurvature: the model cannot run as an execution plan');
    const values = plan.estimateDiagHessian(images, labels.data, count);
    return new Map(plan.parameters.map((parameter, index) => [parameter, values[index]]));
  };
}
