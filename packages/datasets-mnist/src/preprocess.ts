import type { Dataset } from './dataset.js';

/**
 * How 0..255 pixel bytes become floats:
 * - `'paper'`: LeCun et al. 1998, background -0.1 and ink 1.175 (x / 255 * 1.275 - 0.1), so
 *   the input has mean near 0 and variance near 1;
 * - `'unit'`: x / 255, in [0, 1];
 * - `{ mean, std }`: standardized, (x / 255 - mean) / std, with statistics of the training set
 *   in unit scale (see `pixelStatistics`).
 */
export type Normalization = 'paper' | 'unit' | { readonly mean: number; readonly std: number };

export const PAPER_BACKGROUND = -0.1;
export const PAPER_FOREGROUND = 1.175;

/** The float value of each of the 256 byte values: one table lookup per pixel. */
export function pixelTable(normalization: Normalization): Float32Array {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) {
    const unit = value / 255;
    if (normalization === 'paper') {
      table[value] = unit * (PAPER_FOREGROUND - PAPER_BACKGROUND) + PAPER_BACKGROUND;
    } else if (normalization === 'unit') {
      table[value] = unit;
    } else {
      const { mean, std } = normalization;
      if (!(std > 0) || !Number.isFinite(mean)) {
        throw new RangeError(
          `standardization needs a finite mean and std > 0, got ${mean}, ${std}`,
        );
      }
      table[value] = (unit - mean) / std;
    }
  }
  return table;
}

/** Mean and standard deviation of all pixels of `dataset`, in unit scale (x / 255). */
export function pixelStatistics(dataset: Dataset): { mean: number; std: number } {
  // A histogram of byte values turns 47 million pixels into 256 exact counts.
  const histogram = new Float64Array(256);
  const pixels = dataset.height * dataset.width;
  for (let i = 0; i < dataset.length; i++) {
    const image = dataset.image(i);
    for (let p = 0; p < pixels; p++) histogram[image[p]]++;
  }
  const total = dataset.length * pixels;
  if (total === 0) throw new RangeError('pixelStatistics: empty data set');
  let sum = 0;
  for (let value = 0; value < 256; value++) sum += histogram[value] * (value / 255);
  const mean = sum / total;
  let squares = 0;
  for (let value = 0; value < 256; value++) squares += histogram[value] * (value / 255 - mean) ** 2;
  return { mean, std: Math.sqrt(squares / total) };
}

/**
 * Writes the `height x width` byte image at `imageOffset` of `images` into `out` at `offset`
 * as floats through `table` (no allocation: this runs once per sample per epoch),
 * centred in a frame `padding` pixels wider on every side that is filled with the background
 * value `table[0]` (28x28 with padding 2 is the paper's 32x32 input).
 */
export function writeImage(
  images: Uint8Array,
  imageOffset: number,
  height: number,
  width: number,
  table: Float32Array,
  padding: number,
  out: Float32Array,
  offset: number,
): void {
  const outWidth = width + 2 * padding;
  if (padding > 0) out.fill(table[0], offset, offset + (height + 2 * padding) * outWidth);
  for (let row = 0; row < height; row++) {
    const source = imageOffset + row * width;
    const target = offset + (row + padding) * outWidth + padding;
    for (let column = 0; column < width; column++)
      out[target + column] = table[images[source + column]];
  }
}

export interface ToFloat32Options {
  normalization?: Normalization;
  /** Background pixels added on every side (2 turns 28x28 into 32x32). Default 0. */
  padding?: number;
}

/**
 * All images of `dataset` as one Float32Array of shape [length, 1, height + 2p, width + 2p].
 * For evaluation sets and plots; training reads batches instead (`batches`), which never
 * holds more than one batch in floats.
 */
export function toFloat32Images(dataset: Dataset, options: ToFloat32Options = {}): Float32Array {
  const padding = checkPadding(options.padding ?? 0);
  const table = pixelTable(options.normalization ?? 'paper');
  const outPixels = (dataset.height + 2 * padding) * (dataset.width + 2 * padding);
  const out = new Float32Array(dataset.length * outPixels);
  for (let i = 0; i < dataset.length; i++) {
    const imageOffset = dataset.sourceIndex(i) * dataset.height * dataset.width;
    writeImage(
      dataset.source.images,
      imageOffset,
      dataset.height,
      dataset.width,
      table,
      padding,
      out,
      i * outPixels,
    );
  }
  return out;
}

export function checkPadding(padding: number): number {
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`padding must be a non-negative integer, got ${padding}`);
  }
  return padding;
}
