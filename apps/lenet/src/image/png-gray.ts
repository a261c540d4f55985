import { decode, hasPngSignature } from 'fast-png';
import { type GrayImage, grayImage } from './gray-image.js';
import { pngSizeProblem } from './png-limits.js';

/** A file that is not a PNG, or a PNG that cannot be decoded. */
export class ImageReadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageReadError';
  }
}

// ITU-R BT.601 luma weights, the usual RGB -> gray conversion.
const LUMA_RED = 0.299;
const LUMA_GREEN = 0.587;
const LUMA_BLUE = 0.114;

/**
 * Decodes any PNG (gray, gray + alpha, RGB, RGBA, palette; 1 to 16 bits) into a gray image in
 * [0, 1]. Transparent pixels become a background that contrasts with the ink, so a digit drawn
 * in any color on a transparent canvas stays visible.
 */
export function decodePngToGray(bytes: Uint8Array, file = '<image>'): GrayImage {
  if (bytes.length < 8 || !hasPngSignature(bytes)) {
    throw new ImageReadError(file, 'not a PNG file (expected the 8-byte PNG signature)');
  }
  const tooLarge = pngSizeProblem(bytes);
  if (tooLarge) throw new ImageReadError(file, `image too large: ${tooLarge}`);
  let png: ReturnType<typeof decode>;
  try {
    // checkCrc: a damaged file (a flipped bit in any chunk) is refused, not half-read.
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new ImageReadError(file, `unreadable PNG: ${(error as Error).message}`);
  }
  const { width, height } = png;
  if (width < 1 || height < 1) throw new ImageReadError(file, `empty image (${width}x${height})`);
  const channels = png.palette ? png.palette[0].length : png.channels;
  const hasAlpha = channels === 2 || channels === 4;
  const sample = sampleReader(png);
  // Straight from the decoded data, one pixel at a time: no float copy of every channel, so a
  // 2048x2048 RGBA 16-bit image stays within predict's memory bound (app README).
  const luma = new Float32Array(width * height);
  const alpha = hasAlpha ? new Float32Array(width * height) : null;
  for (let i = 0; i < width * height; i++) {
    luma[i] =
      channels >= 3
        ? LUMA_RED * sample(i, 0) + LUMA_GREEN * sample(i, 1) + LUMA_BLUE * sample(i, 2)
        : sample(i, 0);
    if (alpha) alpha[i] = sample(i, channels - 1);
  }
  return grayImage(width, height, alpha ? compositeOnContrastingBackground(luma, alpha) : luma);
}

/** Sample `channel` of pixel `i` in [0, 1]; palette images read through their colors. */
function sampleReader(png: ReturnType<typeof decode>): (i: number, channel: number) => number {
  const { width, height, depth } = png;
  if (png.palette) {
    const palette = png.palette;
    const indices = unpackRows(png.data, width, height, 1, depth);
    return (i, channel) => {
      const color = palette[indices[i]];
      if (!color) throw new RangeError(`palette index ${indices[i]} out of range`);
      return color[channel] / 255;
    };
  }
  const channels = png.channels;
  const raw = unpackRows(png.data, width, height, channels, depth);
  const scale = 1 / (2 ** depth - 1);
  return (i, channel) => raw[i * channels + channel] * scale;
}

/** Sample values of a decoded PNG; rows of 1, 2 and 4-bit images are byte-aligned. */
function unpackRows(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  depth: number,
): ArrayLike<number> {
  if (depth >= 8) return data;
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(perRow * height);
  for (let row = 0; row < height; row++) {
    for (let k = 0; k < perRow; k++) {
      const bit = k * depth;
      const byte = data[row * rowBytes + (bit >> 3)];
      out[row * perRow + k] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/**
 * Where alpha varies, the ink is what is opaque: composite over black when the opaque pixels
 * are light on average, over white when they are dark.
 */
function compositeOnContrastingBackground(luma: Float32Array, alpha: Float32Array): Float32Array {
  let weighted = 0;
  let weight = 0;
  for (let i = 0; i < luma.length; i++) {
    weighted += alpha[i] * luma[i];
    weight += alpha[i];
  }
  const background = weight > 0 && weighted / weight > 0.5 ? 0 : 1;
  const out = new Float32Array(luma.length);
  for (let i = 0; i < luma.length; i++) out[i] = alpha[i] * luma[i] + (1 - alpha[i]) * background;
  return out;
}
