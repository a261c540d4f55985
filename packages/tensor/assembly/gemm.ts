// General matrix multiply, C = alpha * op(A) * op(B) + beta * C, row-major, in the style of
// BLIS / GotoBLAS: C is cut into blocks; the block of op(B) (KC x NC) and the block of op(A)
// (MC x KC) are copied ("packed") into contiguous panels whose layout is the order in which the
// micro-kernel reads them, so that the inner loop streams through memory with unit stride and
// the transposes cost nothing there. The micro-kernel keeps a 4 x 8 tile of C in eight v128
// registers and, per step of k, does two loads of B, four broadcasts of A and eight
// multiply-adds. Edge tiles are zero-padded in the panels and written through a small buffer.

import { at, madd } from './simd';

/** Rows of the micro-tile. */
const MR: i32 = 4;
/** Columns of the micro-tile (two v128 of f32). */
const NR: i32 = 8;
/** Depth of a block: one B micro-panel (KC x NR floats = 8 KB) stays in L1. */
const KC: i32 = 256;
/** Rows of a block of A: the packed A block (MC x KC floats = 128 KB) stays in L2. */
const MC: i32 = 128;
/** Columns of a block of B: the packed B block (KC x NC floats = 1 MB) stays in L2/L3. */
const NC: i32 = 1024;

/**
 * Up to this depth (one depth block) a non-transposed B is read in place (row stride ldb)
 * instead of packed: each 8-column micro-panel stays in L1 while the rows of A go past it, and
 * LeNet's convolutions (depth 25 for C1, 150 for C3) would otherwise spend a good part of their
 * time copying B (tensor README: figures).
 */
const DIRECT_B_MAX_DEPTH: i32 = 256;

const packedA: usize = memory.data(MC * KC * 4, 64);
const packedB: usize = memory.data(KC * NC * 4, 64);
const edgeTile: usize = memory.data(MR * NR * 4, 64);

/**
 * C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C. `transA`: A is stored k x m
 * (element (i, p) at a[p * lda + i]); otherwise m x k (a[i * lda + p]). Same for B.
 * Leading dimensions are in elements, pointers in bytes. beta = 0 ignores what C held.
 */
export function gemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scaleMatrix(m, n, beta, c, ldc);
    return;
  }
  if (m == 1) {
    if (transB) gemmRowTransposedB(transA, n, k, alpha, a, lda, b, ldb, beta, c);
    else gemmRow(transA, n, k, alpha, a, lda, b, ldb, beta, c);
    return;
  }
  if (k == 1 && !transB) {
    gemmDepthOne(transA, m, n, alpha, a, lda, b, beta, c, ldc);
    return;
  }
  const directB = !transB && k <= DIRECT_B_MAX_DEPTH;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      // The first block of depth applies beta; the following ones accumulate.
      const blockBeta: f32 = p0 == 0 ? beta : 1;
      if (!directB) packB(transB, b, ldb, p0, kc, j0, nc);
      const source = directB ? at(b, p0 * ldb + j0) : 0;
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(transA, a, lda, i0, mc, p0, kc, alpha);
        macroKernel(mc, nc, kc, blockBeta, at(c, i0 * ldc + j0), ldc, source, ldb);
      }
    }
  }
}

/**
 * C[1 x n] = alpha * op(A)[1 x k] B[k x n] + beta * C: one row (a dense layer's input
 * gradient at batch size 1). The blocked path would pack A into a 4-row panel of which 3 rows
 * are zeros; here the rows of B are read in place. Every entry is computed with exactly the
 * blocked path's operations in the same order (per depth block of KC: products of alpha * a
 * and b added in order from zero, then stored with beta; full 8-column panels with the
 * micro-kernel's vector store, the last partial panel lane by lane like an edge tile), so a
 * sample's outputs do not depend on how many rows the batch has.
 */
