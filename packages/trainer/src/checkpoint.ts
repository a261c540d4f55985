import {
  assertFiniteTensors,
  decodeSafetensors,
  encodeSafetensors,
  type NamedTensorData,
} from '@lenet/nn-layers';
import type { GeneratorState } from '@lenet/tensor';
import type { EpochMetrics } from './metrics.js';
import type { OptimizerState } from './optimizer.js';

/** Best-so-far bookkeeping for `best` checkpoints and early stopping. */
export interface MonitorState {
  /** Best value of the monitored metric so far (lower is better), null before the first pass. */
  readonly bestValue: number | null;
  /** 1-based pass that reached it, 0 before the first pass. */
  readonly bestEpoch: number;
  /** Passes since the last improvement. */
  readonly epochsSinceImprovement: number;
}

/**
 * Everything needed to continue a run exactly where it stopped: weights, optimizer state,
 * the states of the run's random streams, the passes done and their metrics.
 */
export interface Checkpoint {
  /** Passes completed. */
  readonly epoch: number;
  /** The model's weights by parameter name. */
  readonly model: ReadonlyMap<string, NamedTensorData>;
  readonly optimizer: OptimizerState;
  /** States of the run's random streams, by stream name. */
  readonly generators: Readonly<Record<string, GeneratorState>>;
  readonly history: readonly EpochMetrics[];
  readonly monitor: MonitorState;
  /** Free-form JSON the caller wants kept with the run (e.g. the command line's settings). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const FORMAT = 'lenet-checkpoint';
const VERSION = 1;
const METADATA_KEY = 'lenet.checkpoint';
const MODEL_PREFIX = 'model/';
const OPTIMIZER_PREFIX = 'optimizer/';

/**
 * A checkpoint as one safetensors file: weights under `model/<name>`, optimizer buffers under
 * `optimizer/<slot>/<parameter index>`, everything else as JSON in the `__metadata__` entry
 * `lenet.checkpoint`. Any safetensors reader can open it; `decodeCheckpoint` restores it.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const tensors: [string, NamedTensorData][] = [];
  for (const [name, tensor] of checkpoint.model) tensors.push([MODEL_PREFIX + name, tensor]);
  const slotCounts: Record<string, number> = {};
  for (const [slot, buffers] of Object.entries(checkpoint.optimizer.slots)) {
    slotCounts[slot] = buffers.length;
    buffers.forEach((data, index) => {
      tensors.push([`${OPTIMIZER_PREFIX}${slot}/${index}`, { shape: [data.length], data }]);
    });
  }
  const metadata = {
    format: FORMAT,
    version: VERSION,
    epoch: checkpoint.epoch,
    optimizer: {
      kind: checkpoint.optimizer.kind,
      stepCount: checkpoint.optimizer.stepCount,
      hyperparameters: checkpoint.optimizer.hyperparameters,
      slotCounts,
    },
    generators: checkpoint.generators,
    history: checkpoint.history,
    monitor: checkpoint.monitor,
    extra: checkpoint.extra ?? {},
  };
  return encodeSafetensors(tensors, { [METADATA_KEY]: JSON.stringify(metadata) });
}

/** Reads bytes written by `encodeCheckpoint`; `source` names the file in error messages. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  let contents: ReturnType<typeof decodeSafetensors>;
  try {
    contents = decodeSafetensors(bytes);
    assertFiniteTensors(contents.tensors, source);
  } catch (error) {
    const message = (error as Error).message;
    throw new CheckpointError(message.startsWith(source) ? message : `${source}: ${message}`, {
      cause: error,
    });
  }
  const text = contents.metadata[METADATA_KEY];
  if (text === undefined) {
    throw new CheckpointError(
      `${source}: a safetensors file without '${METADATA_KEY}' metadata, so not a lenet checkpoint (a bare model file?)`,
    );
  }
  let metadata: any;
  try {
    metadata = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${source}: checkpoint metadata is not valid JSON (${error})`);
  }
  if (metadata?.format !== FORMAT || metadata.version !== VERSION) {
    throw new CheckpointError(
      `${source}: expected format '${FORMAT}' version ${VERSION}, got '${metadata?.format}' version ${metadata?.version}`,
    );
  }
  if (!Number.isInteger(metadata.epoch) || metadata.epoch < 0) {
    throw new CheckpointError(`${source}: epoch must be an integer >= 0, got ${metadata.epoch}`);
  }
  const model = new Map<string, NamedTensorData>();
  const buffers = new Map<string, Float32Array>();
  for (const [name, tensor] of contents.tensors) {
    if (name.startsWith(MODEL_PREFIX)) model.set(name.slice(MODEL_PREFIX.length), tensor);
    else if (name.startsWith(OPTIMIZER_PREFIX))
      buffers.set(name.slice(OPTIMIZER_PREFIX.length), tensor.data);
    else throw new CheckpointError(`${source}: unexpected tensor '${name}'`);
  }
  const slots: Record<string, Float32Array[]> = {};
  for (const [slot, count] of Object.entries(metadata.optimizer?.slotCounts ?? {})) {
    slots[slot] = Array.from({ length: count as number }, (_, index) => {
      const data = buffers.get(`${slot}/${index}`);
      if (!data)
        throw new CheckpointError(`${source}: optimizer buffer '${slot}/${index}' is missing`);
      return data;
    });
  }
  return {
    epoch: metadata.epoch,
    model,
    optimizer: {
      kind: metadata.optimizer.kind,
      stepCount: metadata.optimizer.stepCount,
      hyperparameters: metadata.optimizer.hyperparameters,
      slots,
    },
    generators: metadata.generators,
    history: metadata.history,
    monitor: metadata.monitor,
    extra: metadata.extra,
  };
}

/** Where `fit` keeps its `last` and `best` checkpoints. */
export interface CheckpointStore {
  /** Replaces the checkpoint `name` as one atomic operation (never half-written). */
  save(name: CheckpointName, checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint `name`, or null if there is none. */
  load(name: CheckpointName): Promise<Checkpoint | null>;
}

export type CheckpointName = 'last' | 'best';

/** A store in memory (encoded bytes, so what is saved cannot change afterwards): browsers, tests. */
export function memoryCheckpointStore(): CheckpointStore & {
  readonly files: Map<CheckpointName, Uint8Array>;
} {
  const files = new Map<CheckpointName, Uint8Array>();
  return {
    files,
    async save(name, checkpoint) {
      files.set(name, encodeCheckpoint(checkpoint));
    },
    async load(name) {
      const bytes = files.get(name);
      return bytes ? decodeCheckpoint(bytes, name) : null;
    },
  };
}
