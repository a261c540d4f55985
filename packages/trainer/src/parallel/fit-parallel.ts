// What `fit` needs to run on several threads: the engine for its options, and evaluation that
// goes through it when there is one.
import { checkSamples, type LabelledSamples } from '../data.js';
import { type EvaluateOptions, type Evaluation, evaluate } from '../evaluate.js';
import type { FitOptions } from '../fit.js';
import type { TrainableModel } from '../model.js';
import { DataParallel } from './data-parallel.js';
import { evaluateParallel } from './evaluate-parallel.js';

/** The engine for `fit(model, options)`, or null when it runs on one thread. */
export async function openParallel(
  model: TrainableModel,
  options: FitOptions,
): Promise<DataParallel | null> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`fit: threads must be an integer >= 1, got ${threads}`);
  }
  if (threads === 1) return null;
  checkSamples(options.train, 'train');
  if (typeof options.loss === 'function') {
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
    capacity: Math.max(options.batchSize ?? 1, options.evaluationBatchSize ?? 500),
    workers: options.workers,
  });
}

/** `evaluate`, split over the engine's replicas when there is an engine. */
export function evaluateOn(
  model: TrainableModel,
  parallel: DataParallel | null,
  data: LabelledSamples,
  options: EvaluateOptions,
): Evaluation | Promise<Evaluation> {
  return parallel ? evaluateParallel(parallel, data, options) : evaluate(model, data, options);
}