function gemmRow(
  transA: bool,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
): void {
  const strideA: i32 = transA ? lda : 1;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const blockBeta: f32 = p0 == 0 ? beta : 1;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + NR <= n; j += NR) {
        let low = f32x4.splat(0);
        let high = f32x4.splat(0);
        for (let p = p0; p < p0 + kc; p++) {
          const scale = f32x4.splat(alpha * load<f32>(at(a, p * strideA)));
          const row = at(b, p * ldb + j);
          low = madd(scale, v128.load(row), low);
          high = madd(scale, v128.load(row, 16), high);
        }
        storeRow(at(c, j), low, high, blockBeta);
      }
      if (j < n) {
        // The last partial panel: zero-padded lanes, merged like an edge tile.
        let low = f32x4.splat(0);
        let high = f32x4.splat(0);
        for (let p = p0; p < p0 + kc; p++) {
          const scale = f32x4.splat(alpha * load<f32>(at(a, p * strideA)));
          const row = at(b, p * ldb + j);
          low = madd(scale, partialLanes(row, n - j), low);
          high = madd(scale, partialLanes(row + 16, n - j - 4), high);
        }
        v128.store(edgeTile, low);
        v128.store(edgeTile, high, 16);
        mergeEdgeTile(1, n - j, blockBeta, at(c, j), n);
      }
    } else {
      const fullColumns = n - (n % NR);
      for (; j < n; j++) {
        let sum: f32 = 0;
        for (let p = p0; p < p0 + kc; p++) {
          sum += alpha * load<f32>(at(a, p * strideA)) * load<f32>(at(b, p * ldb + j));
        }
        const cell = at(c, j);
        if (j < fullColumns) {
          store<f32>(cell, blockBeta == 0 ? sum : sum + blockBeta * load<f32>(cell));
        } else {
          const previous: f32 = blockBeta == 0 ? 0 : blockBeta * load<f32>(cell);
          store<f32>(cell, previous + sum);
        }
      }
    }
  }
}

/**
 * C[1 x n] = alpha * op(A)[1 x k] B^T + beta * C, B stored n x k (a dense layer's forward at
 * batch size 1: y = x W^T). The blocked path would pack A into a 4-row panel of which 3 rows
 * are zeros and copy all of B into panels; here each group of eight rows of B is read in
 * place, four depths at a time, and transposed in registers as packB would. The operations
 * and their order are the blocked path's, as in gemmRow: bit for bit the same row.
 */
function gemmRowTransposedB(
  transA: bool,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
): void {
  const strideA: i32 = transA ? lda : 1;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const blockBeta: f32 = p0 == 0 ? beta : 1;
    if (!ASC_FEATURE_SIMD) {
      for (let j = 0; j < n; j++) {
        let sum: f32 = 0;
        for (let p = p0; p < p0 + kc; p++) {
          sum += alpha * load<f32>(at(a, p * strideA)) * load<f32>(at(b, j * ldb + p));
        }
        storeRowCell(at(c, j), sum, blockBeta, j < n - (n % NR));
      }
      continue;
    }
    for (let j = 0; j < n; j += NR) {
      const cols = min(NR, n - j);
      const rows = at(b, j * ldb + p0);
      const depths = at(a, p0 * strideA);
      // Constant `full` lets the compiler drop the zero padding from the loop of full panels.
      if (cols == NR) panelProduct(alpha, depths, strideA, rows, ldb, kc, NR, true);
      else panelProduct(alpha, depths, strideA, rows, ldb, kc, cols, false);
      if (cols == NR) {
        storeRow(at(c, j), v128.load(edgeTile), v128.load(edgeTile, 16), blockBeta);
      } else {
        mergeEdgeTile(1, cols, blockBeta, at(c, j), n);
      }
    }
  }
}

/**
 * edgeTile[0..8] = sum over the kc depths p of alpha * depths[p * strideA] * (rows + c * ldb)[p]
 * for columns c < cols, zeros after: one panel of a one-row product with B transposed. Four
 * depths at a time, the eight rows are transposed in registers as packB would, then
 * multiply-added in depth order as the micro-kernel does.
 */
