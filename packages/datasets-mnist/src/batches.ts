import { Generator, type Tensor, zeros } from '@lenet/tensor';
import type { Dataset } from './dataset.js';
import { checkPadding, type Normalization, pixelTable, writeImage } from './preprocess.js';

/**
 * A hook that changes a batch's images in place after they are converted to floats (the
 * augment package plugs in here). `images` holds `count` images of `height x width` floats
 * back to back (the batch tensor's data, [count, 1, height, width]); draw randomness only
 * from `generator`, so a seed reproduces the run.
 */
export type BatchTransform = (
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  generator: Generator,
) => void;

export interface BatchOptions {
  batchSize: number;
  /** Visit samples in a seeded random order (default false: data-set order). */
  shuffle?: boolean;
  /** Seed of the shuffle and of the transform's generator when no `generator` is given. */
  seed?: number;
  /**
   * Draw the order (and the transform's stream) from this generator instead; it advances, so
   * passing the same one every epoch gives a new, reproducible order each epoch.
   */
  generator?: Generator;
  /** Skip the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Default 'paper' (background -0.1, ink 1.175). */
  normalization?: Normalization;
  /** Background pixels on every side (2 makes MNIST's 28x28 the paper's 32x32). Default 0. */
  padding?: number;
  transform?: BatchTransform;
}

export interface Batch {
  /** Float32 [count, 1, height, width]. */
  readonly images: Tensor<'float32'>;
  /** Int32 [count]. */
  readonly labels: Tensor<'int32'>;
  /** Positions in the data set of this batch's samples. */
  readonly indices: Int32Array;
  readonly count: number;
}

/** How many batches `batches(dataset, options)` yields. */
export function batchCount(length: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(length / batchSize) : Math.ceil(length / batchSize);
}

/**
 * Yields the data set in batches of float images and int32 labels.
 *
 * The yielded tensors are reused: the next batch overwrites them, so copy what you keep.
 * Only two sets of buffers exist per call (full batches, and a smaller last batch when there
 * is one); nothing is allocated per sample and the data set's bytes are never copied.
 * The order is a Fisher-Yates permutation from `Generator` (xoshiro128**), identical across
 * runs and platforms for a seed.
 */
export function* batches(dataset: Dataset, options: BatchOptions): IterableIterator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  }
  const padding = checkPadding(options.padding ?? 0);
  const table = pixelTable(options.normalization ?? 'paper');
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  const length = dataset.length;
  const order = options.shuffle ? generator.permutation(length) : identity(length);
  // Always fork, so the order for a seed does not depend on whether a transform is set.
  const transformGenerator = generator.fork();

  const { height, width } = dataset;
  const outHeight = height + 2 * padding;
  const outWidth = width + 2 * padding;
  const inPixels = height * width;
  const outPixels = outHeight * outWidth;
  const sourceImages = dataset.source.images;
  const sourceLabels = dataset.source.labels;
  const buffers = new Map<number, Omit<Batch, 'count'>>();

  const total = batchCount(length, batchSize, options.dropLast);
  for (let batch = 0; batch < total; batch++) {
    const start = batch * batchSize;
    const count = Math.min(batchSize, length - start);
    let buffer = buffers.get(count);
    if (!buffer) {
      buffer = {
        images: zeros([count, 1, outHeight, outWidth], { dtype: 'float32' }),
        labels: zeros([count], { dtype: 'int32' }),
        indices: new Int32Array(count),
      };
      buffers.set(count, buffer);
    }
    // Read `.data` now, not once: the tensor may have been given new storage since.
    const imageData = buffer.images.data;
    const labelData = buffer.labels.data;
    for (let k = 0; k < count; k++) {
      const position = order[start + k];
      const row = dataset.sourceIndex(position);
      buffer.indices[k] = position;
      labelData[k] = sourceLabels[row];
      writeImage(
        sourceImages,
        row * inPixels,
        height,
        width,
        table,
        padding,
        imageData,
        k * outPixels,
      );
    }
    options.transform?.(imageData, count, outHeight, outWidth, transformGenerator);
    yield { images: buffer.images, labels: buffer.labels, indices: buffer.indices, count };
  }
}

function identity(length: number): Int32Array {
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  return order;
}
