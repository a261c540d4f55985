import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../generator.js';
import { gemm } from './gemm.js';

/** The textbook triple loop in float64: the oracle. */
function naiveGemm(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Float32Array,
  b: Float32Array,
  beta: number,
  c: Float32Array,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
      }
      out[i * n + j] = alpha * sum + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  }
  return out;
}

describe('reference gemm', () => {
  it('matches the triple loop on random shapes, transposes and scalars', () => {
    const generator = new Generator(3);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 1, 0.5),
        fc.constantFrom(1, -2),
        (m, n, k, transA, transB, beta, alpha) => {
          const a = generator.fillUniform(new Float32Array(m * k), -1, 1);
          const b = generator.fillUniform(new Float32Array(k * n), -1, 1);
          const c = generator.fillUniform(new Float32Array(m * n), -1, 1);
          const expected = naiveGemm(m, n, k, transA, transB, alpha, a, b, beta, c);
          gemm({
            batch: 1,
            m,
            n,
            k,
            transA,
            transB,
            alpha,
            beta,
            a,
            aOffset: 0,
            lda: transA ? m : k,
            aBatchStride: 0,
            b,
            bOffset: 0,
            ldb: transB ? k : n,
            bBatchStride: 0,
            c,
            cOffset: 0,
            ldc: n,
            cBatchStride: 0,
          });
          expect(c).toBeAllclose(expected, { rtol: 1e-5, atol: 1e-5 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('crosses every cache block (600 x 520 x 300) and leaves C outside the tile alone', () => {
    const generator = new Generator(4);
    const [m, n, k] = [600, 520, 300];
    const a = generator.fillUniform(new Float32Array(m * k), -1, 1);
    const b = generator.fillUniform(new Float32Array(k * n), -1, 1);
    // C is a sub-matrix of a wider buffer (ldc = n + 2, offset 1): the margins must not change.
    const ldc = n + 2;
    const c = new Float32Array(1 + m * ldc).fill(7);
    gemm({
      batch: 1,
      m,
      n,
      k,
      transA: false,
      transB: false,
      alpha: 1,
      beta: 0,
      a,
      aOffset: 0,
      lda: k,
      aBatchStride: 0,
      b,
      bOffset: 0,
      ldb: n,
      bBatchStride: 0,
      c,
      cOffset: 1,
      ldc,
      cBatchStride: 0,
    });
    const expected = naiveGemm(m, n, k, false, false, 1, a, b, 0, new Float32Array(m * n));
    const tile = new Float32Array(m * n);
    for (let i = 0; i < m; i++) tile.set(c.subarray(1 + i * ldc, 1 + i * ldc + n), i * n);
    expect(tile).toBeAllclose(expected, { rtol: 1e-5, atol: 1e-5 });
    expect(c[0]).toBe(7);
    for (let i = 0; i < m; i++) {
      expect(c[1 + i * ldc + n]).toBe(7);
      expect(c[1 + i * ldc + n + 1]).toBe(7);
    }
  });

  it('overwrites C when beta is 0, even where C holds NaN, and runs batches with broadcast B', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]); // two 2x2 matrices
    const b = new Float32Array([1, 0, 0, 2]); // one 2x2, broadcast
    const c = new Float32Array(8).fill(Number.NaN);
    gemm({
      batch: 2,
      m: 2,
      n: 2,
      k: 2,
      transA: false,
      transB: false,
      alpha: 1,
      beta: 0,
      a,
      aOffset: 0,
      lda: 2,
      aBatchStride: 4,
      b,
      bOffset: 0,
      ldb: 2,
      bBatchStride: 0,
      c,
      cOffset: 0,
      ldc: 2,
      cBatchStride: 4,
    });
    expect(Array.from(c)).toEqual([1, 4, 3, 8, 5, 12, 7, 16]);
  });
});
