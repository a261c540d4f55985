import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, uniform, zeros } from '../creation.js';
import { ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from '../testing/gradient-check.js';
import { avgPool2d, maxPool2d, sumPool2d } from './pool.js';

/** Pooling by definition (float64 loops): the oracle. */
function directPool(
  mode: 'max' | 'avg' | 'sum',
  x: Tensor,
  kernel: [number, number],
  stride: [number, number],
): Float64Array {
  const [height, width] = x.shape.slice(-2);
  const planes = x.size / (height * width);
  const outHeight = Math.floor((height - kernel[0]) / stride[0]) + 1;
  const outWidth = Math.floor((width - kernel[1]) / stride[1]) + 1;
  const out = new Float64Array(planes * outHeight * outWidth);
  let index = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const values: number[] = [];
        for (let kh = 0; kh < kernel[0]; kh++) {
          for (let kw = 0; kw < kernel[1]; kw++) {
            values.push(x.data[(p * height + oh * stride[0] + kh) * width + ow * stride[1] + kw]);
          }
        }
        const total = values.reduce((a, b) => a + b, 0);
        out[index++] =
          mode === 'max' ? Math.max(...values) : mode === 'sum' ? total : total / values.length;
      }
    }
  }
  return out;
}

const pools = { max: maxPool2d, avg: avgPool2d, sum: sumPool2d };

describe('pooling against the definition', () => {
  const generator = new Generator(31);

  it('2x2 sub-sampling of a small image', () => {
    const x = tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ]).reshape([1, 1, 4, 4]);
    expect(maxPool2d(x, 2).data).toBeAllclose([6, 8, 14, 16]);
    expect(avgPool2d(x, 2).data).toBeAllclose([3.5, 5.5, 11.5, 13.5]);
    expect(sumPool2d(x, 2).data).toBeAllclose([14, 22, 46, 54]);
    expect(maxPool2d(x, 3, 1).data).toBeAllclose([11, 12, 15, 16]);
  });

  it('random shapes, kernels and strides (overlapping and gapped windows)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('max' as const, 'avg' as const, 'sum' as const),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        (mode, lead, height, width, kernel, stride) => {
          fc.pre(kernel[0] <= height && kernel[1] <= width);
          const x = uniform([...lead, height, width], -1, 1, generator);
          const out = pools[mode](x, kernel, stride);
          expect(out.data).toBeAllclose(directPool(mode, x, kernel, stride), {
            rtol: 1e-5,
            atol: 1e-5,
          });
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('pooling gradients (central differences)', () => {
  const generator = new Generator(32);
  for (const mode of ['max', 'avg', 'sum'] as const) {
    it(`${mode} with overlapping windows`, () => {
      const x = uniform([2, 2, 5, 6], -1, 1, generator);
      if (mode === 'max') {
        // distinct values, far apart, so a small step never changes a window's maximum
        const order = generator.permutation(x.size);
        for (let i = 0; i < x.size; i++) x.data[i] = order[i] * 0.05;
      }
      const [{ analytic, numeric }] = compareGradients((t) => pools[mode](t, [3, 2], [2, 1]), [x]);
      expect(analytic).toBeAllclose(numeric, { rtol: 2e-2, atol: 2e-3 });
    });
  }
});

describe('pooling errors', () => {
  it('rejects windows larger than the input and low ranks', () => {
    expect(() => maxPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(ShapeError);
    expect(() => avgPool2d(zeros([4, 4]), 2)).toThrow(
      /avgPool2d: got shape \[4, 4\]; expected a tensor of rank >= 3/,
    );
    expect(() => sumPool2d(zeros([1, 4, 4]), 0)).toThrow(/kernel must be an integer >= 1/);
  });
});
