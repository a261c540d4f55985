import { type GrayImage, grayImage } from './gray-image.js';
import { resample } from './resample.js';

export const MNIST_SIZE = 28;
/** NIST digits were fit into a 20x20 box before centering in 28x28 (LeCun et al. 1998). */
export const MNIST_BOX = 20;
/** Ink below this fraction of the strongest ink is treated as paper noise. */
const NOISE_FLOOR = 0.1;

export interface MnistDigitInfo {
  /** True when the image was dark ink on light paper and was inverted. */
  readonly inverted: boolean;
  /** The ink's bounding box in the input image. */
  readonly box: { x: number; y: number; width: number; height: number };
}

/** A digit in MNIST's format: 28x28 bytes, 0 = background, 255 = ink. */
export interface MnistDigit extends MnistDigitInfo {
  readonly pixels: Uint8Array;
}

/**
 * Turns a gray image of one digit into MNIST's format the way MNIST was made: ink made light
 * on a dark background (inverting dark-on-light images, judged by the border), cropped to the
 * ink, fit into a 20x20 box keeping the aspect ratio, then placed in 28x28 so that its center
 * of mass is at the center of the field.
 */
export function toMnistDigit(image: GrayImage): MnistDigit {
  const { ink, inverted } = inkOf(image);
  const box = inkBox(ink);
  if (!box) {
    throw new RangeError(
      `no digit found: the ${image.width}x${image.height} image has no contrast between ink and background`,
    );
  }
  const cropped = crop(ink, box);
  const scale = MNIST_BOX / Math.max(box.width, box.height);
  const fitted = resample(
    cropped,
    Math.max(1, Math.round(box.width * scale)),
    Math.max(1, Math.round(box.height * scale)),
  );
  return { pixels: centerByMass(fitted), inverted, box };
}

/** Ink strength in [0, 1]: background subtracted, stretched so the strongest ink is 1. */
function inkOf(image: GrayImage): { ink: GrayImage; inverted: boolean } {
  const background = borderMedian(image);
  const inverted = background > 0.5;
  const values = image.pixels.map((value) => (inverted ? 1 - value : value));
  const paper = inverted ? 1 - background : background;
  let strongest = 0;
  for (const value of values) strongest = Math.max(strongest, value - paper);
  const ink = new Float32Array(values.length);
  if (strongest > 0.05) {
    for (let i = 0; i < values.length; i++) {
      const strength = (values[i] - paper) / strongest;
      ink[i] = strength < NOISE_FLOOR ? 0 : strength;
    }
  }
  return { ink: grayImage(image.width, image.height, ink), inverted };
}

function borderMedian(image: GrayImage): number {
  const { width, height, pixels } = image;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(pixels[x], pixels[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++)
    border.push(pixels[y * width], pixels[y * width + width - 1]);
  border.sort((a, b) => a - b);
  return border[Math.floor(border.length / 2)];
}

function inkBox(ink: GrayImage): MnistDigitInfo['box'] | null {
  let left = ink.width;
  let right = -1;
  let top = ink.height;
  let bottom = -1;
  for (let y = 0; y < ink.height; y++) {
    for (let x = 0; x < ink.width; x++) {
      if (ink.pixels[y * ink.width + x] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

function crop(image: GrayImage, box: MnistDigitInfo['box']): GrayImage {
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const start = (box.y + y) * image.width + box.x;
    out.set(image.pixels.subarray(start, start + box.width), y * box.width);
  }
  return grayImage(box.width, box.height, out);
}

/**
 * Pastes `digit` into a 28x28 field so its center of mass lands on the field's center (pixel
 * coordinates 14, 14 with pixel centers at integers, as in the usual description of MNIST),
 * shifted by whole pixels and kept inside the field.
 */
function centerByMass(digit: GrayImage): Uint8Array {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < digit.height; y++) {
    for (let x = 0; x < digit.width; x++) {
      const value = digit.pixels[y * digit.width + x];
      mass += value;
      sumX += x * value;
      sumY += y * value;
    }
  }
  const offsetX = clamp(Math.round(MNIST_SIZE / 2 - sumX / mass), 0, MNIST_SIZE - digit.width);
  const offsetY = clamp(Math.round(MNIST_SIZE / 2 - sumY / mass), 0, MNIST_SIZE - digit.height);
  const out = new Uint8Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < digit.height; y++) {
    for (let x = 0; x < digit.width; x++) {
      const value = digit.pixels[y * digit.width + x];
      out[(offsetY + y) * MNIST_SIZE + offsetX + x] = Math.round(clamp(value, 0, 1) * 255);
    }
  }
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** A byte image (0..255) as a gray image in [0, 1]. */
export function grayFromBytes(bytes: Uint8Array, width: number, height: number): GrayImage {
  return grayImage(
    width,
    height,
    Float32Array.from(bytes, (value) => value / 255),
  );
}
