export { Adam, type AdamOptions, AdamW } from './adam.js';
export {
  type Checkpoint,
  CheckpointError,
  type CheckpointName,
  type CheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
  type MonitorState,
  memoryCheckpointStore,
} from './checkpoint.js';
export {
  BatchAssembler,
  type LabelledSamples,
  samplesFromArrays,
} from './data.js';
export { readModelState } from './device-values.js';
export {
  type EvaluateOptions,
  type Evaluation,
  evaluate,
  type Misclassified,
} from './evaluate.js';
export { fit, NonFiniteLossError } from './fit.js';
export type { BatchEnd, FitOptions, FitResult, MonitoredMetric } from './fit-options.js';
export {
  gaussNewtonCurvature,
  type LossOption,
  predictionRuleFor,
} from './loss.js';
export {
  ConfusionMatrix,
  type EpochMetrics,
  type PredictionRule,
  predictClass,
} from './metrics.js';
export type {
  BatchAugment,
  CurvatureEstimator,
  LossFunction,
  TrainableModel,
} from './model.js';
export {
  type EpochContext,
  Optimizer,
  type OptimizerState,
  type Parameter,
} from './optimizer.js';
export {
  DataParallel,
  type DataParallelOptions,
  type ParallelBatchResult,
  sharedMemoryUsable,
} from './parallel/data-parallel.js';
export { evaluateParallel } from './parallel/evaluate-parallel.js';
export {
  PHASE_NAMES,
  type PhaseName,
  type PhaseTimes,
  type ReplicaPhaseTimes,
} from './parallel/phase-times.js';
export { type ReplicaPort, serveReplica } from './parallel/replica-host.js';
export {
  nodeWorkerFactory,
  type ReplicaWorker,
  type WorkerFactory,
  webWorkerFactory,
} from './parallel/worker-factory.js';
export {
  constantSchedule,
  cosineSchedule,
  exponentialSchedule,
  linearWarmup,
  PAPER_LEARNING_RATES,
  type PassRate,
  paperSchedule,
  perPassSchedule,
  type Schedule,
  STRETCHED_PAPER_RATES,
  stepSchedule,
  stretchedPaperSchedule,
  warmupCosineSchedule,
} from './schedules.js';
export { type CurvatureAverage, SDLM, type SDLMOptions } from './sdlm.js';
export { SGD, type SGDOptions } from './sgd.js';
