import { Generator, isReadable, type Tensor } from '@lenet/tensor';
import type { Checkpoint, MonitorState } from './checkpoint.js';
import { checkBatchSize } from './checks.js';
import { BatchAssembler, checkSamples } from './data.js';
import { readModelState } from './device-values.js';
import type { BatchEnd, FitOptions, FitResult } from './fit-options.js';
import { resolveLoss } from './loss.js';
import type { EpochMetrics, PredictionRule } from './metrics.js';
import { predictClass } from './metrics.js';
import type { BatchAugment, CurvatureEstimator, TrainableModel } from './model.js';
import type { DataParallel } from './parallel/data-parallel.js';
import { evaluateOn, openRunner } from './runner.js';

/** A non-finite loss stopped the run; the last checkpoint written before it is untouched. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly batches: number,
    readonly value: number,
  ) {
    super(
      `fit: the loss became ${value} at pass ${epoch}, batch ${batch + 1} of ${batches}; training stopped, and checkpoints written before this pass are kept untouched. Lower the learning rate or check the data.`,
    );
  }
}

/** The random streams of a run, forked from the seed in this fixed order. */
interface RandomStreams {
  readonly order: Generator;
  readonly augment: Generator;
  readonly curvature: Generator;
}

/**
 * Trains `model` for `options.epochs` passes over `options.train`. One pass: (SDLM: estimate
 * the curvature), then for each batch: assemble, distort, set the learning rate, forward, loss,
 * backward, step; then evaluate, record metrics, checkpoint, maybe stop early.
 */
export async function fit(model: TrainableModel, options: FitOptions): Promise<FitResult> {
  resolveOptions(options);
  const runner = await openRunner(model, options);
  try {
    return await fitWith(model, options, runner);
  } finally {
    await runner.close();
  }
}

