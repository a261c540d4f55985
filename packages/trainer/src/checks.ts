// Argument checks shared by fit, evaluate and the runners (kept apart so that the runner and
// evaluate do not import each other).
import type { Tensor } from '@lenet/tensor';

/** Throws unless `output` is [count, classCount]. */
export function checkOutput(output: Tensor, count: number, classCount: number): void {
  const shape = output.shape;
  if (shape.length !== 2 || shape[0] !== count || shape[1] !== classCount) {
    throw new RangeError(
      `model output has shape [${shape.join(', ')}], expected [${count}, ${classCount}] (one score per class)`,
    );
  }
}

export function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  }
  return batchSize;
}