// @ts-ignore: decorator
@inline function panelProduct(
  alpha: f32,
  depths: usize,
  strideA: i32,
  rows: usize,
  ldb: i32,
  kc: i32,
  cols: i32,
  full: bool,
): void {
  if (!ASC_FEATURE_SIMD) return; // only called from SIMD branches
  const step = (<usize>ldb) << 2;
  const depthStep = (<usize>strideA) << 2;
  const zero = f32x4.splat(0);
  let low = zero;
  let high = zero;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const first = rows + ((<usize>p) << 2);
    const b0 = v128.load(first);
    const b1 = full || cols > 1 ? v128.load(first + step) : zero;
    const b2 = full || cols > 2 ? v128.load(first + 2 * step) : zero;
    const b3 = full || cols > 3 ? v128.load(first + 3 * step) : zero;
    const b4 = full || cols > 4 ? v128.load(first + 4 * step) : zero;
    const b5 = full || cols > 5 ? v128.load(first + 5 * step) : zero;
    const b6 = full || cols > 6 ? v128.load(first + 6 * step) : zero;
    const b7 = full ? v128.load(first + 7 * step) : zero;
    const l01 = v128.shuffle<f32>(b0, b1, 0, 4, 1, 5);
    const l23 = v128.shuffle<f32>(b0, b1, 2, 6, 3, 7);
    const m01 = v128.shuffle<f32>(b2, b3, 0, 4, 1, 5);
    const m23 = v128.shuffle<f32>(b2, b3, 2, 6, 3, 7);
    const h01 = v128.shuffle<f32>(b4, b5, 0, 4, 1, 5);
    const h23 = v128.shuffle<f32>(b4, b5, 2, 6, 3, 7);
    const n01 = v128.shuffle<f32>(b6, b7, 0, 4, 1, 5);
    const n23 = v128.shuffle<f32>(b6, b7, 2, 6, 3, 7);
    const depth = depths + <usize>p * depthStep;
    let scale = f32x4.splat(alpha * load<f32>(depth));
    low = madd(scale, v128.shuffle<f32>(l01, m01, 0, 1, 4, 5), low);
    high = madd(scale, v128.shuffle<f32>(h01, n01, 0, 1, 4, 5), high);
    scale = f32x4.splat(alpha * load<f32>(depth + depthStep));
    low = madd(scale, v128.shuffle<f32>(l01, m01, 2, 3, 6, 7), low);
    high = madd(scale, v128.shuffle<f32>(h01, n01, 2, 3, 6, 7), high);
    scale = f32x4.splat(alpha * load<f32>(depth + 2 * depthStep));
    low = madd(scale, v128.shuffle<f32>(l23, m23, 0, 1, 4, 5), low);
    high = madd(scale, v128.shuffle<f32>(h23, n23, 0, 1, 4, 5), high);
    scale = f32x4.splat(alpha * load<f32>(depth + 3 * depthStep));
    low = madd(scale, v128.shuffle<f32>(l23, m23, 2, 3, 6, 7), low);
    high = madd(scale, v128.shuffle<f32>(h23, n23, 2, 3, 6, 7), high);
  }
  for (; p < kc; p++) {
    // The last depths one at a time: column c of the panel is rows[c * ldb + p].
    const scale = f32x4.splat(alpha * load<f32>(depths + <usize>p * depthStep));
    const cell = rows + ((<usize>p) << 2);
    low = madd(scale, columnLanes(cell, step, cols), low);
    high = madd(scale, columnLanes(cell + 4 * step, step, cols - 4), high);
  }
  v128.store(edgeTile, low);
  v128.store(edgeTile, high, 16);
}

/** Lanes 0..3 = the floats at source + lane * step for lanes < count (count may be <= 0), zeros after. */
// @ts-ignore: decorator
@inline function columnLanes(source: usize, step: usize, count: i32): v128 {
  let lanes = f32x4.splat(0);
  if (!ASC_FEATURE_SIMD) return lanes; // only called from SIMD branches
  if (count > 0) lanes = f32x4.replace_lane(lanes, 0, load<f32>(source));
  if (count > 1) lanes = f32x4.replace_lane(lanes, 1, load<f32>(source + step));
  if (count > 2) lanes = f32x4.replace_lane(lanes, 2, load<f32>(source + 2 * step));
  if (count > 3) lanes = f32x4.replace_lane(lanes, 3, load<f32>(source + 3 * step));
  return lanes;
}

