// Reference GEMM: C = alpha * op(A) @ op(B) + beta * C, cache-blocked (Goto's layout, as in
// BLIS): op(B) is packed block by block into column panels of 4, op(A) into row panels of 4,
// and a 4x4 micro-kernel keeps 16 sums in locals while it walks the shared dimension. Packing
// also removes the transpose flags from the inner loop. Packed values are float64, so the
// micro-kernel never converts, and sums are float64 until they are stored.
import type { GemmArgs } from '../backend.js';

const PANEL = 4;
/** Shared-dimension block: one A panel (4 x 256 doubles, 8 KiB) stays in L1. */
const BLOCK_K = 256;
/** Rows of op(A) packed at once. */
const BLOCK_M = 64;
/** Columns of op(B) packed at once: 256 x 512 doubles = 1 MiB, sized for L2/L3. */
const BLOCK_N = 512;

// Workspaces, allocated once and reused by every call (no allocation in the hot path).
const packedA = new Float64Array(BLOCK_M * BLOCK_K);
const packedB = new Float64Array(BLOCK_K * BLOCK_N);

export function gemm(args: GemmArgs): void {
  const { batch, m, n, k } = args;
  for (let t = 0; t < batch; t++) {
    gemmOne(
      args,
      args.aOffset + t * args.aBatchStride,
      args.bOffset + t * args.bBatchStride,
      args.cOffset + t * args.cBatchStride,
      m,
      n,
      k,
    );
  }
}

function gemmOne(
  args: GemmArgs,
  aOffset: number,
  bOffset: number,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const { a, b, c, lda, ldb, ldc, alpha, beta, transA, transB } = args;
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(c, cOffset, ldc, m, n, beta);
    return;
  }
  for (let jc = 0; jc < n; jc += BLOCK_N) {
    const nc = Math.min(BLOCK_N, n - jc);
    for (let pc = 0; pc < k; pc += BLOCK_K) {
      const kc = Math.min(BLOCK_K, k - pc);
      packB(b, bOffset, ldb, transB, pc, kc, jc, nc);
      // The first block of k applies beta; later blocks add to what is there.
      const betaHere = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += BLOCK_M) {
        const mc = Math.min(BLOCK_M, m - ic);
        packA(a, aOffset, lda, transA, ic, mc, pc, kc, alpha);
        for (let jr = 0; jr < nc; jr += PANEL) {
          const cols = Math.min(PANEL, nc - jr);
          for (let ir = 0; ir < mc; ir += PANEL) {
            const rows = Math.min(PANEL, mc - ir);
            microKernel(
              kc,
              ir * kc,
              jr * kc,
              c,
              cOffset + (ic + ir) * ldc + jc + jr,
              ldc,
              rows,
              cols,
              betaHere,
            );
          }
        }
      }
    }
  }
}

/** C = beta * C (beta = 0 writes zeros without reading). */
function scaleC(c: Float32Array, offset: number, ldc: number, m: number, n: number, beta: number) {
  for (let i = 0; i < m; i++) {
    const row = offset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
}

/**
 * Packs rows ic..ic+mc of alpha * op(A), columns pc..pc+kc, into panels of 4 rows:
 * panel r holds, for each p, the 4 values op(A)[ic+4r .. ic+4r+3, pc+p] (zeros past the edge).
 */
function packA(
  a: Float32Array,
  offset: number,
  lda: number,
  trans: boolean,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  alpha: number,
): void {
  let index = 0;
  for (let ir = 0; ir < mc; ir += PANEL) {
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < PANEL; r++) {
        const i = ir + r;
        if (i >= mc) {
          packedA[index++] = 0;
          continue;
        }
        // op(A)[row, col] is A[row, col] or, transposed, A[col, row].
        const row = ic + i;
        const col = pc + p;
        packedA[index++] =
          alpha * (trans ? a[offset + col * lda + row] : a[offset + row * lda + col]);
      }
    }
  }
}

/**
 * Packs rows pc..pc+kc, columns jc..jc+nc of op(B) into panels of 4 columns:
 * panel s holds, for each p, op(B)[pc+p, jc+4s .. jc+4s+3] (zeros past the edge).
 */
function packB(
  b: Float32Array,
  offset: number,
  ldb: number,
  trans: boolean,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
): void {
  let index = 0;
  for (let jr = 0; jr < nc; jr += PANEL) {
    for (let p = 0; p < kc; p++) {
      const row = pc + p;
      for (let s = 0; s < PANEL; s++) {
        const j = jr + s;
        if (j >= nc) {
          packedB[index++] = 0;
          continue;
        }
        const col = jc + j;
        packedB[index++] = trans ? b[offset + col * ldb + row] : b[offset + row * ldb + col];
      }
    }
  }
}

/** C[rows x cols] tile = sum_p packedA panel * packedB panel + beta * C. */
function microKernel(
  kc: number,
  aStart: number,
  bStart: number,
  c: Float32Array,
  cIndex: number,
  ldc: number,
  rows: number,
  cols: number,
  beta: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  let ai = aStart;
  let bi = bStart;
  const pa = packedA;
  const pb = packedB;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai];
    const a1 = pa[ai + 1];
    const a2 = pa[ai + 2];
    const a3 = pa[ai + 3];
    const b0 = pb[bi];
    const b1 = pb[bi + 1];
    const b2 = pb[bi + 2];
    const b3 = pb[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += PANEL;
    bi += PANEL;
  }
  if (rows === PANEL && cols === PANEL) {
    storeRow(c, cIndex, beta, c00, c01, c02, c03);
    storeRow(c, cIndex + ldc, beta, c10, c11, c12, c13);
    storeRow(c, cIndex + 2 * ldc, beta, c20, c21, c22, c23);
    storeRow(c, cIndex + 3 * ldc, beta, c30, c31, c32, c33);
    return;
  }
  // Edge tile: store only the valid part.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < cols; s++) {
      const index = cIndex + r * ldc + s;
      const value = tile[r * PANEL + s];
      c[index] = beta === 0 ? value : value + beta * c[index];
    }
  }
}

function storeRow(
  c: Float32Array,
  index: number,
  beta: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  if (beta === 0) {
    c[index] = v0;
    c[index + 1] = v1;
    c[index + 2] = v2;
    c[index + 3] = v3;
  } else {
    c[index] = v0 + beta * c[index];
    c[index + 1] = v1 + beta * c[index + 1];
    c[index + 2] = v2 + beta * c[index + 2];
    c[index + 3] = v3 + beta * c[index + 3];
  }
}
