/**
 * The training loop the Train page runs in its Web Worker. It uses @lenet/trainer's
 * optimizers, batch assembly and data-parallel engine (`DataParallel`: each batch split over
 * `threads` replicas, this worker plus `threads - 1` Web Workers; evaluation split the same
 * way), and @lenet/augment's distortions, but keeps its own short loop rather than `fit`: a
 * page must be able to pause between any two batches and resume exactly where it stopped, and
 * `fit` can only stop. Pure of DOM, so it runs (and is tested) in Node too, on worker_threads.
 */
import { compose, elastic, randomAffine, type Transform } from '@lenet/augment';
import { createModel, encodeSafetensors, type LossName, type Sequential } from '@lenet/nn-layers';
import { Generator, isReadable, noGrad, sync, type Tensor, tensor } from '@lenet/tensor';
import {
  Adam,
  BatchAssembler,
  DataParallel,
  evaluateParallel,
  type LabelledSamples,
  type Optimizer,
  predictClass,
  readModelState,
  SDLM,
  SGD,
  samplesFromArrays,
  type WorkerFactory,
} from '@lenet/trainer';
import { type ModelSettings, settingsMetadata } from '../confidence/model-file.js';
import { decodeParams, field, type Values } from '../url-state.js';
import { weightsChecksum } from './weights-checksum.js';

/** Most threads the page offers: LeNet-5's batches are small, more replicas only add traffic. */
export const MAX_THREADS = 8;

/** The machine's cores (`navigator.hardwareConcurrency`), at most 4; 1 where unknown. */
export function defaultThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Math.max(1, Math.min(4, Number.isInteger(cores) ? (cores as number) : 1));
}

export const trainSchema = {
  model: field.choice(['lenet5', 'mlp-300'] as const, 'lenet5'),
  optimizer: field.choice(['adam', 'sgd', 'sdlm'] as const, 'adam'),
  lr: field.number(0.001, 1e-5, 1),
  batch: field.number(32, 1, 512, true),
  augment: field.choice(['none', 'affine', 'elastic', 'both'] as const, 'none'),
  size: field.number(10_000, 100, 60_000, true),
  testSize: field.number(2_000, 100, 10_000, true),
  epochs: field.number(3, 1, 30, true),
  seed: field.number(0, 0, 9999, true),
  threads: field.number(defaultThreads(), 1, MAX_THREADS, true),
  /** 'auto': shared memory where the page is cross-origin isolated; 'message': never. */
  transport: field.choice(['auto', 'message'] as const, 'auto'),
  /** Where the worker computes: 'auto' takes WebGPU when the browser gives an adapter. */
  compute: field.choice(['auto', 'webgpu', 'wasm'] as const, 'auto'),
};
export type TrainConfig = Values<typeof trainSchema>;
export const DEFAULT_TRAIN_CONFIG: TrainConfig = decodeParams(trainSchema, {});

/** Images in the paper scale, one after another, with their labels. */
export interface ImageSet {
  images: Float32Array;
  labels: Int32Array;
  /** 32 (LeNet-5) or 28 (MLP). */
  side: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  /** Images trained on since the start. */
  seen: number;
  /** Training images per second over the last batches (training only, no evaluation). */
  imagesPerSecond: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  /** Percent misclassified on the fly during the pass. */
  trainError: number;
  testLoss: number;
  testError: number;
  imagesPerSecond: number;
  seconds: number;
  /** `weightsChecksum` of the model after the pass (equal for bit-identical weights). */
  checksum: string;
  /** The first misclassified test images of this pass (indices into the test set used). */
  mistakes: { index: number; label: number; predicted: number }[];
}

/** How the replicas share a batch: one thread alone, shared memory, or messages. */
export type ParallelMode = 'single' | 'shared' | 'message';

export interface SessionOptions {
  /** How to start replica workers (default: Web Workers in a browser, worker_threads in Node). */
  workers?: WorkerFactory;
}

/** Test images per evaluation batch (split over the replicas). */
const evaluationBatchSize = 500;

export function lossFor(model: TrainConfig['model']): LossName {
  return model === 'lenet5' ? 'rbf-map' : 'cross-entropy';
}

/**
 * Elastic distortions as the `lenet` command line draws them (apps/lenet's ELASTIC_ALPHA):
 * alpha 16, sigma 4, milder than Simard et al.'s 34, which LeNet-5 underfits.
 */
export const ELASTIC = { alpha: 16, sigma: 4 } as const;

/** The distortion for the `augment` setting, background at the paper's -0.1. */
export function augmentation(kind: TrainConfig['augment']): Transform | null {
  const fill = -0.1;
  const affine = () => randomAffine({ fill });
  const warp = () => elastic({ fill, ...ELASTIC });
  if (kind === 'affine') return affine();
  if (kind === 'elastic') return warp();
  if (kind === 'both') return compose([affine(), warp()]);
  return null;
}

