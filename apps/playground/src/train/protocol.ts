/** Messages between the Train page and its worker. */
import type {
  BatchProgress,
  EpochResult,
  ParallelMode,
  Probe,
  TrainConfig,
} from './training-session.js';

export type ToWorker =
  | { type: 'start'; config: TrainConfig; mnistBase: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** The weights, to use in Draw or to save as a file. */
  | { type: 'weights'; purpose: 'draw' | 'download' };

export type FromWorker =
  | { type: 'status'; text: string }
  | {
      type: 'started';
      /** The backend that computes ('webgpu', 'wasm', 'reference') and its name for people. */
      backend: string;
      backendLabel: string;
      trainCount: number;
      testCount: number;
      batches: number;
      /** Replicas per batch (this worker included) and how they share it. */
      threads: number;
      mode: ParallelMode;
      /** The test digits watched while training (28x28 bytes each), one of every class. */
      strip: { index: number; label: number; pixels: Uint8Array }[];
    }
  /** The network now, on the watched digits, and its C1 kernels. */
  | { type: 'probe'; probe: Probe }
  /** The latest batch, and the loss of every batch since the last report (for the chart). */
  | { type: 'batch'; progress: BatchProgress; losses: number[]; seen: number[] }
  /** With the 28x28 bytes of each of `result.mistakes`, one after another. */
  | { type: 'epoch'; result: EpochResult; mistakeImages: Uint8Array }
  | { type: 'paused' }
  | { type: 'done' }
  | {
      type: 'weights';
      purpose: 'draw' | 'download';
      model: string;
      bytes: Uint8Array;
      description: string;
    }
  | { type: 'error'; message: string };
