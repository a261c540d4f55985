import { type GrayImage, grayImage } from './gray-image.js';

/** How one output row (or column) mixes input rows: parallel lists of indices and weights. */
interface AxisTap {
  readonly indices: number[];
  readonly weights: number[];
}

/**
 * Resizes to `width x height`, one axis at a time: shrinking averages the input area each
 * output pixel covers (so thin strokes become grey rather than vanish, as NIST's anti-aliased
 * normalization did); enlarging interpolates linearly.
 */
export function resample(image: GrayImage, width: number, height: number): GrayImage {
  const columnTaps = axisTaps(image.width, width);
  const rowTaps = axisTaps(image.height, height);
  const horizontal = new Float32Array(width * image.height);
  for (let row = 0; row < image.height; row++) {
    for (let column = 0; column < width; column++) {
      const tap = columnTaps[column];
      let sum = 0;
      for (let k = 0; k < tap.indices.length; k++) {
        sum += tap.weights[k] * image.pixels[row * image.width + tap.indices[k]];
      }
      horizontal[row * width + column] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    const tap = rowTaps[row];
    for (let column = 0; column < width; column++) {
      let sum = 0;
      for (let k = 0; k < tap.indices.length; k++) {
        sum += tap.weights[k] * horizontal[tap.indices[k] * width + column];
      }
      out[row * width + column] = sum;
    }
  }
  return grayImage(width, height, out);
}

function axisTaps(inputSize: number, outputSize: number): AxisTap[] {
  const scale = outputSize / inputSize;
  const taps: AxisTap[] = [];
  for (let out = 0; out < outputSize; out++) {
    const indices: number[] = [];
    const weights: number[] = [];
    if (scale <= 1) {
      // Input interval [start, end) covered by this output pixel; weights = overlap / length.
      const start = out / scale;
      const end = (out + 1) / scale;
      for (let i = Math.floor(start); i < Math.min(Math.ceil(end), inputSize); i++) {
        const overlap = Math.min(end, i + 1) - Math.max(start, i);
        if (overlap > 0) {
          indices.push(i);
          weights.push(overlap / (end - start));
        }
      }
    } else {
      const position = Math.min(Math.max((out + 0.5) / scale - 0.5, 0), inputSize - 1);
      const low = Math.floor(position);
      const high = Math.min(low + 1, inputSize - 1);
      const fraction = position - low;
      indices.push(low, high);
      weights.push(1 - fraction, fraction);
    }
    taps.push({ indices, weights });
  }
  return taps;
}