/** What `lenet train` would record for this run (its settings.json and model metadata). */
export function lenetSettings(config: TrainConfig): ModelSettings {
  return {
    model: config.model,
    loss: lossFor(config.model),
    optimizer: config.optimizer,
    schedule: 'constant',
    learningRate: config.lr,
    epochs: config.epochs,
    batchSize: config.batch,
    weightDecay: 0,
    augment: config.augment,
    trainSize: config.size,
    testSize: config.testSize,
    seed: config.seed,
    input: { normalization: 'paper', padding: config.model === 'lenet5' ? 2 : 0 },
  };
}

/** Mistakes of the latest pass the page shows (the first ones, in test-set order). */
export const MISTAKES_SHOWN = 40;

export interface Probe {
  predictions: { index: number; label: number; predicted: number; confidence: number }[];
  kernels: Float32Array | null;
  kernelShape: number[] | null;
}

export class TrainingSession {
  readonly config: TrainConfig;
  readonly model: Sequential;
  readonly history: EpochResult[] = [];
  readonly optimizer: Optimizer;
  private readonly engine: DataParallel;
  private readonly train: LabelledSamples;
  private readonly test: LabelledSamples;
  private readonly assembler: BatchAssembler;
  private readonly transform: Transform | null;
  private readonly generator: Generator;
  private readonly loss: LossName;
  private order: Int32Array;
  private readonly curvatureGenerator: Generator | null;
  private curvatureBatch: BatchAssembler | null = null;
  /** Where the loop stands: the next batch to train. */
  private epoch = 1;
  private batch = 0;
  private seen = 0;
  private epochLoss = 0;
  private epochErrors = 0;
  private epochCount = 0;
  private epochStarted = 0;
  private trainMilliseconds = 0;

  /** Builds the model and starts `config.threads - 1` replica workers. */
  static async open(
    config: TrainConfig,
    train: ImageSet,
    test: ImageSet,
    options: SessionOptions = {},
  ): Promise<TrainingSession> {
    const model = createModel(config.model, { seed: config.seed }) as Sequential;
    const engine = await DataParallel.open({
      model,
      loss: lossFor(config.model),
      threads: config.threads,
      sampleShape: [1, train.side, train.side],
      capacity: Math.max(config.batch, evaluationBatchSize),
      workers: options.workers,
      transport: config.transport === 'message' ? 'message' : undefined,
    });
    return new TrainingSession(config, model, engine, train, test);
  }