/**
 * One entry of a one-row product in the scalar build, stored as the blocked path stores it:
 * a full panel's cell as sum + beta * C, an edge tile's as beta * C + sum.
 */
// @ts-ignore: decorator
@inline function storeRowCell(cell: usize, sum: f32, beta: f32, fullPanel: bool): void {
  if (fullPanel) {
    store<f32>(cell, beta == 0 ? sum : sum + beta * load<f32>(cell));
  } else {
    const previous: f32 = beta == 0 ? 0 : beta * load<f32>(cell);
    store<f32>(cell, previous + sum);
  }
}

/**
 * C[m x n] = alpha * op(A)[m x 1] B[1 x n] + beta * C: an outer product (a dense layer's weight
 * gradient at batch size 1). The blocked path would run a micro-kernel call of depth 1 per 4 x 8
 * tile; here each row of C is the row of B times one scale. Every entry gets the blocked path's
 * operations: a product added to zero, stored like a full tile's entry, or an edge tile's for
 * the last m % 4 rows and n % 8 columns.
 */
function gemmDepthOne(
  transA: bool,
  m: i32,
  n: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  const strideA: i32 = transA ? 1 : lda;
  const fullRows = m - (m % MR);
  const fullColumns = n - (n % NR);
  for (let i = 0; i < m; i++) {
    const scale: f32 = alpha * load<f32>(at(a, i * strideA));
    const row = at(c, i * ldc);
    const fullRow = i < fullRows;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const scales = f32x4.splat(scale);
      const zero = f32x4.splat(0);
      for (; j < fullColumns; j += NR) {
        const low = madd(scales, v128.load(at(b, j)), zero);
        const high = madd(scales, v128.load(at(b, j + 4)), zero);
        if (fullRow) {
          storeRow(at(row, j), low, high, beta);
        } else {
          v128.store(edgeTile, low);
          v128.store(edgeTile, high, 16);
          mergeEdgeTile(1, NR, beta, at(row, j), n);
        }
      }
    }
    for (; j < n; j++) {
      let sum: f32 = 0;
      sum += scale * load<f32>(at(b, j));
      storeRowCell(at(row, j), sum, beta, fullRow && j < fullColumns);
    }
  }
}

/** The first `count` (may be <= 0 or > 4) floats at `source` in lanes 0.., zeros after. */
// @ts-ignore: decorator
@inline function partialLanes(source: usize, count: i32): v128 {
  let lanes = f32x4.splat(0);
  if (!ASC_FEATURE_SIMD) return lanes; // only called from SIMD branches
  if (count > 0) lanes = f32x4.replace_lane(lanes, 0, load<f32>(source));
  if (count > 1) lanes = f32x4.replace_lane(lanes, 1, load<f32>(source, 4));
  if (count > 2) lanes = f32x4.replace_lane(lanes, 2, load<f32>(source, 8));
  if (count > 3) lanes = f32x4.replace_lane(lanes, 3, load<f32>(source, 12));
  return lanes;
}

/** C = beta * C (beta = 0 writes zeros, even over NaN). */
function scaleMatrix(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    const row = at(c, i * ldc);
    for (let j = 0; j < n; j++) {
      const cell = at(row, j);
      store<f32>(cell, beta == 0 ? 0 : beta * load<f32>(cell));
    }
  }
}

