import { join } from 'node:path';
import { evaluate } from '@lenet/trainer';
import { writeFileAtomic } from '../files.js';
import type { CliIo } from '../io.js';
import {
  fitLearningCurve,
  type LearningCurveFit,
  type LearningCurvePoint,
} from '../learning-curve-fit.js';
import { markdownTable } from '../markdown-table.js';
import type { AugmentName, LossName, ModelName, OptimizerName, ScheduleName } from '../names.js';
import { lineChart } from '../plots/line-chart.js';
import { createProgress, formatDuration } from '../progress.js';
import { ensureOutFolder, lockRunFolder } from '../run-folder.js';
import { predictionRule } from '../training/components.js';
import { mnistData } from '../training/mnist-data.js';
import { mnistSamples } from '../training/mnist-samples.js';
import { COLORS } from '../training/run-plots.js';
import { resolveSettings, runTraining } from '../training/run-training.js';

export interface LearningCurveCommandOptions {
  model: ModelName;
  sizes: number[];
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  lr?: number;
  schedule?: ScheduleName;
  loss?: LossName;
  augment: AugmentName;
  weightDecay: number;
  testSize: number;
  seed: number;
  out: string;
  threads: number;
}

/**
 * One run per training-set size P; E_train is measured after training on the P training images
 * (undistorted), E_test on the test images. The gap is fit with LeCun et al. 1998's eq. 1.
 */
export async function runLearningCurve(
  options: LearningCurveCommandOptions,
  io: CliIo,
): Promise<void> {
  await ensureOutFolder(options.out);
  const lock = await lockRunFolder(options.out);
  try {
    await learningCurve(options, io);
  } finally {
    await lock.release();
  }
}

async function learningCurve(options: LearningCurveCommandOptions, io: CliIo): Promise<void> {
  const data = await mnistData();
  const points: (LearningCurvePoint & { seconds: number })[] = [];
  io.stdout.write(
    `lenet learning-curve: ${options.model} on P = ${options.sizes.join(', ')}; output: ${options.out}\n`,
  );
  for (const size of options.sizes) {
    const settings = resolveSettings({ ...options, trainSize: size });
    io.stdout.write(`\n## P = ${size}: ${settings.epochs} passes, ${settings.optimizer}\n`);
    const outcome = await runTraining(
      settings,
      join(options.out, `P-${size}`),
      data,
      createProgress(io.stdout),
    );
    const trainSet =
      size === data.train.length ? data.train : data.train.take(size, { seed: settings.seed });
    const trainEvaluation = await evaluate(outcome.model, mnistSamples(trainSet, settings.input), {
      prediction: predictionRule(settings.loss),
      misclassified: false,
    });
    const point = {
      size,
      trainError: trainEvaluation.errorRate / 100,
      testError: outcome.test.errorRate / 100,
      seconds: outcome.seconds,
    };
    points.push(point);
    io.stdout.write(
      `P = ${size}: E_train ${(100 * point.trainError).toFixed(2)}%, E_test ${(100 * point.testError).toFixed(2)}% (${formatDuration(outcome.seconds)})\n`,
    );
  }
  let fit: LearningCurveFit | null = null;
  let fitProblem = '';
  try {
    fit = fitLearningCurve(points);
  } catch (error) {
    fitProblem = (error as Error).message;
  }
  const table = markdownTable(
    ['P', 'E_train', 'E_test', 'E_test - E_train', 'wall time'],
    points.map((point) => [
      String(point.size),
      `${(100 * point.trainError).toFixed(2)}%`,
      `${(100 * point.testError).toFixed(2)}%`,
      `${(100 * (point.testError - point.trainError)).toFixed(2)}%`,
      formatDuration(point.seconds),
    ]),
  );
  io.stdout.write(`\n${table}\n\n`);
  io.stdout.write(
    fit
      ? `Fit of E_test - E_train = k (1/P)^alpha (errors as fractions, ${fit.pointsUsed} sizes): k = ${fit.k.toPrecision(4)}, alpha = ${fit.alpha.toFixed(3)}, R^2 = ${fit.rSquared.toFixed(3)}\n(the paper expects alpha between 0.5 and 1)\n`
      : `No fit: ${fitProblem}\n`,
  );
  await writeFileAtomic(
    join(options.out, 'learning-curve.svg'),
    learningCurveSvg(options.model, points, fit),
  );
  await writeFileAtomic(
    join(options.out, 'learning-curve.json'),
    `${JSON.stringify({ model: options.model, points, fit }, null, 2)}\n`,
  );
  io.stdout.write(`Wrote ${join(options.out, 'learning-curve.svg')} and learning-curve.json\n`);
}

/** E_train, E_test and the gap against P on log axes, with the fitted power law through the gap. */
export function learningCurveSvg(
  model: string,
  points: readonly LearningCurvePoint[],
  fit: LearningCurveFit | null,
): string {
  const percent = (value: number) => 100 * value;
  const series = [
    {
      name: 'E_test',
      points: points.map((p) => [p.size, percent(p.testError)] as const),
      color: COLORS.test,
    },
    {
      name: 'E_train',
      points: points.map((p) => [p.size, percent(p.trainError)] as const),
      color: COLORS.train,
    },
    {
      name: 'E_test - E_train',
      points: points.map((p) => [p.size, percent(p.testError - p.trainError)] as const),
      color: '#2ca02c',
    },
  ];
  if (fit && points.length > 0) {
    const low = Math.min(...points.map((p) => p.size));
    const high = Math.max(...points.map((p) => p.size));
    const curve = Array.from({ length: 25 }, (_, i) => {
      const size = low * (high / low) ** (i / 24);
      return [size, percent(fit.k * (1 / size) ** fit.alpha)] as const;
    });
    series.push({
      name: `fit: k (1/P)^${fit.alpha.toFixed(2)}`,
      points: curve,
      color: COLORS.fit,
      dashed: true,
      markers: false,
    } as (typeof series)[number]);
  }
  return lineChart({
    title: `${model}: learning curve`,
    xLabel: 'training-set size P',
    yLabel: 'error (%)',
    series,
    logX: true,
    logY: true,
  });
}
