/**
 * A closed interval `[min, max]`, or a number `r` meaning `[-r, r]`. Every random parameter is
 * drawn uniformly from its range, one draw per image.
 */
export type Range = number | readonly [min: number, max: number];

/** Anything with a shape and a float32 buffer: `@lenet/tensor`'s `Tensor` fits. */
export interface ImageBatch {
  readonly shape: readonly number[];
  /** Read once per call: a tensor's getter returns its current buffer, written in place. */
  readonly data: Float32Array;
  readonly dtype?: string;
}

/** How a source position between pixel centres is read. */
export type Interpolation = 'bilinear' | 'nearest';

/** `count` images of `height` x `width`, packed row-major one after another. */
export interface ImageSet {
  readonly images: Float32Array | Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** One label per image, when the set has labels. */
  readonly labels?: ArrayLike<number>;
}
