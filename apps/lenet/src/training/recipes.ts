import type { CurvatureAverage } from '@lenet/trainer';
import type { LossName, ModelName, OptimizerName, ScheduleName } from '../names.js';
import type { InputFormat } from './mnist-samples.js';

/** How a model is trained when the command line does not say otherwise. */
export interface Recipe {
  readonly loss: LossName;
  readonly optimizer: OptimizerName;
  readonly schedule: ScheduleName;
  /** Initial global learning rate (the first entry of the paper's table for SDLM). */
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly input: InputFormat;
  /** Initial weights, for the zoo models that take a scheme (default: the model's own). */
  readonly init?: ModelInit;
  /** SDLM only: how the h_kk re-estimated before each pass combine (default 'pass'). */
  readonly curvatureAverage?: CurvatureAverage;
}

/** The LeNet-5 initialisations of `@lenet/nn-layers` (`lenet5({ init })`). */
export type ModelInit = 'lecun98' | 'lecun-lush';

/** The paper's recipe (section III-B): SDLM, per-pass table from eta = 0.0005, 20 passes, on-line. */
const PAPER = {
  optimizer: 'sdlm',
  schedule: 'paper',
  learningRate: 0.0005,
  epochs: 20,
  batchSize: 1,
} as const;

/**
 * The fully connected rows: mini-batch momentum SGD, halving the rate every 5 of 20 passes.
 * The paper does not describe how it trained them; on-line SDLM on 240,000-800,000 weights
 * takes hours per run on two cores, this takes minutes (`--optimizer sdlm --batch-size 1
 * --schedule paper --lr 0.0005` gives the on-line recipe back).
 */
const MINIBATCH = {
  optimizer: 'momentum',
  schedule: 'step',
  learningRate: 0.05,
  epochs: 20,
  batchSize: 32,
} as const;

/** Paper normalization: background -0.1, ink 1.175 (mean ~0, variance ~1 on MNIST). */
const PADDED_32 = { normalization: 'paper', padding: 2 } as const;
const PLAIN_28 = { normalization: 'paper', padding: 0 } as const;

/**
 * Where our `stretched` table starts (`stretchedPaperSchedule`: 0.00005 for passes 1-8, then
 * 0.00002, 0.00001 and 0.000005 for four passes each), for LeNet-4's on-line SDLM. It was
 * LeNet-5's default before `lecun-lush` and the running h_kk average made the paper's own
 * table train (README "Choices" and "Measured" have the runs).
 */
export const STRETCHED_LEARNING_RATE = 0.00005;

export const RECIPES: Readonly<Record<ModelName, Recipe>> = {
  /**
   * The paper's recipe with its own eta table unchanged, trained as LeCun's code conventions
   * read it: Lush's initialisation (`lecun-lush`: weights +-1/sqrt(fan-in), biases 0,
   * sub-sampling coefficients 0.5), and h_kk kept as a running average over every 500-sample
   * re-estimate (`curvatureAverage: 'running'`). With fresh per-pass estimates alone the
   * paper's table diverges in pass 2 (README "Choices").
   */
  lenet5: {
    ...PAPER,
    loss: 'rbf-map',
    input: PADDED_32,
    init: 'lecun-lush',
    curvatureAverage: 'running',
  },
  'lenet5-modern': {
    loss: 'cross-entropy',
    optimizer: 'adam',
    schedule: 'cosine',
    learningRate: 0.001,
    epochs: 10,
    batchSize: 32,
    input: PADDED_32,
  },
  lenet1: { ...PAPER, loss: 'cross-entropy', input: PLAIN_28 },
  lenet4: {
    ...PAPER,
    schedule: 'stretched',
    learningRate: STRETCHED_LEARNING_RATE,
    loss: 'cross-entropy',
    input: PADDED_32,
  },
  'mlp-300': { ...MINIBATCH, loss: 'cross-entropy', input: PLAIN_28 },
  'mlp-1000': { ...MINIBATCH, loss: 'cross-entropy', input: PLAIN_28 },
  'mlp-300-100': { ...MINIBATCH, loss: 'cross-entropy', input: PLAIN_28 },
  'mlp-500-150': { ...MINIBATCH, loss: 'cross-entropy', input: PLAIN_28 },
};

/**
 * `lenet train --recipe fast`: time to accuracy with every core. LeNet-5 in its modern form
 * (unless --model says otherwise), Adam at a rate scaled with the batch
 * (`fastLearningRate`), a short warm-up then a cosine (`warmupCosineSchedule`), a few passes,
 * and a batch that grows with the threads (`batchSizeForThreads`) so that each replica keeps a
 * slice large enough to run at full speed.
 */
export const FAST_RECIPE = {
  model: 'lenet5-modern',
  optimizer: 'adam',
  schedule: 'warmup-cosine',
  epochs: 4,
} as const;

/** Passes of the fast recipe's warm-up (fractional: a few hundred steps at batch 128). */
export const FAST_WARMUP_EPOCHS = 0.3;

/** The fast recipe's batch on `threads` threads: 64 rows per thread, from 64 to 1024. */
export function batchSizeForThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`batchSizeForThreads: threads must be an integer >= 1, got ${threads}`);
  }
  return Math.min(1024, 64 * threads);
}

/**
 * Adam's peak rate for a batch: 0.0035 at 64, scaled with the square root of the batch (the
 * noise of a gradient estimate falls with the square root of its batch); the README's
 * "Time to accuracy" has the runs that chose 0.0035 over 0.002.
 */
export function fastLearningRate(batchSize: number): number {
  return 0.0035 * Math.sqrt(batchSize / 64);
}
