import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Checkpoint,
  checkpointPath,
  decodeCheckpoint,
  loadCheckpointFile,
} from '@lenet/trainer/node';
import { threadsFor, useBackend } from '../backend-choice.js';
import { UsageError } from '../errors.js';
import { readJsonIfExists } from '../files.js';
import type { CliIo } from '../io.js';
import type {
  AugmentName,
  BackendName,
  LossName,
  ModelName,
  OptimizerName,
  RecipeName,
  ScheduleName,
} from '../names.js';
import { createProgress, formatDuration } from '../progress.js';
import {
  cleanLeftovers,
  ensureOutFolder,
  holdsRun,
  lockRunFolder,
  removeRunFiles,
} from '../run-folder.js';
import { mnistData } from '../training/mnist-data.js';
import { FAST_RECIPE } from '../training/recipes.js';
import {
  resolveSettings,
  runTraining,
  type TrainingSettings,
  type TrainingStatus,
} from '../training/run-training.js';

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
  force: boolean;
  threads: number;
  /** Where tensors are computed (default 'wasm'); kept in settings.json for --resume. */
  backend?: BackendName;
  /** 'fast': the large-batch recipe (its model is lenet5-modern unless --model is given). */
  recipe?: RecipeName;
  /** Options the user typed (not defaults), by their option name; what --resume checks. */
  given?: ReadonlySet<string>;
}

export async function runTrain(options: TrainCommandOptions, io: CliIo): Promise<void> {
  const { out } = options;
  if (options.resume && options.force) {
    throw new UsageError('--resume continues the run in --out, --force replaces it: give one');
  }
  await ensureOutFolder(out);
  const lock = await lockRunFolder(out);
  const status: TrainingStatus = { epoch: 0, imagesDone: 0, savedEpoch: 0 };
  let settings: TrainingSettings | undefined;
  const onInterrupt = () => {
    // The checkpoint on disk is the truth: a pass may have been saved since status was updated.
    status.savedEpoch = Math.max(status.savedEpoch, savedPass(out));
    io.stderr.write(`\n${interruptedMessage(out, status, settings)}\n`);
    void lock.release().finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    const removed = await cleanLeftovers(out);
    if (removed.length > 0) {
      io.stdout.write(`removed ${removed.length} temporary file(s) a stopped run left in ${out}\n`);
    }
    let resume: Checkpoint | undefined;
    if (options.resume) {
      settings = await resumedSettings(options);
      resume = await newestIntactCheckpoint(out, io);
      if (settings.epochs < resume.epoch) {
        throw new UsageError(
          `--resume: the checkpoint is at pass ${resume.epoch}, past --epochs ${settings.epochs}`,
        );
      }
    } else {
      const present = await holdsRun(out);
      if (present.length > 0 && !options.force) {
        throw new UsageError(
          `--out ${out} holds a run (${present.join(', ')}); add --resume to continue it, --force to replace it, or choose another --out`,
        );
      }
      if (options.force) await removeRunFiles(out);
      const backend = options.backend ?? 'wasm';
      const threadsGiven = options.given?.has('threads') ?? false;
      const fastModel =
        options.recipe === 'fast' && !options.given?.has('model') ? FAST_RECIPE.model : undefined;
      settings = resolveSettings({
        ...options,
        model: fastModel ?? options.model,
        backend,
        threads: threadsFor(backend, options.threads, threadsGiven),
      });
    }
    await useBackend(settings.backend ?? 'wasm');
    const data = await mnistData();
    io.stdout.write(`${describeRun(settings, out)}\n`);
    if (resume) {
      io.stdout.write(
        `resuming after pass ${resume.epoch} of ${settings.epochs} (settings from ${join(out, 'settings.json')})\n`,
      );
    }
    const outcome = await runTraining(settings, out, data, createProgress(io.stdout), {
      resume,
      status,
    });
    const { test } = outcome;
    const passes = outcome.history.length;
    io.stdout.write(
      `\nTest error: ${test.errorRate.toFixed(2)}% (${test.errors} of ${test.count} test images) after ${passes} ${passes === 1 ? 'pass' : 'passes'}, ${formatDuration(outcome.seconds)}\n`,
    );
    io.stdout.write(
      `Wrote ${out}/: model.safetensors, settings.json, metrics.jsonl, result.json, checkpoints/, curves.svg, loss.svg, confusion.svg, errors.svg\n`,
    );
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await lock.release();
  }
}

