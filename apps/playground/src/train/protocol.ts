/** Messages between the Train page and its worker. */
import type { BatchProgress, EpochResult, ParallelMode, TrainConfig } from './training-session.js';

export type ToWorker =
  | { type: 'start'; config: TrainConfig; mnistBase: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'weights' };

export type FromWorker =
  | { type: 'status'; text: string }
  | {
      type: 'started';
      backend: string;
      trainCount: number;
      testCount: number;
      batches: number;
      /** Replicas per batch (this worker included) and how they share it. */
      threads: number;
      mode: ParallelMode;
    }
  /** The latest batch, and the loss of every batch since the last report (for the chart). */
  | { type: 'batch'; progress: BatchProgress; losses: number[]; seen: number[] }
  | { type: 'epoch'; result: EpochResult }
  | { type: 'paused' }
  | { type: 'done' }
  | { type: 'weights'; model: string; bytes: Uint8Array; description: string }
  | { type: 'error'; message: string };