/** Copies rows i0..i0+mc, depth p0..p0+kc of alpha * op(A) into MR-row panels (k-major). */
function packA(
  transA: bool,
  a: usize,
  lda: i32,
  i0: i32,
  mc: i32,
  p0: i32,
  kc: i32,
  alpha: f32,
): void {
  let dst = packedA;
  for (let panel = 0; panel < mc; panel += MR) {
    const rows = min(MR, mc - panel);
    const i = i0 + panel;
    if (transA) {
      // op(A)(i + r, p) = a[p * lda + i + r]: the MR values of one step are contiguous.
      if (ASC_FEATURE_SIMD && rows == MR) {
        const scale = f32x4.splat(alpha);
        for (let p = 0; p < kc; p++) {
          v128.store(dst + ((<usize>p) << 4), f32x4.mul(scale, v128.load(at(a, (p0 + p) * lda + i))));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = at(a, (p0 + p) * lda + i);
          const out = dst + <usize>(p * MR * 4);
          for (let r = 0; r < MR; r++) {
            store<f32>(at(out, r), r < rows ? alpha * load<f32>(at(src, r)) : 0);
          }
        }
      }
    } else if (ASC_FEATURE_SIMD && rows == MR) {
      // op(A)(i + r, p) = a[(i + r) * lda + p]: four values of each row, transposed 4 x 4.
      const scale = f32x4.splat(alpha);
      const row0 = at(a, i * lda + p0);
      const row1 = at(row0, lda);
      const row2 = at(row1, lda);
      const row3 = at(row2, lda);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const offset = (<usize>p) << 2;
        transposeStore(
          dst + ((<usize>p) << 4),
          16,
          f32x4.mul(scale, v128.load(row0 + offset)),
          f32x4.mul(scale, v128.load(row1 + offset)),
          f32x4.mul(scale, v128.load(row2 + offset)),
          f32x4.mul(scale, v128.load(row3 + offset)),
        );
      }
      for (; p < kc; p++) {
        const out = dst + ((<usize>p) << 4);
        store<f32>(out, alpha * load<f32>(at(row0, p)));
        store<f32>(out, alpha * load<f32>(at(row1, p)), 4);
        store<f32>(out, alpha * load<f32>(at(row2, p)), 8);
        store<f32>(out, alpha * load<f32>(at(row3, p)), 12);
      }
    } else {
      // op(A)(i + r, p) = a[(i + r) * lda + p]: read each row along k, write with stride MR.
      for (let r = 0; r < MR; r++) {
        if (r < rows) {
          const src = at(a, (i + r) * lda + p0);
          for (let p = 0; p < kc; p++) {
            store<f32>(at(dst, p * MR + r), alpha * load<f32>(at(src, p)));
          }
        } else {
          for (let p = 0; p < kc; p++) store<f32>(at(dst, p * MR + r), 0);
        }
      }
    }
    dst += <usize>(kc * MR * 4);
  }
}

