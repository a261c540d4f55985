import { join } from 'node:path';
import type { Module } from '@lenet/nn-layers';
import {
  type Checkpoint,
  type CurvatureAverage,
  type EpochMetrics,
  type Evaluation,
  evaluate,
} from '@lenet/trainer';
import { fit } from '@lenet/trainer/node';
import { writeFileAtomic } from '../files.js';
import type {
  AugmentName,
  BackendName,
  LossName,
  ModelName,
  OptimizerName,
  RecipeName,
  ScheduleName,
} from '../names.js';
import { formatDuration, formatRate, type ProgressReporter } from '../progress.js';
import { cleanLeftovers } from '../run-folder.js';
import {
  createAugment,
  createModel,
  createOptimizer,
  createSchedule,
  predictionRule,
} from './components.js';
import type { MnistData } from './mnist-data.js';
import { backgroundValue, type InputFormat, mnistSamples } from './mnist-samples.js';
import {
  batchSizeForThreads,
  FAST_RECIPE,
  fastLearningRate,
  type ModelInit,
  RECIPES,
} from './recipes.js';
import { writeRunPlots } from './run-plots.js';
import { saveTrainedModel } from './trained-model.js';

/** Everything that defines a run; saved as settings.json so a run can be resumed or re-read. */
export interface TrainingSettings {
  readonly model: ModelName;
  readonly loss: LossName;
  readonly optimizer: OptimizerName;
  readonly schedule: ScheduleName;
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly weightDecay: number;
  readonly augment: AugmentName;
  /** Training images used (a class-balanced sample when below 60,000). */
  readonly trainSize: number;
  /** First n test images evaluated. */
  readonly testSize: number;
  readonly seed: number;
  /** Threads computing each batch: part of what fixes the weights when the batch size is > 1. */
  readonly threads: number;
  readonly input: InputFormat;
  /** The model's initial weights when its recipe names a scheme (absent: the model's default). */
  readonly init?: ModelInit;
  /** SDLM: how each pass's h_kk estimate combines with the earlier ones (absent: 'pass'). */
  readonly curvatureAverage?: CurvatureAverage;
  /** The tensor backend the run computes on (absent in runs from before --backend: 'wasm'). */
  readonly backend?: BackendName;
}

/** Command-line choices; unset ones come from the model's recipe. */
export interface TrainingChoices {
  model: ModelName;
  loss?: LossName;
  optimizer?: OptimizerName;
  schedule?: ScheduleName;
  lr?: number;
  epochs?: number;
  batchSize?: number;
  weightDecay?: number;
  augment?: AugmentName;
  trainSize?: number;
  testSize?: number;
  seed?: number;
  threads?: number;
  backend?: BackendName;
  /** 'fast': the large-batch recipe (`FAST_RECIPE`); default 'paper', the model's own. */
  recipe?: RecipeName;
}

export function resolveSettings(choices: TrainingChoices): TrainingSettings {
  if (choices.recipe === 'fast') return resolveFastSettings(choices);
  const recipe = RECIPES[choices.model];
  const optimizer = choices.optimizer ?? recipe.optimizer;
  // A learning rate only carries over between optimizers of the same kind.
  const defaultRate =
    optimizer === recipe.optimizer ? recipe.learningRate : DEFAULT_RATES[optimizer];
  return {
    model: choices.model,
    loss: choices.loss ?? recipe.loss,
    optimizer,
    schedule:
      choices.schedule ??
      (optimizer === 'sdlm'
        ? recipe.schedule
        : recipe.schedule === 'paper' || recipe.schedule === 'stretched'
          ? 'step'
          : recipe.schedule),
    learningRate: choices.lr ?? defaultRate,
    epochs: choices.epochs ?? recipe.epochs,
    batchSize: choices.batchSize ?? recipe.batchSize,
    weightDecay: choices.weightDecay ?? 0,
    augment: choices.augment ?? 'none',
    trainSize: choices.trainSize ?? 60000,
    testSize: choices.testSize ?? 10000,
    seed: choices.seed ?? 1,
    threads: choices.threads ?? 1,
    backend: choices.backend ?? 'wasm',
    input: recipe.input,
    // Like the rate, the recipe's initialisation and h_kk averaging belong to its optimizer
    // (the Adam rows of `lenet reproduce` keep the model's default initialisation).
    ...(optimizer === recipe.optimizer && recipe.init ? { init: recipe.init } : {}),
    ...(optimizer === recipe.optimizer && recipe.curvatureAverage
      ? { curvatureAverage: recipe.curvatureAverage }
      : {}),
  };
}

/**
 * The fast recipe: Adam with its rate scaled with the batch, warm-up then cosine, a batch
 * picked from the thread count; choices given on the command line still win.
 */
function resolveFastSettings(choices: TrainingChoices): TrainingSettings {
  const threads = choices.threads ?? 1;
  const batchSize = choices.batchSize ?? batchSizeForThreads(threads);
  const optimizer = choices.optimizer ?? FAST_RECIPE.optimizer;
  const recipe = RECIPES[choices.model];
  return {
    model: choices.model,
    loss: choices.loss ?? recipe.loss,
    optimizer,
    schedule: choices.schedule ?? FAST_RECIPE.schedule,
    learningRate:
      choices.lr ??
      (optimizer === FAST_RECIPE.optimizer
        ? fastLearningRate(batchSize)
        : DEFAULT_RATES[optimizer]),
    epochs: choices.epochs ?? FAST_RECIPE.epochs,
    batchSize,
    weightDecay: choices.weightDecay ?? 0,
    augment: choices.augment ?? 'none',
    trainSize: choices.trainSize ?? 60000,
    testSize: choices.testSize ?? 10000,
    seed: choices.seed ?? 1,
    threads,
    input: recipe.input,
  };
}

