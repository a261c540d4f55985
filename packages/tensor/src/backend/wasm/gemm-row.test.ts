// The one-row GEMM paths (m = 1: a dense layer's input gradient at batch size 1, and with B
// transposed its forward, x W^T) must give, bit for bit, the row the blocked path gives inside
// a taller product, on every variant: a sample's results may not depend on the batch it came in.
import { describe, expect, it } from 'vitest';
import { Generator } from '../../generator.js';
import type { GemmArgs } from '../backend.js';
import { isWasmVariantSupported, wasmVariants } from './feature-detect.js';
import { createWasmBackendSync } from './wasm-backend.js';

describe.each(wasmVariants.filter(isWasmVariantSupported))('wasm %s', (variant) => {
  const wasm = createWasmBackendSync({ variant }).kernels;

  it.each([
    // n, k, transA, transB, alpha, beta: partial panels, several depth blocks (k > 256), depths
    // not a multiple of 4, beta cases; LeNet-5's C5 and F6 forward (120 x 400, 84 x 120).
    [37, 21, false, false, 1, 0],
    [16, 300, false, false, 1, 0],
    [84, 120, true, false, -1.5, 0.5],
    [5, 9, false, false, 1, 1],
    [400, 120, false, false, 1, 0],
    [120, 400, false, true, 1, 0],
    [84, 120, false, true, 1, 0],
    [37, 21, false, true, 1, 0],
    [3, 300, true, true, -1.5, 0.5],
    [13, 6, false, true, 1, 1],
    [10, 2, false, true, 1, 0],
  ] as const)(
    'n=%i k=%i transA=%s transB=%s alpha=%d beta=%d',
    (n, k, transA, transB, alpha, beta) => {
      const rows = 6;
      const generator = new Generator(n * 1000 + k);
      const a = generator.fillUniform(new Float32Array(rows * k), -1, 1);
      // op(B) is [k x n]: stored [n x k] when transposed.
      const b = generator.fillUniform(new Float32Array(k * n), -1, 1);
      const start = generator.fillUniform(new Float32Array(rows * n), -1, 1);
      const base = {
        batch: 1,
        n,
        k,
        transA,
        transB,
        alpha,
        beta,
        aOffset: 0,
        aBatchStride: 0,
        b,
        bOffset: 0,
        ldb: transB ? k : n,
        bBatchStride: 0,
        cOffset: 0,
        ldc: n,
        cBatchStride: 0,
      };
      // op(A) is [rows x k]: stored [k x rows] when transposed.
      const stored = transA ? transpose(a, rows, k) : a;
      const tall = start.slice();
      wasm.gemm({ ...base, m: rows, a: stored, lda: transA ? rows : k, c: tall } as GemmArgs);
      for (const row of [0, 3, rows - 1]) {
        const single = start.slice(row * n, (row + 1) * n);
        const aRow = a.slice(row * k, (row + 1) * k);
        // A one-row op(A) stored transposed is a column: stride `rows` between its values.
        const storedRow = transA ? spread(aRow, rows) : aRow;
        wasm.gemm({ ...base, m: 1, a: storedRow, lda: transA ? rows : k, c: single } as GemmArgs);
        expect(Array.from(single)).toEqual(Array.from(tall.subarray(row * n, (row + 1) * n)));
      }
    },
  );
});

function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j];
  return out;
}

/** values[p] at index p * stride (a column of a row-major matrix with `stride` columns). */
function spread(values: Float32Array, stride: number): Float32Array {
  const out = new Float32Array((values.length - 1) * stride + 1);
  values.forEach((value, p) => {
    out[p * stride] = value;
  });
  return out;
}

// Depth 1 (an outer product: a dense layer's weight gradient at batch size 1) has its own path:
// each entry is one rounded product, then beta * C added, exactly.
describe.each(wasmVariants.filter(isWasmVariantSupported))('wasm %s, depth 1', (variant) => {
  const wasm = createWasmBackendSync({ variant }).kernels;

  it.each([
    // m, n, transA, beta: edge rows (m % 4) and columns (n % 8); LeNet-5's C5 and F6.
    [6, 13, false, 0],
    [120, 400, true, 0],
    [84, 120, true, 1],
    [7, 21, false, 0.5],
  ] as const)('m=%i n=%i transA=%s beta=%d', (m, n, transA, beta) => {
    const generator = new Generator(m * 100 + n);
    const a = generator.fillUniform(new Float32Array(m), -1, 1);
    const b = generator.fillUniform(new Float32Array(n), -1, 1);
    const c = generator.fillUniform(new Float32Array(m * n), -1, 1);
    const expected = c.map((value, index) => {
      const product = Math.fround(a[Math.floor(index / n)] * b[index % n]);
      return beta === 0 ? product : Math.fround(product + Math.fround(beta * value));
    });
    wasm.gemm({
      batch: 1,
      m,
      n,
      k: 1,
      transA,
      transB: false,
      alpha: 1,
      beta,
      a,
      aOffset: 0,
      lda: transA ? m : 1,
      aBatchStride: 0,
      b,
      bOffset: 0,
      ldb: n,
      bBatchStride: 0,
      c,
      cOffset: 0,
      ldc: n,
      cBatchStride: 0,
    });
    expect(Array.from(c)).toEqual(Array.from(expected));
  });
});
