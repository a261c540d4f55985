import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readJsonIfExists } from '../files.js';
import type { CliIo } from '../io.js';
import type { AugmentName, LossName, ModelName, OptimizerName, ScheduleName } from '../names.js';
import { createProgress, formatDuration } from '../progress.js';
import { mnistData } from '../training/mnist-data.js';
import { resolveSettings, runTraining, type TrainingSettings } from '../training/run-training.js';

export interface TrainCommandOptions {
  model: ModelName;
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  lr?: number;
  schedule?: ScheduleName;
  loss?: LossName;
  weightDecay: number;
  augment: AugmentName;
  trainSize: number;
  testSize: number;
  seed: number;
  out: string;
  resume: boolean;
  threads: number;
}

export async function runTrain(options: TrainCommandOptions, io: CliIo): Promise<void> {
  const settings = options.resume ? await resumedSettings(options) : resolveSettings(options);
  const data = await mnistData();
  io.stdout.write(`${describeRun(settings, options.out)}\n`);
  if (options.resume)
    io.stdout.write(
      `resuming from ${join(options.out, 'checkpoints')} (settings from settings.json)\n`,
    );
  const outcome = await runTraining(settings, options.out, data, createProgress(io.stdout), {
    resume: options.resume,
    threads: options.threads,
  });
  const { test } = outcome;
  io.stdout.write(
    `\nTest error: ${test.errorRate.toFixed(2)}% (${test.errors} of ${test.count} test images) after ${outcome.history.length} passes, ${formatDuration(outcome.seconds)}\n`,
  );
  io.stdout.write(
    `Wrote ${options.out}/: model.safetensors, settings.json, metrics.jsonl, result.json, checkpoints/, curves.svg, loss.svg, confusion.svg, errors.svg\n`,
  );
}

export function describeRun(settings: TrainingSettings, out: string): string {
  const trainImages =
    settings.trainSize === 60000 ? 'all 60000' : `${settings.trainSize} (class-balanced sample)`;
  return [
    `lenet train: ${settings.model}, loss ${settings.loss}, optimizer ${settings.optimizer}, ${settings.schedule} schedule from lr ${settings.learningRate}`,
    `  ${settings.epochs} passes, batch size ${settings.batchSize}, weight decay ${settings.weightDecay}, distortions ${settings.augment}, seed ${settings.seed}`,
    ...(settings.init || settings.curvatureAverage
      ? [
          `  initialisation ${settings.init ?? 'default'}, h_kk ${settings.curvatureAverage === 'running' ? 'running average over every estimate' : 'fresh each pass'}`,
        ]
      : []),
    `  training images: ${trainImages}; test images: ${settings.testSize}; output: ${out}`,
  ].join('\n');
}

async function resumedSettings(options: TrainCommandOptions): Promise<TrainingSettings> {
  const saved = await readJsonIfExists<TrainingSettings>(join(options.out, 'settings.json'));
  if (!saved) {
    throw new UsageError(
      `--resume: nothing to resume in ${options.out} (no settings.json); start a run with --out ${options.out} first`,
    );
  }
  return options.epochs === undefined ? saved : { ...saved, epochs: options.epochs };
}
