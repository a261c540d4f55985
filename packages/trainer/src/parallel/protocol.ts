// What the main thread and a replica worker say to each other. Setup and the message-passing
// fallback use structured-clone messages; with SharedArrayBuffer, each batch is one write to a
// shared control word and an Atomics.notify, and the data sits in shared buffers (layout below).
import type { LossSpec, ModelConfig } from '@lenet/nn-layers';
import { PHASE_COUNT } from './phase-times.js';

/** Everything a worker needs to rebuild the model and join the run. */
export interface ReplicaSetup {
  readonly type: 'setup';
  /** Which replica this worker is (1 .. replicas - 1; replica 0 is the main thread). */
  readonly replica: number;
  readonly replicas: number;
  readonly model: ModelConfig;
  readonly loss: LossSpec;
  /** Tensor backend name ('wasm', 'reference'), so every replica computes the same way. */
  readonly backend: string;
  readonly sampleShape: readonly number[];
  readonly classCount: number;
  /** Shared buffers, or null for the message-passing fallback. */
  readonly shared: SharedBuffers | null;
}

/** The buffers a shared run uses; see `SharedViews` for what each holds. */
export interface SharedBuffers {
  readonly control: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly gradients: SharedArrayBuffer;
  readonly sums: SharedArrayBuffer;
  readonly images: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  readonly outputs: SharedArrayBuffer;
  readonly losses: SharedArrayBuffer;
  readonly errors: SharedArrayBuffer;
  readonly timings: SharedArrayBuffer;
}

/** A batch command of the message-passing fallback; the worker answers with `SliceResult`. */
export interface SliceCommand {
  readonly type: 'train' | 'evaluate';
  readonly weights: Float32Array;
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly classCount: number;
}

export interface SliceResult {
  readonly type: 'result';
  /** Mean loss over the slice. */
  readonly loss: number;
  readonly outputs: Float32Array;
  /** The slice's mean-loss gradients, flat in parameter order (train only). */
  readonly gradients: Float32Array | null;
}

export type WorkerReply =
  | { readonly type: 'ready'; readonly parameterCount: number }
  | SliceResult
  | { readonly type: 'error'; readonly message: string };

/** Int32 words of the control buffer. */
export const Control = {
  /** Incremented by the main thread for every command. */
  generation: 0,
  /** 1 train, 2 evaluate, 3 exit. */
  command: 1,
  /** Samples in the batch. */
  count: 2,
  /** Replicas the batch is split over. */
  parts: 3,
  /** 1: the replicas sum the gradients together (`GradientPartSum`); 0: the calling thread does. */
  splitSum: 4,
  /** Word `doneBase + replica` is set to the generation a replica finished. */
  doneBase: 5,
} as const;

/**
 * Word of the control buffer that replica `replica` sets to the generation whose gradients it
 * has published (after the `replicas` done words).
 */
export function arrivedIndex(replicas: number, replica: number): number {
  return Control.doneBase + replicas + replica;
}

export const Command = { train: 1, evaluate: 2, exit: 3 } as const;

/**
 * How long a thread polls a control word before it sleeps in `Atomics.wait`. Waking a
 * sleeping thread cost ~0.1 ms in the training loop here (0.03 ms in a bare ping-pong), paid
 * twice per batch (command out, result back): up to 8% of a 32-sample batch on two threads;
 * a polling thread sees the change within a microsecond. The other side usually answers
 * within this time (a slice's imbalance, the gradient sum and the optimizer step), so polling
 * first saves both wake-ups, at the price of that much CPU time when it does not.
 */
export const spinMilliseconds = 0.5;

/**
 * Polls `array[index]` while it equals `value`, for at most `milliseconds`; true when it
 * changed (the caller then need not sleep).
 */
export function spinWhileEqual(
  array: Int32Array,
  index: number,
  value: number,
  milliseconds: number,
): boolean {
  const deadline = performance.now() + milliseconds;
  do {
    if (Atomics.load(array, index) !== value) return true;
  } while (performance.now() < deadline);
  return false;
}

/**
 * Blocks until word `index` of `control` holds `generation`: polls for `spinMilliseconds`, then
 * sleeps in `Atomics.wait` (the writer notifies). Only where this thread may block.
 */
export function waitForGeneration(control: Int32Array, index: number, generation: number): void {
  for (;;) {
    const value = Atomics.load(control, index);
    if (value === generation) return;
    if (spinWhileEqual(control, index, value, spinMilliseconds)) continue;
    Atomics.wait(control, index, value, 1000);
  }
}

/** Sets word `index` to `generation` and wakes its waiters. */
export function publishGeneration(control: Int32Array, index: number, generation: number): void {
  Atomics.store(control, index, generation);
  Atomics.notify(control, index);
}

/** Bytes of error text a worker can leave in the shared `errors` buffer. */
export const errorTextBytes = 1024;

export interface SharedLayout {
  readonly replicas: number;
  readonly parameterCount: number;
  readonly capacity: number;
  readonly sampleSize: number;
  readonly classCount: number;
}

/** Typed views on the shared buffers. */
export interface SharedViews {
  readonly control: Int32Array;
  /** The current weights, flat in parameter order (written by the main thread). */
  readonly weights: Float32Array;
  /** One row of `parameterCount` per replica (row 0: the calling thread's): its slice's gradients. */
  readonly gradients: Float32Array;
  /** The combined gradients, when the replicas sum them together. */
  readonly sums: Float32Array;
  /** The batch: `capacity` samples. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** Each replica writes its slice's output rows here. */
  readonly outputs: Float32Array;
  /** Mean loss of each replica's slice. */
  readonly losses: Float64Array;
  /** Per replica: a status word (0 ok, n > 0: n bytes of error text follow in `errors`). */
  readonly errorLengths: Int32Array;
  readonly errors: Uint8Array;
  /** Per replica: milliseconds by phase (`phase-times.ts`), each row written by its replica. */
  readonly timings: Float64Array;
}

export function allocateShared(layout: SharedLayout): SharedBuffers {
  const { replicas, parameterCount, capacity, sampleSize, classCount } = layout;
  return {
    control: new SharedArrayBuffer(4 * (Control.doneBase + 2 * replicas)),
    weights: new SharedArrayBuffer(4 * parameterCount),
    gradients: new SharedArrayBuffer(4 * parameterCount * replicas),
    sums: new SharedArrayBuffer(4 * parameterCount),
    images: new SharedArrayBuffer(4 * capacity * sampleSize),
    labels: new SharedArrayBuffer(4 * capacity),
    outputs: new SharedArrayBuffer(4 * capacity * classCount),
    losses: new SharedArrayBuffer(8 * replicas),
    errors: new SharedArrayBuffer((4 + errorTextBytes) * replicas),
    timings: new SharedArrayBuffer(8 * PHASE_COUNT * replicas),
  };
}

export function sharedViews(buffers: SharedBuffers, replicas: number): SharedViews {
  return {
    control: new Int32Array(buffers.control),
    weights: new Float32Array(buffers.weights),
    gradients: new Float32Array(buffers.gradients),
    sums: new Float32Array(buffers.sums),
    images: new Float32Array(buffers.images),
    labels: new Int32Array(buffers.labels),
    outputs: new Float32Array(buffers.outputs),
    losses: new Float64Array(buffers.losses),
    errorLengths: new Int32Array(buffers.errors, 0, replicas),
    errors: new Uint8Array(buffers.errors, 4 * replicas),
    timings: new Float64Array(buffers.timings),
  };
}
