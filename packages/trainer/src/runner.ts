// The one place that decides how `fit` runs its batches: a `DataParallel` engine of
// `options.threads` replicas (1 by default: this thread alone, no workers), each replica a
// `BatchRunner` of compiled programs. Training, evaluation and SDLM's curvature all go through it.
import { getBackend } from '@lenet/tensor';
import { checkSamples, type LabelledSamples } from './data.js';
import type { EvaluateOptions, Evaluation } from './evaluate.js';
import type { FitOptions } from './fit-options.js';
import type { TrainableModel } from './model.js';
import { DataParallel } from './parallel/data-parallel.js';
import { evaluateParallel } from './parallel/evaluate-parallel.js';

/** The engine that runs `fit(model, options)`'s batches on `options.threads` threads. */
export async function openRunner(
  model: TrainableModel,
  options: FitOptions,
): Promise<DataParallel> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`fit: threads must be an integer >= 1, got ${threads}`);
  }
  checkSamples(options.train, 'train');
  if (threads > 1 && getBackend().name === 'webgpu') {
    throw new RangeError(
      `fit: threads > 1 splits batches over CPU threads and runs on the CPU backends only (wasm, reference); on webgpu the GPU computes the whole batch: use threads: 1 (got ${threads})`,
    );
  }
  if (threads > 1 && typeof options.loss === 'function') {
    throw new TypeError(
      "fit: threads > 1 needs the loss by name (e.g. 'cross-entropy' or 'rbf-map'): workers cannot receive a function",
    );
  }
  return DataParallel.open({
    model,
    loss: options.loss,
    threads,
    sampleShape: options.train.sampleShape,
    classCount: options.train.classCount ?? 10,
    capacity: Math.max(
      Math.min(options.batchSize ?? 1, options.train.length),
      options.evaluationBatchSize ?? 500,
    ),
    workers: options.workers,
  });
}

/** `evaluate` through the engine (its replicas split each batch). */
export function evaluateOn(
  runner: DataParallel,
  data: LabelledSamples,
  options: EvaluateOptions,
): Promise<Evaluation> {
  return evaluateParallel(runner, data, options);
}
