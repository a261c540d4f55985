import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GaussianSmoother, gaussianKernel } from './gaussian.js';
import { smoothingWasmAvailable } from './smoothing-wasm.js';

/** Direct 2-D convolution with the 2-D Gaussian, zero outside the field: the definition. */
function directGaussian2d(
  field: Float64Array,
  height: number,
  width: number,
  sigma: number,
  truncate: number,
) {
  const radius = Math.floor(truncate * sigma + 0.5);
  let normaliser = 0;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++)
      normaliser += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  }
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const sy = y + dy;
          const sx = x + dx;
          if (sy < 0 || sx < 0 || sy >= height || sx >= width) continue;
          sum += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) * field[sy * width + sx];
        }
      }
      out[y * width + x] = sum / normaliser;
    }
  }
  return out;
}

describe('gaussianKernel', () => {
  it('has radius round(truncate * sigma), sums to 1 and is symmetric', () => {
    const kernel = gaussianKernel(4, 4);
    expect(kernel.length).toBe(33);
    expect(kernel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    for (let k = 0; k < 16; k++) expect(kernel[k]).toBe(kernel[32 - k]);
    expect(kernel[16] / kernel[20]).toBeCloseTo(Math.exp(0.5), 12); // one sigma away
    expect(gaussianKernel(1.2, 3).length).toBe(9);
  });

  it('is the identity for sigma 0 and rejects bad arguments', () => {
    expect(Array.from(gaussianKernel(0))).toEqual([1]);
    expect(() => gaussianKernel(-1)).toThrow(/sigma must be a finite number >= 0, got -1/);
    expect(() => gaussianKernel(1, 0)).toThrow(/truncate/);
  });
});

describe.each(['js', 'wasm'] as const)('GaussianSmoother (%s)', (backend) => {
  it.runIf(backend === 'js' || smoothingWasmAvailable())(
    'equals a direct 2-D convolution on small fields of any size (odd, even, tiny)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 11 }),
          fc.integer({ min: 1, max: 11 }),
          fc.double({ min: 0.3, max: 5, noNaN: true }),
          fc.constantFrom(2, 3, 4),
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.double({ min: -40, max: 40, noNaN: true }),
          (height, width, sigma, truncate, seed, scale) => {
            const field = new Float64Array(height * width).map(
              (_, i) => Math.sin(seed + i * 7.31) * 3,
            );
            const expected = directGaussian2d(field, height, width, sigma, truncate).map(
              (v) => v * scale,
            );
            const out = new Float64Array(height * width);
            new GaussianSmoother(sigma, truncate, backend).smooth(field, height, width, out, scale);
            expect(out).toBeAllclose(expected, { rtol: 1e-10, atol: 1e-12 });
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it.runIf(backend === 'js' || smoothingWasmAvailable())(
    'matches the direct convolution at 28x28, sigma 4, and smooths side-by-side fields independently',
    () => {
      const first = new Float64Array(28 * 28).map((_, i) => Math.cos(i * 1.7));
      const second = new Float64Array(28 * 28).map((_, i) => (i % 5) - 2);
      const smoother = new GaussianSmoother(4, 4, backend);
      expect(smoother.backend).toBe(backend);
      const buffer = smoother.fieldBuffer(28, 28, 2);
      for (let y = 0; y < 28; y++) {
        buffer.set(first.subarray(y * 28, (y + 1) * 28), y * 56);
        buffer.set(second.subarray(y * 28, (y + 1) * 28), y * 56 + 28);
      }
      smoother.smoothFieldBuffer(2);
      const expectedFirst = directGaussian2d(first, 28, 28, 4, 4);
      const expectedSecond = directGaussian2d(second, 28, 28, 4, 4);
      const gotFirst = new Float64Array(784);
      const gotSecond = new Float64Array(784);
      for (let y = 0; y < 28; y++) {
        gotFirst.set(buffer.subarray(y * 56, y * 56 + 28), y * 28);
        gotSecond.set(buffer.subarray(y * 56 + 28, y * 56 + 56), y * 28);
      }
      expect(gotFirst).toBeAllclose(
        expectedFirst.map((v) => 2 * v),
        { rtol: 1e-10, atol: 1e-13 },
      );
      expect(gotSecond).toBeAllclose(
        expectedSecond.map((v) => 2 * v),
        { rtol: 1e-10, atol: 1e-13 },
      );
      // Reused across sizes: a 5x7 field after the 28x28 pair.
      const small = new Float64Array(35).map((_, i) => i % 3);
      const smallOut = new Float64Array(35);
      smoother.smooth(small, 5, 7, smallOut);
      expect(smallOut).toBeAllclose(directGaussian2d(small, 5, 7, 4, 4), {
        rtol: 1e-10,
        atol: 1e-13,
      });
    },
  );
});

describe('GaussianSmoother backends', () => {
  it.runIf(smoothingWasmAvailable())(
    'give bit-identical results (same operations, same order)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 3 }),
          fc.double({ min: 0, max: 8, noNaN: true }),
          fc.integer({ min: 0, max: 1000 }),
          (height, width, count, sigma, seed) => {
            const values = new Float64Array(height * width * count).map((_, i) =>
              Math.sin(seed * 13 + i),
            );
            const results = (['js', 'wasm'] as const).map((backend) => {
              const smoother = new GaussianSmoother(sigma, 4, backend);
              smoother.fieldBuffer(height, width, count).set(values);
              smoother.smoothFieldBuffer(34);
              return Buffer.from(smoother.fieldBuffer(height, width, count).slice().buffer);
            });
            expect(results[0].equals(results[1])).toBe(true);
          },
        ),
        { numRuns: 100 },
      );
    },
  );

  it('rejects an unknown backend and misuse', () => {
    expect(() => new GaussianSmoother(1, 4, 'gpu' as never)).toThrow(
      /expected 'auto', 'wasm' or 'js', got gpu/,
    );
    expect(() => new GaussianSmoother(1, 4, 'js').smoothFieldBuffer()).toThrow(/call fieldBuffer/);
    expect(() => new GaussianSmoother(1, 4, 'js').fieldBuffer(0, 3)).toThrow(/sizes must be >= 1/);
  });
});
