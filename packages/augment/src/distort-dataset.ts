import { Generator } from '@lenet/tensor';
import { Transform } from './transform.js';
import type { ImageSet } from './types.js';
import { checkImageSize } from './validate.js';

/** One piece of a distorted data set. Its arrays are reused for the next chunk: copy to keep. */
export interface DistortedChunk<Images extends Float32Array | Uint8Array> {
  /** `count` distorted images, same element type as the source set. */
  readonly images: Images;
  /** Index into the source set of each image. */
  readonly sourceIndices: Int32Array;
  /** Label of each image, when the source set has labels. */
  readonly labels: Int32Array | undefined;
  /** Position of the chunk's first image in the whole stream (copy * source count + index). */
  readonly start: number;
  /** Images in this chunk (the last chunk may be short). */
  readonly count: number;
}

export interface DistortDatasetOptions {
  /** Images per chunk. Default 1024 (3 MB of float32 28x28 images). */
  chunkSize?: number;
}

/**
 * A `Dataset` of `@lenet/datasets-mnist` (or anything shaped like one): `length` samples,
 * sample i stored at row `sourceIndex(i)` of `source.images` (bytes).
 */
export interface DatasetLike {
  readonly length: number;
  readonly height: number;
  readonly width: number;
  sourceIndex(index: number): number;
  readonly source: { readonly images: Uint8Array; readonly labels: ArrayLike<number> };
}

/**
 * Streams `copies` distorted copies of every image of `dataset` (copy 0 of every image, then
 * copy 1, ...), `chunkSize` images at a time, from one seeded stream: the same seed gives the
 * same images. Memory stays at one chunk however many copies are made (LeCun et al. made
 * 540,000 distortions of the 60,000 training digits, nine each). Byte images (an `ImageSet`
 * of Uint8Array, or a `Dataset`) give byte chunks (rounded, clamped to 0..255), ready for an
 * IDX file; float images give float chunks. Byte images are distorted on 0..255 with fill 0
 * (the transform's own fill is used, so keep it 0 for bytes).
 */
export function distortDataset(
  dataset: DatasetLike,
  copies: number,
  transform: Transform,
  seed: number,
  options?: DistortDatasetOptions,
): IterableIterator<DistortedChunk<Uint8Array>>;
export function distortDataset<Images extends Float32Array | Uint8Array>(
  dataset: ImageSet & { readonly images: Images },
  copies: number,
  transform: Transform,
  seed: number,
  options?: DistortDatasetOptions,
): IterableIterator<DistortedChunk<Images>>;
export function distortDataset(
  dataset: DatasetLike | ImageSet,
  copies: number,
  transform: Transform,
  seed: number,
  options: DistortDatasetOptions = {},
): IterableIterator<DistortedChunk<Float32Array | Uint8Array>> {
  const set = 'sourceIndex' in dataset ? fromDataset(dataset) : { ...dataset, rowOf: identityRow };
  const { images, count, height, width, labels } = set;
  checkImageSize('distortDataset', height, width);
  const plane = height * width;
  if (!(images instanceof Float32Array || images instanceof Uint8Array)) {
    throw new TypeError('distortDataset: images must be a Float32Array or a Uint8Array');
  }
  if (
    !Number.isInteger(count) ||
    count < 0 ||
    (set.rowOf === identityRow && images.length !== count * plane)
  ) {
    throw new RangeError(
      `distortDataset: expected ${count} images of ${height} x ${width} (${count * plane} values), got ${images.length}`,
    );
  }
  if (labels !== undefined && set.rowOf === identityRow && labels.length !== count) {
    throw new RangeError(`distortDataset: expected ${count} labels, got ${labels.length}`);
  }
  if (!Number.isInteger(copies) || copies < 0) {
    throw new RangeError(`distortDataset: copies must be an integer >= 0, got ${copies}`);
  }
  if (!(transform instanceof Transform)) {
    throw new TypeError('distortDataset: expected a transform (randomAffine(), elastic(), ...)');
  }
  const chunkSize = options.chunkSize ?? 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`distortDataset: chunkSize must be an integer >= 1, got ${chunkSize}`);
  }
  return generateChunks(set, copies, transform, seed, chunkSize);
}

interface RowSource extends ImageSet {
  /** Row of `images` holding sample i. */
  rowOf(index: number): number;
}

function identityRow(index: number): number {
  return index;
}

function fromDataset(dataset: DatasetLike): RowSource {
  return {
    images: dataset.source.images,
    labels: dataset.source.labels,
    count: dataset.length,
    height: dataset.height,
    width: dataset.width,
    rowOf: (index) => dataset.sourceIndex(index),
  };
}

function* generateChunks(
  set: RowSource,
  copies: number,
  transform: Transform,
  seed: number,
  chunkSize: number,
): IterableIterator<DistortedChunk<Float32Array | Uint8Array>> {
  const { images, count, height, width, labels } = set;
  const plane = height * width;
  const generator = new Generator(seed);
  const total = copies * count;
  const capacity = Math.min(chunkSize, total);
  const bytes = images instanceof Uint8Array;
  const chunkImages = bytes ? new Uint8Array(capacity * plane) : new Float32Array(capacity * plane);
  // Byte images are distorted in float and rounded back one image at a time.
  const work = bytes ? new Float32Array(plane) : (chunkImages as Float32Array);
  const sourceIndices = new Int32Array(capacity);
  const chunkLabels = labels ? new Int32Array(capacity) : undefined;
  for (let start = 0; start < total; start += capacity) {
    const size = Math.min(capacity, total - start);
    for (let k = 0; k < size; k++) {
      const source = (start + k) % count;
      const row = set.rowOf(source);
      sourceIndices[k] = source;
      if (chunkLabels) chunkLabels[k] = labels![row];
      const from = row * plane;
      const workOffset = bytes ? 0 : k * plane;
      for (let i = 0; i < plane; i++) work[workOffset + i] = images[from + i];
      transform.distortInPlace(work, workOffset, 1, height, width, generator);
      if (bytes) {
        const to = k * plane;
        // Uint8Array stores truncate and wrap, so round and clamp by hand.
        for (let i = 0; i < plane; i++) {
          chunkImages[to + i] = Math.min(255, Math.max(0, Math.round(work[i])));
        }
      }
    }
    yield { images: chunkImages, sourceIndices, labels: chunkLabels, start, count: size };
  }
}