/** Copies depth p0..p0+kc, columns j0..j0+nc of op(B) into NR-column panels (k-major). */
function packB(transB: bool, b: usize, ldb: i32, p0: i32, kc: i32, j0: i32, nc: i32): void {
  let dst = packedB;
  for (let panel = 0; panel < nc; panel += NR) {
    const cols = min(NR, nc - panel);
    const j = j0 + panel;
    if (ASC_FEATURE_SIMD && transB && cols == NR) {
      // op(B)(p, j + c) = b[(j + c) * ldb + p]: four values of each of the eight stored rows,
      // transposed as two 4 x 4 blocks (columns 0-3 and 4-7 of the panel).
      const row0 = at(b, j * ldb + p0);
      const step = (<usize>ldb) << 2;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const out = dst + ((<usize>p) << 5);
        const low = row0 + ((<usize>p) << 2);
        const high = low + 4 * step;
        transposeStore(out, 32, v128.load(low), v128.load(low + step), v128.load(low + 2 * step), v128.load(low + 3 * step));
        transposeStore(out + 16, 32, v128.load(high), v128.load(high + step), v128.load(high + 2 * step), v128.load(high + 3 * step));
      }
      for (; p < kc; p++) {
        for (let col = 0; col < NR; col++) {
          store<f32>(at(dst, p * NR + col), load<f32>(at(b, (j + col) * ldb + p0 + p)));
        }
      }
    } else if (transB) {
      // op(B)(p, j + c) = b[(j + c) * ldb + p]: read each stored row along k.
      for (let col = 0; col < NR; col++) {
        if (col < cols) {
          const src = at(b, (j + col) * ldb + p0);
          for (let p = 0; p < kc; p++) store<f32>(at(dst, p * NR + col), load<f32>(at(src, p)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(at(dst, p * NR + col), 0);
        }
      }
    } else if (ASC_FEATURE_SIMD && cols == NR) {
      for (let p = 0; p < kc; p++) {
        const src = at(b, (p0 + p) * ldb + j);
        const out = dst + ((<usize>p) << 5);
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = at(b, (p0 + p) * ldb + j);
        const out = at(dst, p * NR);
        for (let col = 0; col < NR; col++) {
          store<f32>(at(out, col), col < cols ? load<f32>(at(src, col)) : 0);
        }
      }
    }
    dst += <usize>(kc * NR * 4);
  }
}

/** Stores the transpose of the 4 x 4 block with rows r0..r3 as four rows `stride` bytes apart. */
// @ts-ignore: decorator
@inline function transposeStore(out: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  if (!ASC_FEATURE_SIMD) return; // only called from SIMD branches
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(out + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(out + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(out + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * Runs the micro-kernel over every MR x NR tile of an mc x nc block of C. B comes from the
 * packed panels, or (directB != 0) straight from the matrix at `directB` with row stride ldb,
 * except a last partial panel, which is packed (zero-padded) on the spot.
 */
function macroKernel(
  mc: i32,
  nc: i32,
  kc: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  directB: usize,
  ldb: i32,
): void {
  const ldcBytes = (<usize>ldc) << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let panelB = packedB + <usize>(jr * kc * 4);
    let strideB: usize = NR * 4;
    if (directB != 0) {
      if (cols == NR) {
        panelB = at(directB, jr);
        strideB = (<usize>ldb) << 2;
      } else {
        packPartialPanel(directB, ldb, jr, kc, cols);
        panelB = packedB;
      }
    }
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const panelA = packedA + <usize>(ir * kc * 4);
      const tile = at(c, ir * ldc + jr);
      if (rows == MR && cols == NR) {
        microKernel(kc, panelA, panelB, strideB, tile, ldcBytes, beta);
      } else if (ASC_FEATURE_SIMD && rows <= 2) {
        // A last panel of one or two rows (LeNet's 6 and 10 channels): half the work of a
        // zero-padded 4-row tile, the same sums. A full-width one is stored with vectors (as
        // the one-row paths store a full panel), not merged float by float.
        microKernelTwoRows(kc, panelA, panelB, strideB);
        if (cols == NR) storeTwoRows(rows, beta, tile, ldcBytes);
        else mergeEdgeTile(rows, cols, beta, tile, ldc);
      } else {
        microKernel(kc, panelA, panelB, strideB, edgeTile, <usize>(NR * 4), 0);
        mergeEdgeTile(rows, cols, beta, tile, ldc);
      }
    }
  }
}

/** Packs columns jr..jr+cols (< NR) of the kc rows at `source` into one zero-padded panel. */
function packPartialPanel(source: usize, ldb: i32, jr: i32, kc: i32, cols: i32): void {
  for (let p = 0; p < kc; p++) {
    const row = at(source, p * ldb + jr);
    const out = at(packedB, p * NR);
    for (let col = 0; col < NR; col++) store<f32>(at(out, col), col < cols ? load<f32>(at(row, col)) : 0);
  }
}

/** The first `rows` (1 or 2) full rows of `edgeTile` into C, each as storeRow stores a row. */
// @ts-ignore: decorator
@inline function storeTwoRows(rows: i32, beta: f32, tile: usize, ldcBytes: usize): void {
  if (!ASC_FEATURE_SIMD) return; // only called from SIMD branches
  storeRow(tile, v128.load(edgeTile), v128.load(edgeTile, 16), beta);
  if (rows == 2) {
    storeRow(tile + ldcBytes, v128.load(edgeTile, NR * 4), v128.load(edgeTile, NR * 4 + 16), beta);
  }
}

/** Adds the valid rows x cols corner of `edgeTile` into C (after scaling C by beta). */
function mergeEdgeTile(rows: i32, cols: i32, beta: f32, tile: usize, ldc: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      const cell = at(tile, r * ldc + col);
      const previous: f32 = beta == 0 ? 0 : beta * load<f32>(cell);
      store<f32>(cell, previous + load<f32>(at(edgeTile, r * NR + col)));
    }
  }
}

/** C tile (MR x NR at `c`, row stride in bytes) = sum_p A_panel[p] (x) B_panel[p] + beta * C. */
// @ts-ignore: decorator
@inline function microKernel(
  kc: i32,
  panelA: usize,
  panelB: usize,
  strideB: usize,
  c: usize,
  ldcBytes: usize,
  beta: f32,
): void {
  if (ASC_FEATURE_SIMD) microKernelSimd(kc, panelA, panelB, strideB, c, ldcBytes, beta);
  else microKernelScalar(kc, panelA, panelB, strideB, c, ldcBytes, beta);
}

function microKernelSimd(
  kc: i32,
  panelA: usize,
  panelB: usize,
  strideB: usize,
  c: usize,
  ldcBytes: usize,
  beta: f32,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let pa = panelA;
  let pb = panelB;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += strideB;
  }
  storeRow(c, c00, c01, beta);
  storeRow(c + ldcBytes, c10, c11, beta);
  storeRow(c + 2 * ldcBytes, c20, c21, beta);
  storeRow(c + 3 * ldcBytes, c30, c31, beta);
}

