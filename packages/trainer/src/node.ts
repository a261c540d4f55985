/**
 * Node-only helpers (file system): checkpoints in a directory, written atomically, and a `fit`
 * that takes `checkpointDir`. Re-exports the whole main entry, so Node code can import
 * everything from here. The main entry `@lenet/trainer` stays free of Node APIs so it runs in
 * a browser or a worker.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '@lenet/tensor/node';
import {
  type Checkpoint,
  type CheckpointName,
  type CheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint.js';
import { fit as fitInMemory } from './fit.js';
import type { FitOptions, FitResult } from './fit-options.js';
import type { TrainableModel } from './model.js';

// Kept here for code that imported it from the trainer; one implementation, in @lenet/tensor/node.
export { writeFileAtomic } from '@lenet/tensor/node';
export * from './index.js';

/** The file a checkpoint `name` lives in under `directory`. */
export function checkpointPath(directory: string, name: CheckpointName): string {
  return join(directory, `checkpoint-${name}.safetensors`);
}

/** Checkpoints as `checkpoint-last.safetensors` and `checkpoint-best.safetensors` in `directory`. */
export function fileCheckpointStore(directory: string): CheckpointStore {
  return {
    async save(name, checkpoint) {
      await mkdir(directory, { recursive: true });
      await writeFileAtomic(checkpointPath(directory, name), encodeCheckpoint(checkpoint));
    },
    async load(name) {
      return loadCheckpointFile(checkpointPath(directory, name), { missingOk: true });
    },
  };
}

/** Reads one checkpoint file; a missing file is an error unless `missingOk` (then null). */
export async function loadCheckpointFile(
  path: string,
  options: { missingOk?: boolean } = {},
): Promise<Checkpoint | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.missingOk) return null;
    throw error;
  }
  return decodeCheckpoint(bytes, path);
}

export interface NodeFitOptions extends FitOptions {
  /** Keep `last` and `best` checkpoints in this directory (shorthand for `checkpoints`). */
  checkpointDir?: string;
}

/**
 * `fit` with `checkpointDir`: checkpoints go to files in that directory. Temporary files that a
 * killed run left there are removed first.
 */
export function fit(model: TrainableModel, options: NodeFitOptions): Promise<FitResult> {
  const { checkpointDir, ...rest } = options;
  if (checkpointDir !== undefined && rest.checkpoints !== undefined) {
    throw new TypeError('fit: give checkpointDir or checkpoints, not both');
  }
  // A bad combination throws at once (above); the clean-up is the first asynchronous step.
  const cleaned =
    checkpointDir === undefined ? Promise.resolve([]) : removeStaleTempFiles(checkpointDir);
  return cleaned.then(() =>
    fitInMemory(model, {
      ...rest,
      checkpoints:
        checkpointDir === undefined ? rest.checkpoints : fileCheckpointStore(checkpointDir),
    }),
  );
}
