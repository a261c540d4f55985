import { join } from 'node:path';
import type { Dataset } from '@lenet/datasets-mnist';
import type { EpochMetrics, Evaluation } from '@lenet/trainer';
import { writeFileAtomic } from '../files.js';
import { confusionMatrixSvg } from '../plots/confusion-matrix-svg.js';
import { digitGallerySvg } from '../plots/digit-gallery-svg.js';
import { lineChart } from '../plots/line-chart.js';
import type { TrainingSettings } from './run-training.js';

export const COLORS = { train: '#d62728', test: '#1f77b4', fit: '#555555' };
/** The gallery shows at most this many misclassified digits. */
const GALLERY_LIMIT = 120;

/**
 * curves.svg (error per pass) and loss.svg (training loss per pass) after every pass; with a
 * final evaluation also confusion.svg and errors.svg (the misclassified test digits).
 */
export async function writeRunPlots(
  out: string,
  settings: TrainingSettings,
  history: readonly EpochMetrics[],
  final: { evaluation: Evaluation; testSet: Dataset } | null,
): Promise<void> {
  const title = `${settings.model}${settings.augment === 'none' ? '' : ` (${settings.augment} distortions)`}`;
  const errorSeries = [
    {
      name: 'training error (on the fly)',
      points: history.map((entry) => [entry.epoch, entry.trainError] as const),
      color: COLORS.train,
    },
  ];
  const testPoints = history.filter((entry) => entry.testError !== undefined);
  if (testPoints.length > 0) {
    errorSeries.push({
      name: `test error (${settings.testSize} images)`,
      points: testPoints.map((entry) => [entry.epoch, entry.testError as number] as const),
      color: COLORS.test,
    });
  }
  await writeFileAtomic(
    join(out, 'curves.svg'),
    lineChart({
      title: `${title}: error per pass`,
      xLabel: 'pass (epoch)',
      yLabel: 'error (%)',
      series: errorSeries,
    }),
  );
  await writeFileAtomic(
    join(out, 'loss.svg'),
    lineChart({
      title: `${title}: training loss (${settings.loss}) per pass`,
      xLabel: 'pass (epoch)',
      yLabel: 'mean loss',
      series: [
        {
          name: 'training loss',
          points: history.map((entry) => [entry.epoch, entry.trainLoss] as const),
          color: COLORS.train,
        },
        {
          name: 'test loss',
          points: history
            .filter((entry) => entry.testLoss !== undefined)
            .map((entry) => [entry.epoch, entry.testLoss as number] as const),
          color: COLORS.test,
        },
      ],
    }),
  );
  if (final) await writeEvaluationPlots(out, title, final.evaluation, final.testSet);
}

export async function writeEvaluationPlots(
  out: string,
  title: string,
  evaluation: Evaluation,
  testSet: Dataset,
): Promise<void> {
  const classNames = testSet.source.classNames;
  await writeFileAtomic(
    join(out, 'confusion.svg'),
    confusionMatrixSvg(
      evaluation.confusion,
      classNames,
      `${title}: ${evaluation.errors} errors in ${evaluation.count} test images (${evaluation.errorRate.toFixed(2)}%)`,
    ),
  );
  const shown = evaluation.misclassified.slice(0, GALLERY_LIMIT);
  const items = shown.map((entry) => ({
    pixels: testSet.image(entry.index),
    width: testSet.width,
    height: testSet.height,
    caption: `${classNames[entry.label]} -> ${classNames[entry.predicted]}`,
  }));
  const more =
    evaluation.misclassified.length > shown.length ? ` (first ${shown.length} shown)` : '';
  await writeFileAtomic(
    join(out, 'errors.svg'),
    digitGallerySvg(
      items,
      `${title}: the ${evaluation.errors} misclassified test digits${more}, true -> predicted`,
    ),
  );
}