/** The starting rate of an optimizer other than the recipe's. */
export const DEFAULT_RATES: Readonly<Record<OptimizerName, number>> = {
  sdlm: 0.0005,
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamw: 0.001,
};

/** Where a run is: the pass in progress, images done in it, the last pass checkpointed. */
export interface TrainingStatus {
  epoch: number;
  imagesDone: number;
  savedEpoch: number;
}

export interface TrainingOutcome {
  readonly settings: TrainingSettings;
  readonly history: readonly EpochMetrics[];
  /** Final evaluation of the last weights on the test images, with the misclassified list. */
  readonly test: Evaluation;
  /** Wall time of this call (training, evaluation and writing files). */
  readonly seconds: number;
  readonly resumedFromEpoch: number;
  readonly model: Module;
}

/**
 * Trains one model and writes into `out`: settings.json, metrics.jsonl (one line per pass,
 * rewritten atomically each pass), checkpoints/, model.safetensors, result.json and the
 * pictures (curves.svg, confusion.svg, errors.svg).
 */
export async function runTraining(
  settings: TrainingSettings,
  out: string,
  data: MnistData,
  progress: ProgressReporter,
  options: {
    /** The checkpoint to continue from (loaded and checked by the caller). */
    resume?: Checkpoint;
    /** Kept up to date while training, for a message on Ctrl-C. */
    status?: TrainingStatus;
  } = {},
): Promise<TrainingOutcome> {
  const started = performance.now();
  const trainSet = subsetOf(data.train, settings.trainSize, '--train-size', settings.seed);
  const testSet = subsetOf(data.test, settings.testSize, '--test-size', null);
  const model = createModel(settings.model, settings.seed, settings.init);
  const optimizer = createOptimizer(
    settings.optimizer,
    model.parameters(),
    settings.learningRate,
    settings.weightDecay,
    settings.curvatureAverage,
  );
  const prediction = predictionRule(settings.loss);
  const train = mnistSamples(trainSet, settings.input);
  const test = mnistSamples(testSet, settings.input);
  // What a killed run left in this folder (train has already done this and said so; reproduce
  // and learning-curve rows rely on it here).
  await cleanLeftovers(out);
  await writeFileAtomic(join(out, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);

  const status = options.status;
  if (status) status.savedEpoch = options.resume?.epoch ?? 0;
  let epochLoss = 0;
  let epochSeen = 0;
  const result = await fit(model, {
    train,
    test,
    // By name, so that worker threads can rebuild it.
    loss: settings.loss,
    threads: settings.threads,
    optimizer,
    schedule: createSchedule(settings.schedule, settings.learningRate, settings.epochs),
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    augment: createAugment(settings.augment, backgroundValue(settings.input)),
    seed: settings.seed,
    prediction,
    checkpointDir: join(out, 'checkpoints'),
    resume: options.resume ?? false,
    monitor: 'trainLoss',
    extra: { settings },
    onBatchEnd(batch) {
      if (batch.batch === 0) {
        progress.startEpoch(batch.epoch, settings.epochs, train.length);
        epochLoss = 0;
        epochSeen = 0;
      }
      epochLoss += batch.loss * batch.size;
      epochSeen += batch.size;
      if (status) {
        status.epoch = batch.epoch;
        status.imagesDone = epochSeen;
      }
      progress.update({ done: epochSeen, loss: epochLoss / epochSeen });
    },
    async onEpochEnd(metrics, history) {
      progress.endEpoch(epochSummary(metrics, settings.epochs));
      const lines = history.map((entry) => JSON.stringify(entry)).join('\n');
      await writeFileAtomic(join(out, 'metrics.jsonl'), `${lines}\n`);
      await writeRunPlots(out, settings, history, null);
      if (status) status.savedEpoch = metrics.epoch;
    },
  });
  progress.stop();

  // fit and evaluate run compiled programs, which allocate nothing per step and so never make
  // the wasm backend evict.
  const final = await evaluate(model, test, {
    prediction,
    loss: settings.loss,
    misclassified: true,
  });
  await saveTrainedModel(out, model, settings);
  await writeRunPlots(out, settings, result.history, { evaluation: final, testSet });
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    testError: final.errorRate,
    testErrors: final.errors,
    testCount: final.count,
    perClassError: final.perClassError,
    confusion: final.confusion,
    epochs: result.epochs,
    stopReason: result.stopReason,
    trainSeconds: result.history.reduce((sum, entry) => sum + entry.seconds, 0),
    seconds,
  };
  await writeFileAtomic(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return {
    settings,
    history: result.history,
    test: final,
    seconds,
    resumedFromEpoch: result.resumedFromEpoch,
    model,
  };
}

function subsetOf<
  T extends { length: number; take(count: number, options?: { seed?: number }): T },
>(dataset: T, size: number, flag: string, seed: number | null): T {
  if (size > dataset.length) {
    throw new RangeError(`${flag} ${size} is larger than the ${dataset.length} images available`);
  }
  if (size === dataset.length) return dataset;
  return seed === null ? dataset.take(size) : dataset.take(size, { seed });
}

export function epochSummary(metrics: EpochMetrics, epochs: number): string {
  const parts = [
    `epoch ${metrics.epoch}/${epochs}`,
    `lr ${metrics.learningRate.toPrecision(3)}`,
    `loss ${metrics.trainLoss.toPrecision(4)}`,
    `train error ${metrics.trainError.toFixed(2)}%`,
  ];
  if (metrics.testError !== undefined) parts.push(`test error ${metrics.testError.toFixed(2)}%`);
  parts.push(formatRate(metrics.imagesPerSecond), formatDuration(metrics.seconds));
  return parts.join(' | ');
}
