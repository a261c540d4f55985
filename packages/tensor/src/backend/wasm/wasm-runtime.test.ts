import { describe, expect, it } from 'vitest';
import { createWasmBackendSync } from './wasm-backend.js';

describe('wasm kernels on plain JavaScript arrays', () => {
  it('copies inputs in and written outputs back (gemm with offsets, beta)', () => {
    const { kernels, runtime } = createWasmBackendSync({ variant: 'simd' });
    // C (2x2, at offset 1 of c) = 2 * A (2x3) B (3x2) + 0.5 * C
    const a = new Float32Array([9, 1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([1, 0, 0, 1, 1, 1]);
    const c = new Float32Array([-1, 2, 2, 2, 2, -1]);
    kernels.gemm({
      batch: 1,
      m: 2,
      n: 2,
      k: 3,
      transA: false,
      transB: false,
      alpha: 2,
      beta: 0.5,
      a,
      aOffset: 1,
      lda: 3,
      aBatchStride: 0,
      b,
      bOffset: 0,
      ldb: 2,
      bBatchStride: 0,
      c,
      cOffset: 1,
      ldc: 2,
      cBatchStride: 0,
    });
    expect(runtime.isResident(c)).toBe(false);
    expect(Array.from(c)).toEqual([-1, 9, 11, 21, 23, -1]);
    expect(Array.from(a)).toEqual([9, 1, 2, 3, 4, 5, 6]);
  });

  it('reads only the range a strided copy touches', () => {
    const { kernels } = createWasmBackendSync({ variant: 'scalar' });
    const input = new Float32Array(100).map((_, i) => i);
    const output = new Float32Array(6);
    // a 2 x 3 window at row 10, column 4 of a 10-wide image, transposed into output [3, 2]
    kernels.copy({
      shape: [2, 3],
      input,
      inputOffset: 14,
      inputStrides: [10, 1],
      output,
      outputOffset: 0,
      outputStrides: [1, 2],
    });
    expect(Array.from(output)).toEqual([14, 24, 15, 25, 16, 26]);
  });

  it('still runs on a storage view detached by memory growth; rejects other detached arrays', () => {
    const { kernels, storagePool, runtime } = createWasmBackendSync({ variant: 'simd' });
    const storage = storagePool.allocate(8);
    storage.data.set([1, -2, 3, -4, 5, -6, 7, -8]);
    const stale = storage.data;
    storagePool.allocate(runtime.heap.bytesReserved / 4); // grows the memory
    expect(stale.length).toBe(0);
    const output = new Float32Array(8);
    kernels.unary({ op: 'neg', length: 8, input: stale, output });
    expect(Array.from(output)).toEqual([-1, 2, -3, 4, -5, 6, -7, 8]);
    const foreign = new WebAssembly.Memory({ initial: 1 });
    const foreignView = new Float32Array(foreign.buffer, 0, 8);
    foreign.grow(1);
    expect(() => kernels.unary({ op: 'neg', length: 8, input: foreignView, output })).toThrow(
      /detached/,
    );
  });

  it('names an out-of-range gather index', () => {
    const { kernels } = createWasmBackendSync({ variant: 'simd' });
    expect(() =>
      kernels.gather({
        outer: 1,
        axis: 3,
        count: 2,
        inner: 1,
        input: new Float32Array(3),
        indices: new Int32Array([1, 3]),
        output: new Float32Array(2),
      }),
    ).toThrow(/gather: index 3 is out of range \[0, 3\)/);
  });
});

describe('variant selection', () => {
  it('honours an explicit variant and LENET_WASM_VARIANT, and rejects unknown ones', () => {
    expect(createWasmBackendSync({ variant: 'scalar' }).variant).toBe('scalar');
    const saved = process.env.LENET_WASM_VARIANT;
    try {
      process.env.LENET_WASM_VARIANT = 'scalar';
      expect(createWasmBackendSync().variant).toBe('scalar');
      process.env.LENET_WASM_VARIANT = 'avx';
      expect(() => createWasmBackendSync()).toThrow(/unknown variant "avx"/);
    } finally {
      if (saved === undefined) delete process.env.LENET_WASM_VARIANT;
      else process.env.LENET_WASM_VARIANT = saved;
    }
  });
});
