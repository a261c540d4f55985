import { type Tensor, zeros } from '@lenet/tensor';

/**
 * A labelled data set as the trainer reads it: one sample at a time, written as floats into a
 * batch buffer the trainer owns (so no per-sample or per-batch allocation). `@lenet/datasets-mnist`
 * data sets map onto it with a few lines (see the README); `samplesFromArrays` wraps arrays.
 */
export interface LabelledSamples {
  readonly length: number;
  /** Shape of one sample without the batch dimension, e.g. [1, 32, 32]. */
  readonly sampleShape: readonly number[];
  /** Number of classes (labels are 0 .. classCount - 1). Default 10. */
  readonly classCount?: number;
  /** Writes sample `index` into `out[offset .. offset + sampleSize)` and returns its label. */
  readSample(index: number, out: Float32Array, offset: number): number;
}

/** Samples held in memory: `images` is `length x sampleSize` floats, row-major. */
export function samplesFromArrays(
  images: Float32Array,
  labels: ArrayLike<number>,
  sampleShape: readonly number[],
  classCount = 10,
): LabelledSamples {
  const sampleSize = sampleShape.reduce((product, size) => product * size, 1);
  if (images.length !== labels.length * sampleSize) {
    throw new RangeError(
      `samplesFromArrays: ${labels.length} labels of shape [${sampleShape.join(', ')}] need ${labels.length * sampleSize} floats, got ${images.length}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classCount) {
      throw new RangeError(
        `samplesFromArrays: label ${i} is ${labels[i]}, expected an integer in [0, ${classCount})`,
      );
    }
  }
  return {
    length: labels.length,
    sampleShape: [...sampleShape],
    classCount,
    readSample(index, out, offset) {
      const start = index * sampleSize;
      for (let i = 0; i < sampleSize; i++) out[offset + i] = images[start + i];
      return labels[index];
    },
  };
}

export function sampleSizeOf(samples: LabelledSamples): number {
  return samples.sampleShape.reduce((product, size) => product * size, 1);
}

/** Checks the parts of `LabelledSamples` the trainer relies on; `role` names it in errors. */
export function checkSamples(samples: LabelledSamples, role: string): void {
  if (!samples || typeof samples.readSample !== 'function') {
    throw new TypeError(
      `fit: ${role} must be LabelledSamples ({ length, sampleShape, readSample(index, out, offset) })`,
    );
  }
  if (!Number.isInteger(samples.length) || samples.length < 1) {
    throw new RangeError(
      `fit: ${role} must hold at least one sample, got length ${samples.length}`,
    );
  }
  if (!Array.isArray(samples.sampleShape) || !samples.sampleShape.every((s) => s >= 1)) {
    throw new RangeError(
      `fit: ${role}.sampleShape must be an array of sizes >= 1, got ${JSON.stringify(samples.sampleShape)}`,
    );
  }
}

interface AssembledBatch {
  readonly images: Tensor;
  /** Int32 tensors live in JavaScript memory (not the backend's): filled in place. */
  readonly labels: Tensor<'int32'>;
  /** Where samples are read before one copy into `images`. */
  readonly hostImages: Float32Array;
  readonly copy: { readonly beta: number };
}

/**
 * Assembles batches into tensors it allocates once: `images` [batchSize, ...sampleShape] and
 * `labels` [batchSize] (int32). A batch shorter than `batchSize` (the end of a pass) gets its
 * own pair of tensors, also kept.
 */
export class BatchAssembler {
  private readonly samples: LabelledSamples;
  private readonly sampleSize: number;
  private readonly full: AssembledBatch;
  private partial: AssembledBatch | null = null;

  constructor(samples: LabelledSamples, batchSize: number) {
    this.samples = samples;
    this.sampleSize = sampleSizeOf(samples);
    this.full = this.allocate(batchSize);
  }

  /**
   * Fills a batch with samples `order[start .. start + count)` (or `start .. start + count`
   * when `order` is null) and returns its tensors (valid until the next call).
   */
  fill(
    order: Int32Array | null,
    start: number,
    count: number,
  ): { images: Tensor; labels: Tensor<'int32'> } {
    let batch = this.full;
    if (count !== batch.labels.size) {
      if (this.partial?.labels.size !== count) this.partial = this.allocate(count);
      batch = this.partial;
    }
    // Samples are read into host memory, then copied into the tensor by a kernel (beta 0:
    // an exact copy), so no view of backend memory is held here.
    const images = batch.hostImages;
    const labels = batch.labels.data;
    const samples = this.samples;
    const sampleSize = this.sampleSize;
    for (let i = 0; i < count; i++) {
      const index = order === null ? start + i : order[start + i];
      labels[i] = samples.readSample(index, images, i * sampleSize);
    }
    batch.images.add_(images, batch.copy);
    return batch;
  }

  private allocate(count: number): AssembledBatch {
    return {
      images: zeros([count, ...this.samples.sampleShape]),
      labels: zeros([count], { dtype: 'int32' }),
      hostImages: new Float32Array(count * this.sampleSize),
      copy: { beta: 0 },
    };
  }
}