export function describeRun(settings: TrainingSettings, out: string): string {
  const trainImages =
    settings.trainSize === 60000 ? 'all 60000' : `${settings.trainSize} (class-balanced sample)`;
  return [
    `lenet train: ${settings.model}, loss ${settings.loss}, optimizer ${settings.optimizer}, ${settings.schedule} schedule from lr ${settings.learningRate}`,
    `  ${settings.epochs} passes, batch size ${settings.batchSize}, weight decay ${settings.weightDecay}, distortions ${settings.augment}, seed ${settings.seed}, ${settings.threads} thread${settings.threads === 1 ? '' : 's'}${settings.backend && settings.backend !== 'wasm' ? `, on ${settings.backend}` : ''}`,
    ...(settings.init || settings.curvatureAverage
      ? [
          `  initialisation ${settings.init ?? 'default'}, h_kk ${settings.curvatureAverage === 'running' ? 'running average over every estimate' : 'fresh each pass'}`,
        ]
      : []),
    `  training images: ${trainImages}; test images: ${settings.testSize}; output: ${out}`,
  ].join('\n');
}

/** What Ctrl-C prints: where the run stopped and the exact command that continues it. */
export function interruptedMessage(
  out: string,
  status: TrainingStatus,
  settings: TrainingSettings | undefined,
): string {
  const where =
    status.epoch > 0
      ? `stopped in pass ${status.epoch}${settings ? ` of ${settings.epochs}` : ''} after ${status.imagesDone} images`
      : 'stopped before the first pass';
  const saved =
    status.savedEpoch > 0
      ? `; ${checkpointPath(join(out, 'checkpoints'), 'last')} holds pass ${status.savedEpoch}. Resume with:\n  lenet train --out ${shellQuote(out)} --resume`
      : '; no pass was checkpointed yet. Start again with:\n  lenet train --out ' +
        `${shellQuote(out)} --force (and the same settings)`;
  return `lenet: interrupted: ${where}${saved}`;
}

/** The pass in `<out>/checkpoints/checkpoint-last.safetensors`, 0 when there is none intact. */
function savedPass(out: string): number {
  try {
    const path = checkpointPath(join(out, 'checkpoints'), 'last');
    return decodeCheckpoint(readFileSync(path), path).epoch;
  } catch {
    return 0;
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Options that `--resume` may take beside the saved settings: a larger `--epochs` (checked
 * against the checkpoint), and options equal to the saved ones.
 */
const SETTING_OF_OPTION: Readonly<Record<string, keyof TrainingSettings>> = {
  model: 'model',
  loss: 'loss',
  optimizer: 'optimizer',
  schedule: 'schedule',
  lr: 'learningRate',
  batchSize: 'batchSize',
  weightDecay: 'weightDecay',
  augment: 'augment',
  trainSize: 'trainSize',
  testSize: 'testSize',
  seed: 'seed',
  threads: 'threads',
  backend: 'backend',
};

function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

async function resumedSettings(options: TrainCommandOptions): Promise<TrainingSettings> {
  const path = join(options.out, 'settings.json');
  const saved = await readJsonIfExists<TrainingSettings>(path);
  if (!saved) {
    throw new UsageError(
      `--resume: nothing to resume in ${options.out} (no settings.json); start a run with --out ${options.out} first`,
    );
  }
  // Runs from before threads were recorded: the thread count given now (or its default).
  const settings = {
    ...saved,
    threads: saved.threads ?? options.threads,
    backend: saved.backend ?? 'wasm',
  };
  const given = options.given ?? new Set<string>();
  for (const [option, key] of Object.entries(SETTING_OF_OPTION)) {
    const value = (options as unknown as Record<string, unknown>)[option];
    if (given.has(option) && value !== settings[key]) {
      throw new UsageError(
        `--resume: ${flagOf(option)} ${value} contradicts ${path} (${key} ${settings[key]}); a resumed run keeps its settings (same seed and threads, same weights), only a larger --epochs may be given`,
      );
    }
  }
  if (options.epochs !== undefined && given.has('epochs')) {
    if (options.epochs < saved.epochs) {
      throw new UsageError(
        `--resume: --epochs ${options.epochs} is smaller than the run's ${saved.epochs} (${path}); only a larger --epochs continues a run`,
      );
    }
    return { ...settings, epochs: options.epochs };
  }
  return settings;
}

/**
 * The checkpoint to resume from: `last`, or `best` when `last` is missing or damaged (said so,
 * naming both files). Refuses when neither is intact.
 */
async function newestIntactCheckpoint(out: string, io: CliIo): Promise<Checkpoint> {
  const folder = join(out, 'checkpoints');
  const problems: string[] = [];
  for (const name of ['last', 'best'] as const) {
    const path = checkpointPath(folder, name);
    try {
      const checkpoint = await loadCheckpointFile(path, { missingOk: true });
      if (checkpoint) {
        if (problems.length > 0) {
          io.stdout.write(
            `${problems.join('; ')}: resuming from ${path} (pass ${checkpoint.epoch}) instead\n`,
          );
        }
        return checkpoint;
      }
      problems.push(`${path} is missing`);
    } catch (error) {
      const message = (error as Error).message;
      problems.push(
        `${path} is damaged (${message.startsWith(path) ? message.slice(path.length + 2) : message})`,
      );
    }
  }
  throw new UsageError(
    `--resume: no intact checkpoint to resume from: ${problems.join('; ')}. Start again with --force`,
  );
}