/** edgeTile rows 0 and 1 = the micro-kernel's first two rows (rows 2 and 3 are not written). */
function microKernelTwoRows(kc: i32, panelA: usize, panelB: usize, strideB: usize): void {
  if (!ASC_FEATURE_SIMD) return; // only called from SIMD branches
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let pa = panelA;
  let pb = panelB;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    pa += 16;
    pb += strideB;
  }
  storeRow(edgeTile, c00, c01, 0);
  storeRow(edgeTile + NR * 4, c10, c11, 0);
}

/** row[0..8] = low|high + beta * row (beta = 0: overwrite). */
// @ts-ignore: decorator
@inline function storeRow(row: usize, low: v128, high: v128, beta: f32): void {
  if (beta == 0) {
    v128.store(row, low);
    v128.store(row, high, 16);
  } else if (beta == 1) {
    v128.store(row, f32x4.add(v128.load(row), low));
    v128.store(row, f32x4.add(v128.load(row, 16), high), 16);
  } else {
    const scale = f32x4.splat(beta);
    v128.store(row, madd(scale, v128.load(row), low));
    v128.store(row, madd(scale, v128.load(row, 16), high), 16);
  }
}

/** The scalar build's micro-kernel: the tile in two 4 x 4 halves of sixteen f32 locals. */
function microKernelScalar(
  kc: i32,
  panelA: usize,
  panelB: usize,
  strideB: usize,
  c: usize,
  ldcBytes: usize,
  beta: f32,
): void {
  for (let half = 0; half < 2; half++) {
    let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
    let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
    let c20: f32 = 0, c21: f32 = 0, c22: f32 = 0, c23: f32 = 0;
    let c30: f32 = 0, c31: f32 = 0, c32: f32 = 0, c33: f32 = 0;
    let pa = panelA;
    let pb = panelB + (<usize>half << 4);
    for (let p = 0; p < kc; p++) {
      const b0 = load<f32>(pb), b1 = load<f32>(pb, 4), b2 = load<f32>(pb, 8), b3 = load<f32>(pb, 12);
      let a = load<f32>(pa);
      c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
      a = load<f32>(pa, 4);
      c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
      a = load<f32>(pa, 8);
      c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
      a = load<f32>(pa, 12);
      c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
      pa += 16;
      pb += strideB;
    }
    const out = c + (<usize>half << 4);
    storeQuad(out, c00, c01, c02, c03, beta);
    storeQuad(out + ldcBytes, c10, c11, c12, c13, beta);
    storeQuad(out + 2 * ldcBytes, c20, c21, c22, c23, beta);
    storeQuad(out + 3 * ldcBytes, c30, c31, c32, c33, beta);
  }
}

// @ts-ignore: decorator
@inline function storeQuad(row: usize, x0: f32, x1: f32, x2: f32, x3: f32, beta: f32): void {
  if (beta == 0) {
    store<f32>(row, x0);
    store<f32>(row, x1, 4);
    store<f32>(row, x2, 8);
    store<f32>(row, x3, 12);
  } else {
    store<f32>(row, x0 + beta * load<f32>(row));
    store<f32>(row, x1 + beta * load<f32>(row, 4), 4);
    store<f32>(row, x2 + beta * load<f32>(row, 8), 8);
    store<f32>(row, x3 + beta * load<f32>(row, 12), 12);
  }
}
