/**
 * Resampling: the distorted image at pixel (x, y) is the source image read at a position
 * (sx, sy) that is usually between pixel centres (Simard et al. 2003, "pull" mapping). Pixel
 * centres sit at integer coordinates; any position outside the image reads `fill`, the
 * background value (0 for raw pixels, -0.1 in the paper's scale).
 */
import type { Interpolation } from './types.js';

/**
 * Bilinear interpolation: horizontal first, then vertical, as in Simard et al.; neighbours
 * outside the image count as `fill`. At an integer position it returns the pixel exactly.
 */
export function sampleBilinear(
  source: Float32Array,
  height: number,
  width: number,
  x: number,
  y: number,
  fill: number,
): number {
  const left = Math.floor(x);
  const top = Math.floor(y);
  const fractionX = x - left;
  const fractionY = y - top;
  if (left >= 0 && top >= 0 && left < width - 1 && top < height - 1) {
    return interpolateInside(source, width, left, top, fractionX, fractionY);
  }
  if (left < -1 || top < -1 || left >= width || top >= height) return fill;
  // On the border: some of the four neighbours are background.
  const upperLeft = pixelOrFill(source, height, width, left, top, fill);
  const upperRight = pixelOrFill(source, height, width, left + 1, top, fill);
  const lowerLeft = pixelOrFill(source, height, width, left, top + 1, fill);
  const lowerRight = pixelOrFill(source, height, width, left + 1, top + 1, fill);
  const upper = upperLeft + fractionX * (upperRight - upperLeft);
  const lower = lowerLeft + fractionX * (lowerRight - lowerLeft);
  return upper + fractionY * (lower - upper);
}

/** The pixel whose centre is nearest to (x, y) (halves round up), or `fill` outside. */
export function sampleNearest(
  source: Float32Array,
  height: number,
  width: number,
  x: number,
  y: number,
  fill: number,
): number {
  return pixelOrFill(source, height, width, Math.floor(x + 0.5), Math.floor(y + 0.5), fill);
}

function pixelOrFill(
  source: Float32Array,
  height: number,
  width: number,
  column: number,
  row: number,
  fill: number,
): number {
  return column >= 0 && row >= 0 && column < width && row < height
    ? source[row * width + column]
    : fill;
}

/**
 * Source position of output pixel (x, y) under an affine map, as six numbers
 * `[xx, xy, x0, yx, yy, y0]`: sx = xx*x + xy*y + x0, sy = yx*x + yy*y + y0.
 */
export type AffineSourceMap = Float64Array;

/** Writes `source` warped by `map` into `out[outOffset ...]` (height x width). */
export function warpAffineInto(
  source: Float32Array,
  height: number,
  width: number,
  map: AffineSourceMap,
  fill: number,
  interpolation: Interpolation,
  out: Float32Array,
  outOffset: number,
): void {
  const xx = map[0];
  const xy = map[1];
  const yx = map[3];
  const yy = map[4];
  let o = outOffset;
  // Two loops rather than a function variable, so each call site stays monomorphic and inlined.
  if (interpolation === 'nearest') {
    for (let y = 0; y < height; y++) {
      const rowX = xy * y + map[2];
      const rowY = yy * y + map[5];
      for (let x = 0; x < width; x++) {
        out[o++] = sampleNearest(source, height, width, xx * x + rowX, yx * x + rowY, fill);
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    // Position of (0, y); stepping x adds (xx, yx). Recomputed per row so error cannot grow.
    const rowX = xy * y + map[2];
    const rowY = yy * y + map[5];
    for (let x = 0; x < width; x++, o++) {
      const sourceX = xx * x + rowX;
      const sourceY = yx * x + rowY;
      const left = Math.floor(sourceX);
      const top = Math.floor(sourceY);
      if (left >= 0 && top >= 0 && left < width - 1 && top < height - 1) {
        out[o] = interpolateInside(source, width, left, top, sourceX - left, sourceY - top);
      } else {
        out[o] = sampleBilinear(source, height, width, sourceX, sourceY, fill);
      }
    }
  }
}

/** Bilinear read whose four neighbours are all inside the image (the common case). */
function interpolateInside(
  source: Float32Array,
  width: number,
  left: number,
  top: number,
  fractionX: number,
  fractionY: number,
): number {
  const index = top * width + left;
  const upper = source[index] + fractionX * (source[index + 1] - source[index]);
  const lowerIndex = index + width;
  const lower = source[lowerIndex] + fractionX * (source[lowerIndex + 1] - source[lowerIndex]);
  return upper + fractionY * (lower - upper);
}

/**
 * Writes `source` read at (x + dx, y + dy) into `out[outOffset ...]`. `displacements` holds
 * both fields side by side: row y is dx's row y (width values), then dy's row y.
 */
export function remapDisplacedInto(
  source: Float32Array,
  height: number,
  width: number,
  displacements: Float64Array,
  fill: number,
  interpolation: Interpolation,
  out: Float32Array,
  outOffset: number,
): void {
  let o = outOffset;
  if (interpolation === 'nearest') {
    for (let y = 0; y < height; y++) {
      const row = 2 * y * width;
      for (let x = 0; x < width; x++, o++) {
        const sourceX = x + displacements[row + x];
        const sourceY = y + displacements[row + width + x];
        out[o] = sampleNearest(source, height, width, sourceX, sourceY, fill);
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    const row = 2 * y * width;
    for (let x = 0; x < width; x++, o++) {
      const sourceX = x + displacements[row + x];
      const sourceY = y + displacements[row + width + x];
      const left = Math.floor(sourceX);
      const top = Math.floor(sourceY);
      if (left >= 0 && top >= 0 && left < width - 1 && top < height - 1) {
        out[o] = interpolateInside(source, width, left, top, sourceX - left, sourceY - top);
      } else {
        out[o] = sampleBilinear(source, height, width, sourceX, sourceY, fill);
      }
    }
  }
}
