import { checkBatchSize } from '../checks.js';
import { BatchAssembler, checkSamples, type LabelledSamples } from '../data.js';
import type { EvaluateOptions, Evaluation, Misclassified } from '../evaluate.js';
import { ConfusionMatrix, predictClass } from '../metrics.js';
import type { DataParallel } from './data-parallel.js';

/**
 * `evaluate` with every batch split over the engine's replicas: the same numbers as the
 * single-thread `evaluate` (up to the loss's float rounding), in less wall time. The loss is
 * the engine's; `options.loss` is not used.
 */
export async function evaluateParallel(
  engine: DataParallel,
  data: LabelledSamples,
  options: Omit<EvaluateOptions, 'loss'> = {},
): Promise<Evaluation> {
  checkSamples(data, 'evaluate data');
  const batchSize = Math.min(
    data.length,
    engine.capacity,
    checkBatchSize(options.batchSize ?? 500),
  );
  const rule = options.prediction ?? engine.prediction;
  const classCount = data.classCount ?? 10;
  const keepMisclassified = options.misclassified ?? true;
  const confusion = new ConfusionMatrix(classCount);
  const misclassified: Misclassified[] = [];
  const assembler = new BatchAssembler(data, batchSize);
  const started = performance.now();
  let lossSum = 0;
  for (let start = 0; start < data.length; start += batchSize) {
    const count = Math.min(batchSize, data.length - start);
    const batch = assembler.fill(null, start, count);
    const labels = batch.labels.data;
    const result = await engine.evaluateBatch(batch.images, batch.labels, count);
    lossSum += result.loss * count;
    const scores = result.outputs;
    for (let i = 0; i < count; i++) {
      const predicted = predictClass(scores, i * classCount, classCount, rule);
      confusion.add(labels[i], predicted);
      if (keepMisclassified && predicted !== labels[i]) {
        misclassified.push({
          index: start + i,
          label: labels[i],
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
    loss: lossSum / data.length,
    perClassError: confusion.perClassError(),
    classCounts: confusion.classCounts(),
    confusion: confusion.rows(),
    misclassified,
    seconds,
    imagesPerSecond: data.length / seconds,
  };
}
