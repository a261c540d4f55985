// Data-parallel training on N replicas: replica 0 is the calling thread (with the caller's
// model), replicas 1 .. N-1 are workers holding copies rebuilt from the model's registry
// config. For each batch the weights go out, every replica computes the mean-loss gradients
// of its contiguous slice, and the gradients are combined as
//   grad = (n0/n) g0 + (n1/n) g1 + ... + (n_{N-1}/n) g_{N-1}
// in that fixed order: with shared memory the replicas split this sum (each a part of the
// weights, `GradientPartSum`), otherwise the calling thread computes it. Either way a run
// depends only on its seed and N, never on timing. The optimizer then steps once, on the
// calling thread. With N = 1 nothing is split and no worker is involved. Results for
// different N agree up to float rounding (the sums run in a different order), not bit for bit.
import { type Module, modelConfigOf } from '@lenet/nn-layers';
import { getBackend, Tensor } from '@lenet/tensor';
import { type BatchImages, type BatchLabels, imagesData, labelsData } from '../batch-data.js';
import { BatchRunner } from '../batch-runner.js';
import { type LossOption, resolveLoss } from '../loss.js';
import type { PredictionRule } from '../metrics.js';
import type { TrainableModel } from '../model.js';
import { GradientPartSum, GradientSum, replicaScales } from './gradient-sum.js';
import { lap, PHASE_COUNT, Phase, type PhaseTimes, phaseTimesOf } from './phase-times.js';
import {
  allocateShared,
  arrivedIndex,
  Command,
  Control,
  errorTextBytes,
  publishGeneration,
  type ReplicaSetup,
  type SharedBuffers,
  type SharedViews,
  type SliceCommand,
  type SliceResult,
  sharedViews,
  spinMilliseconds,
  spinWhileEqual,
  type WorkerReply,
  waitForGeneration,
} from './protocol.js';
import { partsFor, sliceOf } from './slices.js';
import { defaultWorkerFactory, type ReplicaWorker, type WorkerFactory } from './worker-factory.js';

export interface DataParallelOptions {
  /** A model built by the `@lenet/nn-layers` zoo (workers rebuild it from its config). */
  readonly model: TrainableModel;
  /** The loss by name, or a function when there is one thread (workers cannot receive one). */
  readonly loss: LossOption;
  /** Replicas including the calling thread (>= 1). */
  readonly threads: number;
  readonly sampleShape: readonly number[];
  readonly classCount?: number;
  /** Largest batch that will be passed (sizes the shared buffers). */
  readonly capacity: number;
  /** How to start workers; default: `worker_threads` in Node, Web Workers in a browser. */
  readonly workers?: WorkerFactory;
  /**
   * 'shared' (SharedArrayBuffer + Atomics: no message per batch) or 'message' (structured
   * clone per batch). Default: 'shared' where SharedArrayBuffer is usable.
   */
  readonly transport?: 'shared' | 'message';
  /**
   * With shared memory: whether the replicas sum the gradients together, each a part of the
   * weights (true), or the calling thread sums them all (false). Default: split from
   * `SPLIT_SUM_FROM_PARTS` replicas on, where this thread may block in `Atomics.wait` (not a
   * browser page's main thread).
   */
  readonly splitGradientSum?: boolean;
}

/** What a batch gives back: the mean loss and every sample's output row. */
export interface ParallelBatchResult {
  readonly loss: number;
  /** `count x classCount` scores; valid until the next call. */
  readonly outputs: Float32Array;
}

/**
 * Replicas from which the default splits the gradient sum. Split, each replica publishes its
 * gradients, sums 1/N of the weights over all N rows and the calling thread loads the result:
 * about three passes over the weights on the critical path, against N - 1 when the calling
 * thread sums alone (`pnpm --filter @lenet/trainer bench:profile -- --sum both` shows both).
 */
export const SPLIT_SUM_FROM_PARTS = 4;

/** How long a blocked main thread waits for a worker before it gives up. */
const workerTimeoutMilliseconds = 10 * 60_000;

