// What `fit` takes and gives: its options, the per-batch event and the result (apart from
// fit.ts so that the runners can name them without importing the loop).
import type { Checkpoint, CheckpointStore } from './checkpoint.js';
import type { LabelledSamples } from './data.js';
import type { LossOption } from './loss.js';
import type { EpochMetrics, PredictionRule } from './metrics.js';
import type { BatchAugment, CurvatureEstimator } from './model.js';
import type { Optimizer } from './optimizer.js';
import type { WorkerFactory } from './parallel/worker-factory.js';
import type { Schedule } from './schedules.js';

/** The metric that decides `best` checkpoints and early stopping; lower is better. */
export type MonitoredMetric =
  | 'validationError'
  | 'validationLoss'
  | 'testError'
  | 'trainLoss'
  | 'trainError';

/** What `onBatchEnd` receives. One object reused for every batch: copy what you keep. */
export interface BatchEnd {
  /** 1-based pass. */
  epoch: number;
  /** 0-based batch within the pass. */
  batch: number;
  batches: number;
  /** This batch's loss (mean over its samples). */
  loss: number;
  /** Misclassified samples in this batch (on the fly, before the update). */
  errors: number;
  /** Samples in this batch. */
  size: number;
  learningRate: number;
  /** Optimizer steps so far in the whole run. */
  step: number;
}

export interface FitOptions {
  train: LabelledSamples;
  /** Evaluated after each pass; drives `best` and early stopping by default. */
  validation?: LabelledSamples;
  /** Evaluated after each pass for the report (test error per pass, as in the paper). */
  test?: LabelledSamples;
  /** A function, or an `@lenet/nn-layers` loss name ('cross-entropy', 'rbf-map', { name, j }). */
  loss: LossOption;
  optimizer: Optimizer;
  /** Learning rate before each step; default: keep the optimizer's own. */
  schedule?: Schedule;
  /** Total passes (including those done before a resume). */
  epochs: number;
  /** 1 is the paper's on-line training. Default 1. */
  batchSize?: number;
  /** Reshuffle each pass (true, default), one random order for all passes ('once'), or none. */
  shuffle?: boolean | 'once';
  /** Distortion applied to each training batch with the run's seeded augment stream. */
  augment?: BatchAugment;
  /** Seeds every random stream of the run (order, augmentation, curvature samples). Default 0. */
  seed?: number;
  /** How an output row names its class. Default: 'argmin' for RBF losses, else 'argmax'. */
  prediction?: PredictionRule;
  /**
   * SDLM's curvature estimator; default: the Gauss-Newton pass of the loss (the paper's
   * eqs. 22-27), compiled, for any model built from ops and any loss.
   */
  curvature?: CurvatureEstimator;
  /** Batch size for validation/test evaluation. Default 500. */
  evaluationBatchSize?: number;
  /** Where `last` (every pass) and `best` checkpoints go. Node: `fileCheckpointStore(dir)`. */
  checkpoints?: CheckpointStore;
  /** Continue from the store's `last` checkpoint (true) or from this checkpoint. */
  resume?: boolean | Checkpoint;
  /** Default: 'validationError' with a validation set, else 'trainLoss'. */
  monitor?: MonitoredMetric;
  /** Stop when the monitored metric has not improved by `minDelta` for `patience` passes. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Kept in every checkpoint (e.g. the command line's settings). */
  extra?: Record<string, unknown>;
  onBatchEnd?: (batch: BatchEnd) => void;
  onEpochEnd?: (metrics: EpochMetrics, history: readonly EpochMetrics[]) => void | Promise<void>;
  /** Checked between batches: an aborted run returns after the current batch. */
  signal?: AbortSignal;
  /** Yield to the event loop every this many batches (lets a Web Worker see messages). */
  yieldEvery?: number;
  /**
   * Threads computing each batch (data parallel; default 1): this one plus `threads - 1`
   * workers, each on a slice of the batch. More than one needs a zoo model and a named loss.
   * Batches of one sample are not split; evaluation is. Same seed and threads: bit-identical
   * weights.
   */
  threads?: number;
  /** How to start the workers; default: `worker_threads` in Node, Web Workers in a browser. */
  workers?: WorkerFactory;
}

export interface FitResult {
  /** Metrics of every pass, including those done before a resume. */
  readonly history: EpochMetrics[];
  /** Passes completed. */
  readonly epochs: number;
  /** The pass this call started from (0 unless resumed). */
  readonly resumedFromEpoch: number;
  readonly bestEpoch: number;
  readonly bestValue: number | null;
  readonly monitor: MonitoredMetric;
  readonly stopReason: 'completed' | 'early-stopping' | 'aborted';
}
