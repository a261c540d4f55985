import type { GemmArgs } from '@lenet/tensor/backend';

/**
 * Reusable arguments for `y += alpha * x` as a 1 x n GEMM of depth 1 (a = [alpha], b = x,
 * c = y): callers set n, alpha, b and c per call, so a hot loop allocates nothing.
 */
export function axpyArgs(): GemmArgs {
  const empty = new Float32Array(0);
  return {
    batch: 1,
    m: 1,
    n: 0,
    k: 1,
    transA: false,
    transB: false,
    alpha: 1,
    beta: 1,
    a: empty,
    aOffset: 0,
    lda: 1,
    aBatchStride: 0,
    b: empty,
    bOffset: 0,
    ldb: 0,
    bBatchStride: 0,
    c: empty,
    cOffset: 0,
    ldc: 0,
    cBatchStride: 0,
  };
}