/** The loop itself; `runner` runs every batch (compiled, on one thread or split over several). */
async function fitWith(
  model: TrainableModel,
  options: FitOptions,
  runner: DataParallel,
): Promise<FitResult> {
  const settings = resolveOptions(options);
  const { train, optimizer, batchSize } = settings;
  const classCount = train.classCount ?? 10;
  const random = createStreams(settings.seed);
  const fixedOrder = settings.shuffle === 'once' ? random.order.permutation(train.length) : null;
  const order = new Int32Array(train.length);
  const assembler = new BatchAssembler(train, batchSize);
  // SDLM's curvature: the runner's compiled Gauss-Newton pass unless the caller gave an estimator.
  const estimator: CurvatureEstimator =
    settings.curvature ??
    ((_model, images, labels) => runner.curvature(images, labels, labels.size));
  const curvature = curvatureSampler(model, options, estimator, random.curvature);

  let history: EpochMetrics[] = [];
  let monitorState: MonitorState = { bestValue: null, bestEpoch: 0, epochsSinceImprovement: 0 };
  const resumed = await restore(model, options, random);
  if (resumed) {
    history = [...resumed.history];
    monitorState = resumed.monitor;
  }
  const startEpoch = resumed?.epoch ?? 0;
  const batches = Math.ceil(train.length / batchSize);
  const batchEnd: BatchEnd = {
    epoch: 0,
    batch: 0,
    batches,
    loss: 0,
    errors: 0,
    size: 0,
    learningRate: 0,
    step: 0,
  };
  let stopReason: FitResult['stopReason'] = 'completed';

  for (let epoch = startEpoch; epoch < settings.epochs; epoch++) {
    const epochStarted = performance.now();
    fillOrder(order, settings.shuffle, fixedOrder, random.order);
    model.train();
    await optimizer.beforeEpoch({ epoch, estimateCurvature: curvature });
    const learningRateAtStart = settings.schedule
      ? settings.schedule(epoch, optimizer.stepCount)
      : optimizer.learningRate;

    const trainStarted = performance.now();
    let lossSum = 0;
    let errorCount = 0;
    let seen = 0;
    for (let batch = 0; batch < batches; batch++) {
      const start = batch * batchSize;
      const size = Math.min(batchSize, train.length - start);
      const { images, labels } = assembler.fill(order, start, size);
      if (settings.augment) {
        // Augmentations distort a host copy: a batch assembled on a device is read back first.
        if (!isReadable(images)) await images.sync();
        applyAugment(settings.augment, images, random.augment);
      }
      if (settings.schedule) {
        optimizer.learningRate = settings.schedule(epoch + batch / batches, optimizer.stepCount);
      }
      // The runner sets every parameter's gradient (rather than adding to it).
      const result = await runner.trainBatch(images, labels, size);
      const lossValue = result.loss;
      if (!Number.isFinite(lossValue))
        throw new NonFiniteLossError(epoch + 1, batch, batches, lossValue);
      const errors = countErrors(
        result.outputs,
        labels.data,
        size,
        classCount,
        settings.prediction,
      );
      optimizer.step();

      lossSum += lossValue * size;
      errorCount += errors;
      seen += size;
      if (options.onBatchEnd) {
        batchEnd.epoch = epoch + 1;
        batchEnd.batch = batch;
        batchEnd.loss = lossValue;
        batchEnd.errors = errors;
        batchEnd.size = size;
        batchEnd.learningRate = optimizer.learningRate;
        batchEnd.step = optimizer.stepCount;
        options.onBatchEnd(batchEnd);
      }
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      if (settings.yieldEvery > 0 && (batch + 1) % settings.yieldEvery === 0)
        await yieldToEventLoop();
    }
    if (stopReason === 'aborted') break;
    const trainSeconds = (performance.now() - trainStarted) / 1000;

    const evaluationOptions = {
      batchSize: settings.evaluationBatchSize,
      prediction: settings.prediction,
      misclassified: false,
    };
    const validation =
      options.validation && (await evaluateOn(runner, options.validation, evaluationOptions));
    const test = options.test && (await evaluateOn(runner, options.test, evaluationOptions));
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      learningRate: learningRateAtStart,
      trainLoss: lossSum / seen,
      trainError: (100 * errorCount) / seen,
      ...(validation
        ? { validationLoss: validation.loss, validationError: validation.errorRate }
        : {}),
      ...(test ? { testLoss: test.loss, testError: test.errorRate } : {}),
      seconds: (performance.now() - epochStarted) / 1000,
      trainSeconds,
      imagesPerSecond: seen / trainSeconds,
    };
    history.push(metrics);

    const monitored = metrics[settings.monitor] as number;
    const improved =
      monitorState.bestValue === null || monitored < monitorState.bestValue - settings.minDelta;
    monitorState = improved
      ? { bestValue: monitored, bestEpoch: epoch + 1, epochsSinceImprovement: 0 }
      : { ...monitorState, epochsSinceImprovement: monitorState.epochsSinceImprovement + 1 };
    if (options.checkpoints) {
      const checkpoint: Checkpoint = {
        epoch: epoch + 1,
        model: await readModelState(model),
        optimizer: await optimizer.readStateDict(),
        generators: {
          order: random.order.getState(),
          augment: random.augment.getState(),
          curvature: random.curvature.getState(),
        },
        history,
        monitor: monitorState,
        extra: options.extra,
      };
      if (improved) await options.checkpoints.save('best', checkpoint);
      await options.checkpoints.save('last', checkpoint);
    }
    await options.onEpochEnd?.(metrics, history);
    if (settings.patience !== null && monitorState.epochsSinceImprovement >= settings.patience) {
      stopReason = 'early-stopping';
      break;
    }
  }

  return {
    history,
    epochs: history.length,
    resumedFromEpoch: startEpoch,
    bestEpoch: monitorState.bestEpoch,
    bestValue: monitorState.bestValue,
    monitor: settings.monitor,
    stopReason,
  };
}

