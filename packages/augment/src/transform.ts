import { type Generator, Tensor } from '@lenet/tensor';
import type { ImageBatch } from './types.js';
import { checkImageSize } from './validate.js';

/**
 * A random distortion. Subclasses implement one method, `distortInPlace`, on planes inside a
 * larger buffer (no views, no allocation per image); `apply` and `applyBatch` are built on it.
 * Each instance owns scratch buffers sized for the last image size it saw, so an instance must
 * not be used by two loops at once (make one per pipeline; they are cheap).
 */
export abstract class Transform {
  /**
   * Distorts the `channels` planes of `height` x `width` starting at `data[offset]`, in place.
   * All channels of one image get the same random distortion.
   */
  abstract distortInPlace(
    data: Float32Array,
    offset: number,
    channels: number,
    height: number,
    width: number,
    generator: Generator,
  ): void;

  /**
   * Distorts one image (row-major `height` x `width`) and returns it in `out`: a new array when
   * `out` is omitted; pass a reused array (or `image` itself, for in place) in a hot loop.
   */
  apply(
    image: Float32Array,
    height: number,
    width: number,
    generator: Generator,
    out?: Float32Array,
  ): Float32Array {
    checkImageSize('apply', height, width);
    const size = height * width;
    if (!(image instanceof Float32Array) || image.length !== size) {
      throw new RangeError(
        `apply: expected a Float32Array of ${height} x ${width} = ${size} pixels, got ${describe(image)}`,
      );
    }
    const target = out ?? new Float32Array(size);
    if (!(target instanceof Float32Array) || target.length !== size) {
      throw new RangeError(
        `apply: out must be a Float32Array of ${size} pixels, got ${describe(target)}`,
      );
    }
    if (target !== image) target.set(image);
    this.distortInPlace(target, 0, 1, height, width, generator);
    return target;
  }

  /**
   * Distorts every image of a batch in place: a `Tensor` (or any `{ shape, data }`) of shape
   * [N, C, H, W] or [N, H, W] holding float32. Images are processed in order, so the result
   * equals calling `apply` on each image in turn with the same generator.
   */
  applyBatch(batch: ImageBatch, generator: Generator): void {
    const { count, channels, height, width } = batchDimensions(batch);
    // A tensor's values are copied out, distorted in host memory and copied back in by a
    // kernel (tensor memory belongs to @lenet/tensor); a plain { shape, data } in place.
    const isTensor = batch instanceof Tensor;
    let data = batch.data;
    if (isTensor) {
      this.#hostBatch = sized(this.#hostBatch, data.length, (length) => new Float32Array(length));
      this.#hostBatch.set(data);
      data = this.#hostBatch;
    }
    const stride = channels * height * width;
    for (let n = 0; n < count; n++) {
      this.distortInPlace(data, n * stride, channels, height, width, generator);
    }
    if (isTensor) batch.add_(data, { beta: 0 });
  }

  /** Host copy of a tensor batch for `applyBatch`, reused between batches. */
  #hostBatch = new Float32Array(0);

  /**
   * This transform as a `batches(dataset, { transform })` hook of `@lenet/datasets-mnist`.
   * Those batches are in the paper's scale unless asked otherwise, so give the transform
   * `fill: -0.1` (the background) there.
   */
  asBatchTransform(): BatchTransformFunction {
    return (images, count, height, width, generator) => {
      checkImageSize('batch transform', height, width);
      const channels = images.length / (count * height * width);
      if (!Number.isInteger(channels) || channels < 1) {
        throw new RangeError(
          `batch transform: ${images.length} values do not hold ${count} images of ${height} x ${width}`,
        );
      }
      const stride = channels * height * width;
      for (let n = 0; n < count; n++) {
        this.distortInPlace(images, n * stride, channels, height, width, generator);
      }
    };
  }
}

/**
 * The batch-hook signature of `@lenet/datasets-mnist`'s `batches(..., { transform })`:
 * `count` images of `height` x `width` floats back to back (a [count, C, height, width]
 * tensor's data), changed in place, randomness only from `generator`.
 */
export type BatchTransformFunction = (
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  generator: Generator,
) => void;

export interface BatchDimensions {
  count: number;
  channels: number;
  height: number;
  width: number;
}

export function batchDimensions(batch: ImageBatch): BatchDimensions {
  const shape = batch?.shape;
  if (!Array.isArray(shape) || (shape.length !== 3 && shape.length !== 4)) {
    throw new RangeError(
      `applyBatch: expected a batch of shape [N, C, H, W] or [N, H, W], got shape ${JSON.stringify(shape)}`,
    );
  }
  if (batch.dtype !== undefined && batch.dtype !== 'float32') {
    throw new TypeError(`applyBatch: expected float32 images, got dtype ${batch.dtype}`);
  }
  const [count, channels, height, width] =
    shape.length === 4 ? shape : [shape[0], 1, shape[1], shape[2]];
  const data = batch.data;
  if (!(data instanceof Float32Array) || data.length !== count * channels * height * width) {
    throw new RangeError(
      `applyBatch: shape [${shape.join(', ')}] needs a Float32Array of ${count * channels * height * width} values, got ${describe(data)}`,
    );
  }
  return { count, channels, height, width };
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  }
  return value === null ? 'null' : typeof value;
}

/** Returns `buffer` if it holds exactly `length` values, else a new one (sizes rarely change). */
export function sized<T extends Float32Array | Float64Array>(
  buffer: T,
  length: number,
  create: (length: number) => T,
): T {
  return buffer.length === length ? buffer : create(length);
}

/** Copies `length` values from `data[start]` into `into` (a loop: a subarray view would allocate). */
export function copyPlane(
  data: Float32Array,
  start: number,
  length: number,
  into: Float32Array,
): void {
  for (let i = 0; i < length; i++) into[i] = data[start + i];
}
