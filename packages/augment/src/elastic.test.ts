import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { type Elastic, elastic, fillUniformSigned } from './elastic.js';
import { gaussianKernel } from './gaussian.js';
import { smoothingWasmAvailable } from './smoothing-wasm.js';

const SIZE = 28;

function ringDigit(): Float32Array {
  const image = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const distance = Math.abs(Math.hypot(x - 13.5, y - 12) - 6);
      image[y * SIZE + x] = Math.max(0, Math.min(1, 2 - distance));
    }
  }
  return image;
}

const transforms = new Map<number, Elastic>();
function elasticByAlpha(alpha: number): Elastic {
  if (!transforms.has(alpha)) transforms.set(alpha, elastic({ alpha }));
  return transforms.get(alpha)!;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

describe('elastic', () => {
  it('is the identity for alpha = 0', () => {
    const image = new Generator(1).fillUniform(new Float32Array(SIZE * SIZE));
    expect(elastic({ alpha: 0 }).apply(image, SIZE, SIZE, new Generator(2))).toEqual(image);
  });

  it('gives bitwise-identical output for the same seed and different output for another', () => {
    const image = ringDigit();
    const transform = elastic();
    const first = transform.apply(image, SIZE, SIZE, new Generator(5));
    const again = elastic().apply(image, SIZE, SIZE, new Generator(5));
    const other = transform.apply(image, SIZE, SIZE, new Generator(6));
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    expect(other).not.toEqual(first);
    expect(first).not.toEqual(image);
  });

  it('has the displacement variance the smoothing predicts (sigma 4, alpha 34, 29x29)', () => {
    // Uniform [-1, 1] noise has variance 1/3; zero-padded separable smoothing leaves pixel
    // (x, y) with variance alpha^2/3 * (sum of squared kernel taps inside the frame along y)
    // * (the same along x).
    const size = 29;
    const kernel = gaussianKernel(4, 4);
    const radius = (kernel.length - 1) / 2;
    const inside = (centre: number) => {
      let total = 0;
      for (let k = -radius; k <= radius; k++) {
        if (centre + k >= 0 && centre + k < size) total += kernel[k + radius] ** 2;
      }
      return total;
    };
    let predicted = 0;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) predicted += inside(y) * inside(x);
    predicted *= 34 ** 2 / 3 / (size * size);
    const transform = elastic();
    const generator = new Generator(7);
    const image = new Float32Array(size * size);
    let squares = 0;
    let count = 0;
    for (let trial = 0; trial < 300; trial++) {
      transform.apply(image, size, size, generator, image);
      const { x, y } = transform.lastDisplacement;
      for (let i = 0; i < x.length; i++) squares += x[i] * x[i] + y[i] * y[i];
      count += 2 * x.length;
    }
    // Root-mean-square displacement 1.28 px over the frame (larger at the centre).
    expect(Math.sqrt(predicted)).toBeCloseTo(1.28, 2);
    expect(Math.sqrt(squares / count) / Math.sqrt(predicted)).toBeCloseTo(1, 1);
  });

  it('roughly conserves total ink: within 15% per image for alpha 8, 2% on average for 34', () => {
    const image = ringDigit();
    const ink = sum(image);
    const generator = new Generator(8);
    const out = new Float32Array(image.length);
    const ratios = (alpha: number) =>
      Array.from({ length: 200 }, () => {
        elasticByAlpha(alpha).apply(image, SIZE, SIZE, generator, out);
        return sum(out) / ink;
      });
    const small = ratios(8);
    expect(Math.max(...small.map((ratio) => Math.abs(ratio - 1)))).toBeLessThan(0.15);
    // Simard's setting stretches strokes a lot (5th-95th percentile of ink about 0.76-1.26),
    // but does not add or remove ink on average.
    const large = ratios(34);
    expect(Math.abs(sum(large) / large.length - 1)).toBeLessThan(0.02);
    const within30 = large.filter((ratio) => Math.abs(ratio - 1) < 0.3).length;
    expect(within30 / large.length).toBeGreaterThan(0.9);
  });

  it('reads the fill value where content comes from outside (nearest and bilinear)', () => {
    const image = new Float32Array(SIZE * SIZE).fill(1);
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      const out = elastic({ alpha: 200, fill: -0.1, interpolation }).apply(
        image,
        SIZE,
        SIZE,
        new Generator(3),
      );
      expect(Math.min(...out)).toBeCloseTo(-0.1, 6);
      expect(Math.max(...out)).toBe(1);
      if (interpolation === 'nearest') {
        expect(out.every((value) => value === 1 || value === Math.fround(-0.1))).toBe(true);
      }
    }
  });
});

describe('elastic smoothing backends', () => {
  it.runIf(smoothingWasmAvailable())('wasm and js give bit-identical images', () => {
    const image = ringDigit();
    const viaWasm = elastic({ smoothing: 'wasm' });
    const viaJs = elastic({ smoothing: 'js' });
    expect([viaWasm.smoothingBackend, viaJs.smoothingBackend]).toEqual(['wasm', 'js']);
    const first = viaWasm.apply(image, SIZE, SIZE, new Generator(21));
    const second = viaJs.apply(image, SIZE, SIZE, new Generator(21));
    expect(Buffer.from(first.buffer).equals(Buffer.from(second.buffer))).toBe(true);
  });

  it('uses WebAssembly SIMD by default where available (Node 20 has it)', () => {
    expect(smoothingWasmAvailable()).toBe(true);
    expect(elastic().smoothingBackend).toBe('wasm');
  });
});

describe('fillUniformSigned', () => {
  it('draws in [-1, 1) with mean 0 and variance 1/3, odd lengths included', () => {
    const field = new Float64Array(20_001);
    fillUniformSigned(field, field.length, new Generator(4));
    expect(Math.min(...field)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...field)).toBeLessThan(1);
    const mean = sum(field) / field.length;
    const variance = sum(field.map((v) => (v - mean) ** 2)) / field.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1 / 3, 1);
  });
});