function resolveOptions(options: FitOptions) {
  if (!options || typeof options !== 'object') throw new TypeError('fit: options are required');
  checkSamples(options.train, 'train');
  if (options.validation) checkSamples(options.validation, 'validation');
  if (options.test) checkSamples(options.test, 'test');
  const loss = resolveLoss(options.loss);
  if (!options.optimizer || typeof options.optimizer.step !== 'function') {
    throw new TypeError('fit: optimizer must be an Optimizer (SGD, Adam, AdamW, SDLM)');
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 0) {
    throw new RangeError(`fit: epochs must be an integer >= 0, got ${options.epochs}`);
  }
  const monitor = options.monitor ?? (options.validation ? 'validationError' : 'trainLoss');
  if ((monitor === 'validationError' || monitor === 'validationLoss') && !options.validation) {
    throw new RangeError(`fit: monitor '${monitor}' needs a validation set`);
  }
  if (monitor === 'testError' && !options.test) {
    throw new RangeError("fit: monitor 'testError' needs a test set");
  }
  const patience = options.earlyStopping?.patience ?? null;
  if (patience !== null && (!Number.isInteger(patience) || patience < 1)) {
    throw new RangeError(`fit: earlyStopping.patience must be an integer >= 1, got ${patience}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed))
    throw new RangeError(`fit: seed must be a finite number, got ${seed}`);
  const yieldEvery = options.yieldEvery ?? 0;
  if (!Number.isInteger(yieldEvery) || yieldEvery < 0) {
    throw new RangeError(`fit: yieldEvery must be an integer >= 0, got ${yieldEvery}`);
  }
  return {
    train: options.train,
    loss: loss.compute,
    curvature: options.curvature ?? null,
    optimizer: options.optimizer,
    schedule: options.schedule,
    epochs: options.epochs,
    batchSize: Math.min(checkBatchSize(options.batchSize ?? 1), options.train.length),
    evaluationBatchSize: checkBatchSize(options.evaluationBatchSize ?? 500),
    shuffle: options.shuffle ?? true,
    augment: options.augment,
    seed,
    prediction: options.prediction ?? loss.prediction ?? 'argmax',
    monitor,
    patience,
    minDelta: options.earlyStopping?.minDelta ?? 0,
    yieldEvery,
  };
}

function createStreams(seed: number): RandomStreams {
  const root = new Generator(seed);
  return { order: root.fork(), augment: root.fork(), curvature: root.fork() };
}

/** Loads the checkpoint to resume from into the model, optimizer and streams (null: fresh run). */
async function restore(
  model: TrainableModel,
  options: FitOptions,
  random: RandomStreams,
): Promise<Checkpoint | null> {
  if (!options.resume) return null;
  let checkpoint: Checkpoint | null;
  if (options.resume === true) {
    if (!options.checkpoints) throw new TypeError('fit: resume: true needs a checkpoint store');
    checkpoint = await options.checkpoints.load('last');
    if (!checkpoint) return null;
  } else {
    checkpoint = options.resume;
  }
  model.loadStateDict(new Map(checkpoint.model));
  options.optimizer.loadStateDict(checkpoint.optimizer);
  random.order.setState(checkpoint.generators.order);
  random.augment.setState(checkpoint.generators.augment);
  random.curvature.setState(checkpoint.generators.curvature);
  return checkpoint;
}

/** Resets `order` to 0..n-1 and shuffles it as configured (the same draws on resume). */
function fillOrder(
  order: Int32Array,
  shuffle: boolean | 'once',
  fixedOrder: Int32Array | null,
  generator: Generator,
): void {
  if (fixedOrder) {
    order.set(fixedOrder);
    return;
  }
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (shuffle) generator.shuffle(order);
}

function applyAugment(augment: BatchAugment, images: Tensor, generator: Generator): void {
  if (typeof augment === 'function') augment(images, generator);
  else augment.applyBatch(images, generator);
}

function countErrors(
  scores: Float32Array,
  labels: Int32Array,
  count: number,
  classCount: number,
  rule: PredictionRule,
): number {
  let errors = 0;
  for (let i = 0; i < count; i++) {
    if (predictClass(scores, i * classCount, classCount, rule) !== labels[i]) errors++;
  }
  return errors;
}

/**
 * `EpochContext.estimateCurvature` for `fit`: draws `sampleCount` distinct training samples
 * with the curvature stream and returns the estimator's values in the optimizer's order.
 */
function curvatureSampler(
  model: TrainableModel,
  options: FitOptions,
  estimator: CurvatureEstimator,
  generator: Generator,
): (sampleCount: number) => Float32Array[] | Promise<Float32Array[]> {
  const train = options.train;
  const indices = new Int32Array(train.length);
  let assembler: BatchAssembler | null = null;
  return (sampleCount) => {
    const count = Math.min(sampleCount, train.length);
    // Partial Fisher-Yates from the identity: the first `count` entries are a uniform sample.
    for (let i = 0; i < indices.length; i++) indices[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + generator.int(indices.length - i);
      const swap = indices[i];
      indices[i] = indices[j];
      indices[j] = swap;
    }
    assembler ??= new BatchAssembler(train, count);
    const { images, labels } = assembler.fill(indices, 0, count);
    const estimate = estimator(model, images, labels);
    return estimate instanceof Promise
      ? estimate.then(inOptimizerOrder)
      : inOptimizerOrder(estimate);
  };
  function inOptimizerOrder(byParameter: ReadonlyMap<Tensor, Float32Array>): Float32Array[] {
    return options.optimizer.parameters.map((parameter, index) => {
      const values = byParameter.get(parameter as Tensor);
      if (!values) {
        throw new RangeError(
          `fit: the curvature estimator gave nothing for optimizer parameter ${index} (is it a parameter of the model?)`,
        );
      }
      return values;
    });
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
