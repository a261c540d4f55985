// Where a data-parallel batch spends its time, per replica: each thread adds the milliseconds of
// its own phases to its row of one Float64Array (shared with the workers when the transport is
// shared memory, so the calling thread reads every replica's row without a message).

/** The phases of a batch, as columns of a replica's row. */
export const Phase = {
  /** Calling thread: copying the batch into the shared buffers, publishing weights and the command; worker: loading the weights. */
  scatter: 0,
  /** Forward and backward (or forward only) of the replica's slice, its copy into the program included. */
  compute: 1,
  /** Calling thread: combining the replicas' gradients; worker: publishing its gradients. */
  gradientSum: 2,
  /** Calling thread only: from the end of one batch to the start of the next (the optimizer step, the next batch's assembly). */
  step: 3,
  /** Calling thread: waiting for workers; worker: waiting for the next command. */
  idle: 4,
} as const;

export type PhaseName = keyof typeof Phase;
export const PHASE_NAMES = Object.keys(Phase) as PhaseName[];
export const PHASE_COUNT = PHASE_NAMES.length;

/** Milliseconds per phase for one replica. */
export type ReplicaPhaseTimes = Readonly<Record<PhaseName, number>>;

/** What `DataParallel.phaseTimes()` returns. */
export interface PhaseTimes {
  /** Batches run since the last reset (train and evaluate). */
  readonly batches: number;
  /** Replica 0 is the calling thread; rows of workers are zero with the message transport. */
  readonly replicas: readonly ReplicaPhaseTimes[];
}

/** Reads the rows of `times` (`replicas x PHASE_COUNT` milliseconds). */
export function phaseTimesOf(times: Float64Array, replicas: number, batches: number): PhaseTimes {
  const rows: ReplicaPhaseTimes[] = [];
  for (let replica = 0; replica < replicas; replica++) {
    const row = {} as Record<PhaseName, number>;
    for (const name of PHASE_NAMES) row[name] = times[replica * PHASE_COUNT + Phase[name]];
    rows.push(row);
  }
  return { batches, replicas: rows };
}

/** Adds the milliseconds since `since` to `times[index]`; returns now. */
export function lap(times: Float64Array, index: number, since: number): number {
  const now = performance.now();
  times[index] += now - since;
  return now;
}
