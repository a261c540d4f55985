import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, uniform, zeros } from '../creation.js';
import { ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import { compareGradients } from '../testing/gradient-check.js';
import { matmul } from './matmul.js';

describe('matmul', () => {
  it('multiplies 2-D matrices', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [1, 0],
      [0, 1],
      [2, 2],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [7, 8],
      [16, 17],
    ]);
  });

  it('broadcasts leading axes like NumPy', () => {
    const generator = new Generator(41);
    const a = uniform([2, 1, 3, 4], -1, 1, generator);
    const b = uniform([3, 4, 5], -1, 1, generator);
    const out = matmul(a, b);
    expect(out.shape).toEqual([2, 3, 3, 5]);
    // entry [i, j] is a[i, 0] @ b[j]
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = matmul(a.index(i).index(0), b.index(j));
        expect(out.index(i).index(j).data).toBeAllclose(expected.data, { rtol: 1e-5, atol: 1e-6 });
      }
    }
    expect(
      matmul(uniform([4, 2, 3], -1, 1, generator), uniform([3, 6], -1, 1, generator)).shape,
    ).toEqual([4, 2, 6]);
  });

  it('names the shapes on mismatch', () => {
    expect(() => matmul(zeros([2, 3]), zeros([2, 3]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([2, 3]))).toThrow(
      /matmul: got shapes \[2, 3\], \[2, 3\]/,
    );
    expect(() => matmul(zeros([3]), zeros([3, 2]))).toThrow(/rank >= 2/);
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow(/matmul/);
  });

  it('has gradients matching central differences over random (batched) shapes', () => {
    const generator = new Generator(42);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom([], [2], [3, 1]),
        fc.constantFrom([], [2], [1, 2]),
        (m, k, n, aBatch, bBatch) => {
          const a = uniform([...aBatch, m, k], -1, 1, generator);
          const b = uniform([...bBatch, k, n], -1, 1, generator);
          for (const { analytic, numeric } of compareGradients(matmul, [a, b])) {
            expect(analytic).toBeAllclose(numeric, { rtol: 2e-2, atol: 2e-3 });
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
