import { BatchRunner } from './batch-runner.js';
import { checkBatchSize } from './checks.js';
import { BatchAssembler, checkSamples, type LabelledSamples } from './data.js';
import { type LossOption, resolveLoss } from './loss.js';
import { ConfusionMatrix, type PredictionRule, predictClass } from './metrics.js';
import type { TrainableModel } from './model.js';

export interface EvaluateOptions {
  /** Samples per forward pass. Default 500. */
  batchSize?: number;
  /** How an output row names its class. Default: 'argmin' for RBF losses, else 'argmax'. */
  prediction?: PredictionRule;
  /** Also report the mean loss: a function or an `@lenet/nn-layers` loss name. */
  loss?: LossOption;
  /** List the misclassified samples with their scores. Default true. */
  misclassified?: boolean;
}

/** One misclassified sample: its index in the data set, true and predicted class, output row. */
export interface Misclassified {
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  readonly scores: number[];
}

export interface Evaluation {
  readonly count: number;
  readonly errors: number;
  /** Percent of samples misclassified. */
  readonly errorRate: number;
  /** Mean loss, when a loss was given. */
  readonly loss?: number;
  /** Percent misclassified within each true class. */
  readonly perClassError: number[];
  readonly classCounts: number[];
  /** `confusion[label][predicted]` counts. */
  readonly confusion: number[][];
  /** In data-set order; empty when `misclassified: false`. */
  readonly misclassified: Misclassified[];
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/**
 * Classifies every sample of `data` in batches, with the model in evaluation mode (its previous
 * mode is restored afterwards) and no gradients, through a `BatchRunner` (compiled forward
 * passes, the same as `fit` uses). Asynchronous: on a device backend (webgpu) each batch's
 * outputs and loss come back in one read; on the CPU backends nothing waits.
 */
export async function evaluate(
  model: TrainableModel,
  data: LabelledSamples,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  checkSamples(data, 'evaluate data');
  const batchSize = Math.min(data.length, checkBatchSize(options.batchSize ?? 500));
  const loss = options.loss === undefined ? null : resolveLoss(options.loss);
  const rule = options.prediction ?? loss?.prediction ?? 'argmax';
  const classCount = data.classCount ?? 10;
  const keepMisclassified = options.misclassified ?? true;
  const confusion = new ConfusionMatrix(classCount);
  const misclassified: Misclassified[] = [];
  const assembler = new BatchAssembler(data, batchSize);
  // Without a loss the runner computes a zero in its place (one kernel, never read).
  const runner = new BatchRunner(
    model,
    loss?.compute ?? ((output) => output.sum().mul(0)),
    data.sampleShape,
    classCount,
  );
  const scores = new Float32Array(batchSize * classCount);
  const started = performance.now();
  let lossSum = 0;
  for (let start = 0; start < data.length; start += batchSize) {
    const count = Math.min(batchSize, data.length - start);
    const batch = assembler.fill(null, start, count);
    const read = runner.evaluateRead(batch.images, batch.labels, 0, count, scores);
    const batchLoss = typeof read === 'number' ? read : await read;
    if (loss) lossSum += batchLoss * count;
    const labels = batch.labels.data;
    for (let i = 0; i < count; i++) {
      const label = labels[i];
      const predicted = predictClass(scores, i * classCount, classCount, rule);
      confusion.add(label, predicted);
      if (keepMisclassified && predicted !== label) {
        misclassified.push({
          index: start + i,
          label,
          predicted,
          scores: Array.from(scores.subarray(i * classCount, (i + 1) * classCount)),
        });
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    count: data.length,
    errors: confusion.errors,
    errorRate: confusion.errorRate(),
    ...(loss ? { loss: lossSum / data.length } : {}),
    perClassError: confusion.perClassError(),
    classCounts: confusion.classCounts(),
    confusion: confusion.rows(),
    misclassified,
    seconds,
    imagesPerSecond: data.length / seconds,
  };
}