  private constructor(
    config: TrainConfig,
    model: Sequential,
    engine: DataParallel,
    train: ImageSet,
    test: ImageSet,
  ) {
    this.config = config;
    this.model = model;
    this.engine = engine;
    const shape = [1, train.side, train.side];
    this.train = samplesFromArrays(train.images, train.labels, shape);
    this.test = samplesFromArrays(test.images, test.labels, shape);
    this.assembler = new BatchAssembler(this.train, config.batch);
    this.transform = augmentation(config.augment);
    this.generator = new Generator(config.seed);
    this.loss = lossFor(config.model);
    const parameters = this.model.parameters();
    this.optimizer =
      config.optimizer === 'sgd'
        ? new SGD(parameters, { learningRate: config.lr, momentum: 0.9 })
        : config.optimizer === 'sdlm'
          ? new SDLM(parameters, { learningRate: config.lr, mu: 0.02, samples: 500 })
          : new Adam(parameters, { learningRate: config.lr });
    this.order = this.generator.permutation(this.train.length);
    // Its own stream (only for SDLM), so the other optimizers' runs stay as they were.
    this.curvatureGenerator = config.optimizer === 'sdlm' ? this.generator.fork() : null;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.train.length / this.config.batch);
  }

  get finished(): boolean {
    return this.epoch > this.config.epochs;
  }

  /** Replicas computing each batch (this thread included). */
  get threads(): number {
    return this.engine.threads;
  }

  get mode(): ParallelMode {
    return this.engine.threads === 1 ? 'single' : this.engine.transport;
  }

  /** Trains one batch (and evaluates at the end of a pass); returns what happened. */
  async step(): Promise<{ progress: BatchProgress; epoch: EpochResult | null }> {
    if (this.finished) throw new Error('TrainingSession.step: training has finished');
    const started = performance.now();
    if (this.batch === 0) {
      this.epochStarted = started;
      // SDLM re-estimates its curvature h_kk before every pass (the paper: on 500 samples).
      await this.optimizer.beforeEpoch({
        epoch: this.epoch - 1,
        estimateCurvature: (count) => this.estimateCurvature(count),
      });
    }
    const { batch: batchSize } = this.config;
    const start = this.batch * batchSize;
    const count = Math.min(batchSize, this.train.length - start);
    const { images, labels } = this.assembler.fill(this.order, start, count);
    if (this.transform) {
      // The distortions work on a host copy: a batch assembled on a GPU is read back first.
      if (!isReadable(images)) await images.sync();
      this.transform.applyBatch(images, this.generator);
    }
    // Sets every parameter's .grad to the batch's mean-loss gradient, summed over the replicas
    // in a fixed order (so a run depends on its seed and thread count only).
    const result = await this.engine.trainBatch(images, labels, count);
    this.epochErrors += this.countErrors(result.outputs, labels.data, count);
    this.optimizer.step();
    const lossValue = result.loss;
    this.epochLoss += lossValue * count;
    this.epochCount += count;
    this.seen += count;
    this.batch++;
    this.trainMilliseconds += performance.now() - started;
    const progress: BatchProgress = {
      epoch: this.epoch,
      batch: this.batch,
      batches: this.batchesPerEpoch,
      loss: lossValue,
      seen: this.seen,
      imagesPerSecond: this.seen / (this.trainMilliseconds / 1000),
    };
    let epoch: EpochResult | null = null;
    if (this.batch === this.batchesPerEpoch) epoch = await this.endEpoch();
    return { progress, epoch };
  }

  /**
   * The Gauss-Newton diagonal d2E/dw2 averaged over `count` training samples drawn with the
   * curvature stream.
   */
  private estimateCurvature(count: number): Float32Array[] | Promise<Float32Array[]> {
    const generator = this.curvatureGenerator!;
    const take = Math.min(count, this.train.length);
    const order = generator.permutation(this.train.length).subarray(0, take);
    this.curvatureBatch ??= new BatchAssembler(this.train, take);
    const { images, labels } = this.curvatureBatch.fill(order, 0, take);
    const inOrder = (values: Map<Tensor, Float32Array>) =>
      this.optimizer.parameters.map((parameter) => values.get(parameter as Tensor)!);
    const values = this.engine.curvature(images, labels, take);
    return values instanceof Promise ? values.then(inOrder) : inOrder(values);
  }

  /**
   * The current network on the test images `indices` (one forward pass in this thread, between
   * two batches): each one's prediction and its softmax confidence, and the C1 kernels (null
   * for a model without convolutions). What the Train page redraws while it learns.
   */
  async probe(indices: readonly number[]): Promise<Probe> {
    const shape = this.test.sampleShape;
    const size = shape.reduce((a, b) => a * b, 1);
    const batch = new Float32Array(indices.length * size);
    const labels = indices.map((index, n) => this.test.readSample(index, batch, n * size));
    const result = noGrad(() => this.model.forward(tensor(batch, [indices.length, ...shape])));
    const kernel = this.model
      .namedParameters()
      .find(([name]) => name === 'c1.weight' || name === 'conv1.weight')?.[1];
    // One read-back for the outputs and the kernels (immediate on the CPU backends).
    await sync(result, ...(kernel ? [kernel] : []));
    const output = result.data as Float32Array;
    const rbf = this.loss === 'rbf-map';
    const predictions = indices.map((index, n) => {
      const predicted = predictClass(output, n * 10, 10, rbf ? 'argmin' : 'argmax');
      const row = Array.from(output.subarray(n * 10, n * 10 + 10));
      const sign = rbf ? -1 : 1;
      const best = sign * row[predicted];
      const total = row.reduce((sum, value) => sum + Math.exp(sign * value - best), 0);
      return { index, label: labels[n], predicted, confidence: 1 / total };
    });
    return {
      predictions,
      kernels: kernel ? Float32Array.from(kernel.data as Float32Array) : null,
      kernelShape: kernel ? [...kernel.shape] : null,
    };
  }

  /** Stops the replica workers. */
  close(): Promise<void> {
    return this.engine.close();
  }

  private countErrors(scores: Float32Array, labels: Int32Array, count: number): number {
    const rule = this.engine.prediction;
    const classes = scores.length / count;
    let errors = 0;
    for (let i = 0; i < count; i++) {
      if (predictClass(scores, i * classes, classes, rule) !== labels[i]) errors++;
    }
    return errors;
  }

  private async endEpoch(): Promise<EpochResult> {
    const evaluation = await evaluateParallel(this.engine, this.test, {
      batchSize: evaluationBatchSize,
    });
    const result: EpochResult = {
      epoch: this.epoch,
      trainLoss: this.epochLoss / this.epochCount,
      trainError: (100 * this.epochErrors) / this.epochCount,
      testLoss: evaluation.loss ?? Number.NaN,
      testError: evaluation.errorRate,
      imagesPerSecond: this.seen / (this.trainMilliseconds / 1000),
      seconds: (performance.now() - this.epochStarted) / 1000,
      checksum: weightsChecksum(await this.readParameters()),
      mistakes: evaluation.misclassified
        .slice(0, MISTAKES_SHOWN)
        .map(({ index, label, predicted }) => ({ index, label, predicted })),
    };
    this.history.push(result);
    this.epoch++;
    this.batch = 0;
    this.epochLoss = 0;
    this.epochErrors = 0;
    this.epochCount = 0;
    this.order = this.generator.permutation(this.train.length);
    return result;
  }

  /** The weights in the command line's format: `lenet predict --model` reads them too. */
  async weights(): Promise<Uint8Array> {
    const state = await readModelState(this.model);
    return encodeSafetensors(state, settingsMetadata(lenetSettings(this.config)));
  }

  /** The parameters, their values readable here (read back from a GPU when they live there). */
  private async readParameters(): Promise<Tensor[]> {
    const parameters = this.model.parameters();
    await sync(...parameters);
    return parameters;
  }
}