export class DataParallel {
  readonly threads: number;
  readonly transport: 'shared' | 'message';
  /** Largest batch it takes. */
  readonly capacity: number;
  /** How the loss reads an output row ('argmin' for RBF losses, else 'argmax'). */
  readonly prediction: PredictionRule;
  private readonly runner: BatchRunner;
  private readonly classCount: number;
  private readonly sampleSize: number;
  private readonly workers: ReplicaWorker[];
  private readonly views: SharedViews | null;
  private readonly outputs: Float32Array;
  /**
   * Where every batch is copied first (the shared buffers, or arrays of this thread): a
   * caller's view of WebAssembly memory goes stale when a replica allocates, these never do.
   */
  private readonly stagedImages: Float32Array;
  private readonly stagedLabels: Int32Array;
  private readonly canBlock: boolean;
  private readonly gradientSum = new GradientSum();
  private readonly partSum = new GradientPartSum();
  /** Batches split over at least this many replicas sum their gradients together (shared memory only). */
  private readonly splitSumFrom: number;
  /** Rows 1 .. threads - 1 of the shared gradients (the workers'), for the calling thread's sum. */
  private readonly workerGradients: Float32Array | null;
  /** Each replica's share of the batch (n_r / n), for `combineGradients`. */
  private readonly scales: Float64Array;
  /** Milliseconds by phase, `threads x PHASE_COUNT` (the shared buffer when there is one). */
  private readonly times: Float64Array;
  private batches = 0;
  /** When the last batch returned (null: none since the last reset), for the `step` phase. */
  private lastBatchEnd: number | null = null;
  private pending: ((reply: WorkerReply, worker: number) => void) | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    options: DataParallelOptions,
    runner: BatchRunner,
    workers: ReplicaWorker[],
    shared: SharedBuffers | null,
  ) {
    this.threads = options.threads;
    this.runner = runner;
    this.classCount = options.classCount ?? 10;
    this.sampleSize = options.sampleShape.reduce((product, size) => product * size, 1);
    this.capacity = options.capacity;
    this.prediction = resolveLoss(options.loss).prediction ?? 'argmax';
    this.workers = workers;
    this.views = shared ? sharedViews(shared, options.threads) : null;
    this.transport = shared ? 'shared' : 'message';
    this.outputs = this.views?.outputs ?? new Float32Array(this.capacity * this.classCount);
    this.stagedImages = this.views?.images ?? new Float32Array(this.capacity * this.sampleSize);
    this.stagedLabels = this.views?.labels ?? new Int32Array(this.capacity);
    this.canBlock = atomicsWaitAllowed();
    this.scales = new Float64Array(options.threads);
    const splitPossible = this.views !== null && this.canBlock;
    this.splitSumFrom = !splitPossible
      ? Number.POSITIVE_INFINITY
      : options.splitGradientSum === undefined
        ? SPLIT_SUM_FROM_PARTS
        : options.splitGradientSum
          ? 2
          : Number.POSITIVE_INFINITY;
    if (options.splitGradientSum && this.views && !this.canBlock) {
      throw new TypeError(
        "splitGradientSum needs a thread that may block in Atomics.wait (not a browser page's main thread)",
      );
    }
    this.workerGradients = this.views?.gradients.subarray(runner.parameterCount) ?? null;
    this.times = this.views?.timings ?? new Float64Array(PHASE_COUNT * options.threads);
  }

  /** Starts `threads - 1` workers and waits until each has built its replica. */
  static async open(options: DataParallelOptions): Promise<DataParallel> {
    const threads = options.threads;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads must be an integer >= 1, got ${threads}`);
    }
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`capacity must be an integer >= 1, got ${options.capacity}`);
    }
    const classCount = options.classCount ?? 10;
    const loss = resolveLoss(options.loss);
    const runner = new BatchRunner(options.model, loss.compute, options.sampleShape, classCount);
    if (threads === 1) return new DataParallel(options, runner, [], null);
    const lossName = options.loss;
    if (typeof lossName === 'function') {
      throw new TypeError(
        "threads > 1 needs the loss by name (e.g. 'cross-entropy' or 'rbf-map'): workers cannot receive a function",
      );
    }

    const config = modelConfigOf(options.model as unknown as Module);
    if (!config) {
      throw new TypeError(
        'threads > 1 needs a model from the @lenet/nn-layers zoo (lenet5(), lenet5Modern(), createModel(...)): workers rebuild it from its config',
      );
    }
    const useShared =
      (options.transport ?? (sharedMemoryUsable() ? 'shared' : 'message')) === 'shared';
    if (useShared && !sharedMemoryUsable()) {
      throw new TypeError(
        "transport 'shared' needs SharedArrayBuffer (in a browser: a cross-origin isolated page)",
      );
    }
    const shared = useShared
      ? allocateShared({
          replicas: threads,
          parameterCount: runner.parameterCount,
          capacity: options.capacity,
          sampleSize: options.sampleShape.reduce((product, size) => product * size, 1),
          classCount,
        })
      : null;
    const factory = options.workers ?? (await defaultWorkerFactory());
    const workers: ReplicaWorker[] = [];
    const engine = new DataParallel(options, runner, workers, shared);
    try {
      for (let index = 1; index < threads; index++) workers.push(await factory(index));
      workers.forEach((worker, offset) => {
        worker.onMessage((reply) => engine.receive(reply, offset + 1));
        worker.onError((error) => engine.fail(error, offset + 1));
      });
      const ready = engine.collect(workers.length, (reply) => {
        if (reply.type === 'ready' && reply.parameterCount !== runner.parameterCount) {
          throw new Error(
            `a worker's replica has ${reply.parameterCount} weights, the model ${runner.parameterCount}`,
          );
        }
      });
      workers.forEach((worker, offset) => {
        const setup: ReplicaSetup = {
          type: 'setup',
          replica: offset + 1,
          replicas: threads,
          model: config,
          loss: lossName,
          backend: getBackend().name,
          sampleShape: [...options.sampleShape],
          classCount,
          shared,
        };
        worker.postMessage(setup);
      });
      await ready;
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  /**
   * Sets the model's `.grad` to the mean-loss gradients of the batch (`count` samples of
   * `images`/`labels`), computed over the replicas; returns the loss and the output rows.
   */
  trainBatch(
    images: BatchImages,
    labels: BatchLabels,
    count: number,
  ): ParallelBatchResult | Promise<ParallelBatchResult> {
    return this.run(Command.train, images, labels, count);
  }

  /** Outputs (evaluation mode, no gradients) and mean loss of `count` samples. */
  evaluateBatch(
    images: BatchImages,
    labels: BatchLabels,
    count: number,
  ): ParallelBatchResult | Promise<ParallelBatchResult> {
    return this.run(Command.evaluate, images, labels, count);
  }

  /**
   * SDLM's Gauss-Newton curvature d2E/dw2 averaged over `count` samples (the compiled
   * curvature pass of this thread's replica: it is a small, once-per-pass computation), by
   * parameter of the model.
   */
  curvature(
    images: BatchImages,
    labels: BatchLabels,
    count: number,
  ): Map<Tensor, Float32Array> | Promise<Map<Tensor, Float32Array>> {
    const byParameter = (values: Float32Array[]) =>
      new Map(this.runner.parameters.map((parameter, index) => [parameter, values[index]]));
    const values = this.runner.curvature(images, labels, count);
    return values instanceof Promise ? values.then(byParameter) : byParameter(values);
  }

  /**
   * Where the batches since the last `resetPhaseTimes()` spent their time, per replica and
   * phase (milliseconds): scatter of the batch, compute, gradient sum, the calling thread's
   * time between batches (optimizer step) and idle waiting. Workers write their own rows into
   * shared memory; read it between batches.
   */
  phaseTimes(): PhaseTimes {
    return phaseTimesOf(this.times, this.threads, this.batches);
  }

  /** Zeroes the phase times (call between batches). */
  resetPhaseTimes(): void {
    this.times.fill(0);
    this.batches = 0;
    this.lastBatchEnd = null;
  }

  /**
   * Buffers of `capacity` samples that a caller may assemble batches into: a batch passed in
   * them is not copied again before the replicas read it.
   */
  inputBuffers(): { readonly images: Float32Array; readonly labels: Int32Array } {
    return { images: this.stagedImages, labels: this.stagedLabels };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.views) {
      const control = this.views.control;
      control[Control.command] = Command.exit;
      Atomics.add(control, Control.generation, 1);
      Atomics.notify(control, Control.generation);
    }
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private run(
    command: number,
    images: BatchImages,
    labels: BatchLabels,
    count: number,
  ): ParallelBatchResult | Promise<ParallelBatchResult> {
    this.check(count);
    const times = this.times;
    let mark = performance.now();
    if (this.lastBatchEnd !== null) times[Phase.step] += mark - this.lastBatchEnd;
    this.batches++;
    const parts = partsFor(count, this.threads);
    const [, ownEnd] = sliceOf(count, parts, 0);
    const runner = this.runner;
    if (parts === 1 && images instanceof Tensor) {
      // One replica reads a batch of tensors at use, where it lives (a device backend's batch
      // never comes back to the host), and its values as the backend allows (see trainRead).
      mark = lap(times, Phase.scatter, mark);
      const loss =
        command === Command.train
          ? runner.trainRead(images, labels, 0, count, this.outputs)
          : runner.evaluateRead(images, labels, 0, count, this.outputs);
      const done = (value: number) => {
        lap(times, Phase.compute, mark);
        return this.result(value, count);
      };
      return typeof loss === 'number' ? done(loss) : loss.then(done);
    }
    const stagedImages = this.stagedImages;
    const stagedLabels = this.stagedLabels;
    const imageData = imagesData(images);
    if (imageData !== stagedImages) {
      stagedImages.set(imageData.subarray(0, count * this.sampleSize));
    }
    const labelData = labelsData(labels);
    if (labelData !== stagedLabels) stagedLabels.set(labelData.subarray(0, count));
    if (parts === 1) {
      mark = lap(times, Phase.scatter, mark);
      const loss =
        command === Command.train
          ? runner.train(stagedImages, stagedLabels, 0, count, this.outputs)
          : runner.evaluate(stagedImages, stagedLabels, 0, count, this.outputs);
      lap(times, Phase.compute, mark);
      return this.result(loss, count);
    }
    if (this.views) {
      const views = this.views;
      runner.storeWeights(views.weights);
      views.errorLengths.fill(0);
      const control = views.control;
      control[Control.command] = command;
      control[Control.count] = count;
      control[Control.parts] = parts;
      const split = command === Command.train && parts >= this.splitSumFrom;
      control[Control.splitSum] = split ? 1 : 0;
      const generation = Atomics.add(control, Control.generation, 1) + 1;
      Atomics.notify(control, Control.generation);
      mark = lap(times, Phase.scatter, mark);
      let ownLoss: number;
      try {
        ownLoss = this.runOwn(command, stagedImages, stagedLabels, ownEnd);
      } finally {
        // Even when this slice failed, so that no worker waits for it forever.
        if (split) mark = this.sumTogether(count, parts, generation, mark);
      }
      if (!split) mark = lap(times, Phase.compute, mark);
      const finish = () => {
        mark = lap(times, Phase.idle, mark);
        return this.finishShared(command, count, parts, ownLoss);
      };
      const waited = this.waitShared(generation);
      return waited ? waited.then(finish) : finish();
    }
    return this.runMessages(command, stagedImages, stagedLabels, count, parts, ownEnd);
  }

  private runOwn(command: number, images: BatchImages, labels: BatchLabels, end: number): number {
    return command === Command.train
      ? this.runner.train(images, labels, 0, end, this.outputs)
      : this.runner.evaluate(images, labels, 0, end, this.outputs);
  }

  /**
   * This thread's part of the split gradient sum: publishes its slice's gradients (row 0),
   * waits until every replica has published, then sums part 0 of the weights. Returns when
   * it finished (for the phase times; `computeStarted`: when this thread's slice started).
   */
  private sumTogether(
    count: number,
    parts: number,
    generation: number,
    computeStarted: number,
  ): number {
    const views = this.views!;
    const { control } = views;
    const times = this.times;
    let mark = lap(times, Phase.compute, computeStarted);
    this.runner.storeGradients(views.gradients, 0);
    publishGeneration(control, arrivedIndex(this.threads, 0), generation);
    mark = lap(times, Phase.gradientSum, mark);
    for (let replica = 1; replica < parts; replica++) {
      waitForGeneration(control, arrivedIndex(this.threads, replica), generation);
    }
    mark = lap(times, Phase.idle, mark);
    replicaScales(count, parts, this.scales);
    this.partSum.sum(
      views.gradients,
      views.sums,
      this.runner.parameterCount,
      this.scales,
      parts,
      0,
    );
    return lap(times, Phase.gradientSum, mark);
  }

  private finishShared(
    command: number,
    count: number,
    parts: number,
    ownLoss: number,
  ): ParallelBatchResult {
    const views = this.views!;
    for (let replica = 1; replica < parts; replica++) {
      const length = views.errorLengths[replica];
      if (length > 0) {
        const start = replica * errorTextBytes;
        const text = new TextDecoder().decode(views.errors.slice(start, start + length));
        throw new Error(`data-parallel: worker ${replica} failed: ${text}`);
      }
    }
    views.losses[0] = ownLoss;
    if (command === Command.train) {
      const started = performance.now();
      if (parts >= this.splitSumFrom) this.runner.loadGradients(views.sums);
      else this.combineGradients(count, parts, this.workerGradients!);
      lap(this.times, Phase.gradientSum, started);
    }
    return this.result(meanLoss(views.losses, count, parts), count);
  }

  private async runMessages(
    command: number,
    images: Float32Array,
    labels: Int32Array,
    count: number,
    parts: number,
    ownEnd: number,
  ): Promise<ParallelBatchResult> {
    const weights = new Float32Array(this.runner.parameterCount);
    this.runner.storeWeights(weights);
    const size = this.sampleSize;
    const results = new Array<SliceResult>(parts);
    const replies = this.collect(parts - 1, (reply, replica) => {
      results[replica] = reply as SliceResult;
    });
    for (let replica = 1; replica < parts; replica++) {
      const [start, end] = sliceOf(count, parts, replica);
      const message: SliceCommand = {
        type: command === Command.train ? 'train' : 'evaluate',
        weights: weights.slice(),
        images: images.slice(start * size, end * size),
        labels: labels.slice(start, end),
        count: end - start,
        classCount: this.classCount,
      };
      this.workers[replica - 1].postMessage(message, [
        message.weights.buffer,
        message.images.buffer,
        message.labels.buffer,
      ]);
    }
    const ownLoss = this.runOwn(command, images, labels, ownEnd);
    await replies;
    const losses = new Float64Array(parts);
    losses[0] = ownLoss;
    const parameterCount = this.runner.parameterCount;
    const gradients =
      command === Command.train ? new Float32Array((parts - 1) * parameterCount) : null;
    for (let replica = 1; replica < parts; replica++) {
      const result = results[replica];
      losses[replica] = result.loss;
      const [start] = sliceOf(count, parts, replica);
      this.outputs.set(result.outputs, start * this.classCount);
      if (gradients && result.gradients) {
        gradients.set(result.gradients, (replica - 1) * parameterCount);
      }
    }
    if (gradients) this.combineGradients(count, parts, gradients);
    return this.result(meanLoss(losses, count, parts), count);
  }

  /** grad = sum over replicas r = 0, 1, ... (in that order) of (n_r / n) g_r. */
  private combineGradients(count: number, parts: number, workerGradients: Float32Array): void {
    this.gradientSum.combine(
      this.runner.parameters,
      replicaScales(count, parts, this.scales),
      parts,
      workerGradients,
      this.runner.parameterCount,
    );
  }

  private result(loss: number, count: number): ParallelBatchResult {
    this.lastBatchEnd = performance.now();
    return { loss, outputs: this.outputs.subarray(0, count * this.classCount) };
  }

  private check(count: number): void {
    if (this.closed) throw new Error('data-parallel: the engine is closed');
    if (this.failure) throw this.failure;
    if (!Number.isInteger(count) || count < 1 || count > this.capacity) {
      throw new RangeError(
        `data-parallel: batch of ${count} samples, expected 1 .. ${this.capacity} (the capacity)`,
      );
    }
  }

  /** Resolves when the workers 1 .. parts - 1 finished `generation` (synchronously if it can). */
  private waitShared(generation: number): Promise<void> | null {
    const control = this.views!.control;
    const started = Date.now();
    for (let replica = 1; replica < this.threads; replica++) {
      const index = Control.doneBase + replica;
      for (;;) {
        const value = Atomics.load(control, index);
        if (value === generation) break;
        if (!this.canBlock) return this.waitSharedAsync(generation, replica);
        if (spinWhileEqual(control, index, value, spinMilliseconds)) continue;
        Atomics.wait(control, index, value, 1000);
        if (Date.now() - started > workerTimeoutMilliseconds) {
          throw new Error(`data-parallel: worker ${replica} did not answer for 10 minutes`);
        }
      }
    }
    return null;
  }

  /** The browser main thread cannot block: wait with Atomics.waitAsync, or poll. */
  private async waitSharedAsync(generation: number, from: number): Promise<void> {
    const control = this.views!.control;
    const waitAsync = (Atomics as { waitAsync?: AtomicsWaitAsync }).waitAsync;
    for (let replica = from; replica < this.threads; replica++) {
      const index = Control.doneBase + replica;
      for (;;) {
        const value = Atomics.load(control, index);
        if (value === generation) break;
        if (this.failure) throw this.failure;
        if (waitAsync) {
          const wait = waitAsync(control, index, value, 1000);
          if (wait.async) await wait.value;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    }
  }

  /** Waits for `expected` replies of the message protocol; `each` sees every one. */
  private collect(
    expected: number,
    each: (reply: WorkerReply, replica: number) => void,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      let received = 0;
      if (expected === 0) return resolve();
      this.pending = (reply, replica) => {
        try {
          if (reply.type === 'error') {
            throw new Error(`data-parallel: worker ${replica} failed: ${reply.message}`);
          }
          each(reply, replica);
        } catch (error) {
          this.pending = null;
          reject(error);
          return;
        }
        if (++received === expected) {
          this.pending = null;
          resolve();
        }
      };
    });
  }

  private receive(reply: WorkerReply, replica: number): void {
    if (this.pending) this.pending(reply, replica);
    else if (reply.type === 'error') this.fail(new Error(reply.message), replica);
  }

  private fail(error: Error, replica: number): void {
    if (this.closed) return;
    this.failure ??= new Error(`data-parallel: worker ${replica} failed: ${error.message}`);
    this.pending?.({ type: 'error', message: error.message }, replica);
  }
}

type AtomicsWaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: Promise<unknown> | string };

/** Mean loss over the batch from each slice's mean, summed in replica order. */
function meanLoss(losses: Float64Array, count: number, parts: number): number {
  let sum = 0;
  for (let replica = 0; replica < parts; replica++) {
    const [start, end] = sliceOf(count, parts, replica);
    sum += losses[replica] * (end - start);
  }
  return sum / count;
}

/** SharedArrayBuffer exists and may be shared with workers (a browser needs isolation). */
export function sharedMemoryUsable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
function atomicsWaitAllowed(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
