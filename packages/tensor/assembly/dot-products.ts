// C = A B^T where both operands are stored with the shared dimension contiguous: every entry
// is a dot product of two rows read in place. This is a convolution's weight gradient
// (gradient rows times im2col rows: LeNet-5's C1 is 6 x 25 entries of depth 784 per image).
// The blocked GEMM would pack B^T into 8-column panels and compute 4 x 8 tiles, of which a
// 6 x 25 product wastes 40%; here a 2 x 4 block of entries keeps eight four-lane partial sums
// and nothing is copied.

import { madd } from './simd';

/** Depth of one block: partial sums are added into the entry every DEPTH_BLOCK products. */
const DEPTH_BLOCK: i32 = 256;

/**
 * C[m x n] = A[m x k] (row stride lda) x B[n x k]^T (row stride ldb) + beta * C (row stride
 * ldc); beta = 0 ignores what C held. Pointers in bytes, strides in elements.
 */
export function dotProducts(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    let j = 0;
    for (; j + 4 <= n; j += 4) dotBlock(2, 4, i, j, k, a, lda, b, ldb, beta, c, ldc);
    for (; j < n; j++) dotBlock(2, 1, i, j, k, a, lda, b, ldb, beta, c, ldc);
  }
  for (; i < m; i++) {
    let j = 0;
    for (; j + 4 <= n; j += 4) dotBlock(1, 4, i, j, k, a, lda, b, ldb, beta, c, ldc);
    for (; j < n; j++) dotBlock(1, 1, i, j, k, a, lda, b, ldb, beta, c, ldc);
  }
}

/**
 * Entries (i..i+rows, j..j+cols) of C, rows in {1, 2} and cols in {1, 4} (constants after
 * inlining, so the unused sums vanish). Per depth block: four-lane partial sums, folded as
 * (lane 0 + lane 1) + (lane 2 + lane 3), then the last depths one by one, added to the entry.
 */
// @ts-ignore: decorator
@inline function dotBlock(
  rows: i32,
  cols: i32,
  i: i32,
  j: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  const a0 = a + ((<usize>(i * lda)) << 2);
  const a1 = a0 + ((<usize>lda) << 2);
  const b0 = b + ((<usize>(j * ldb)) << 2);
  const b1 = b0 + ((<usize>ldb) << 2);
  const b2 = b1 + ((<usize>ldb) << 2);
  const b3 = b2 + ((<usize>ldb) << 2);
  let t00: f32 = 0, t01: f32 = 0, t02: f32 = 0, t03: f32 = 0;
  let t10: f32 = 0, t11: f32 = 0, t12: f32 = 0, t13: f32 = 0;
  for (let p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
    const end = min(k, p0 + DEPTH_BLOCK);
    let p = p0;
    if (ASC_FEATURE_SIMD) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (; p + 4 <= end; p += 4) {
        const offset = (<usize>p) << 2;
        const x0 = v128.load(a0 + offset);
        const y0 = v128.load(b0 + offset);
        s00 = madd(x0, y0, s00);
        if (cols > 1) {
          const y1 = v128.load(b1 + offset);
          const y2 = v128.load(b2 + offset);
          const y3 = v128.load(b3 + offset);
          s01 = madd(x0, y1, s01);
          s02 = madd(x0, y2, s02);
          s03 = madd(x0, y3, s03);
          if (rows > 1) {
            const x1 = v128.load(a1 + offset);
            s10 = madd(x1, y0, s10);
            s11 = madd(x1, y1, s11);
            s12 = madd(x1, y2, s12);
            s13 = madd(x1, y3, s13);
          }
        } else if (rows > 1) {
          s10 = madd(v128.load(a1 + offset), y0, s10);
        }
      }
      t00 += fold(s00);
      if (cols > 1) {
        t01 += fold(s01);
        t02 += fold(s02);
        t03 += fold(s03);
      }
      if (rows > 1) {
        t10 += fold(s10);
        if (cols > 1) {
          t11 += fold(s11);
          t12 += fold(s12);
          t13 += fold(s13);
        }
      }
    }
    // The depths left (all of them in the scalar build), one product at a time.
    let r00: f32 = 0, r01: f32 = 0, r02: f32 = 0, r03: f32 = 0;
    let r10: f32 = 0, r11: f32 = 0, r12: f32 = 0, r13: f32 = 0;
    for (; p < end; p++) {
      const offset = (<usize>p) << 2;
      const x0 = load<f32>(a0 + offset);
      const y0 = load<f32>(b0 + offset);
      r00 += x0 * y0;
      if (cols > 1) {
        r01 += x0 * load<f32>(b1 + offset);
        r02 += x0 * load<f32>(b2 + offset);
        r03 += x0 * load<f32>(b3 + offset);
      }
      if (rows > 1) {
        const x1 = load<f32>(a1 + offset);
        r10 += x1 * y0;
        if (cols > 1) {
          r11 += x1 * load<f32>(b1 + offset);
          r12 += x1 * load<f32>(b2 + offset);
          r13 += x1 * load<f32>(b3 + offset);
        }
      }
    }
    t00 += r00; t01 += r01; t02 += r02; t03 += r03;
    t10 += r10; t11 += r11; t12 += r12; t13 += r13;
  }
  const row0 = c + ((<usize>(i * ldc + j)) << 2);
  storeEntry(row0, t00, beta);
  if (cols > 1) {
    storeEntry(row0 + 4, t01, beta);
    storeEntry(row0 + 8, t02, beta);
    storeEntry(row0 + 12, t03, beta);
  }
  if (rows > 1) {
    const row1 = row0 + ((<usize>ldc) << 2);
    storeEntry(row1, t10, beta);
    if (cols > 1) {
      storeEntry(row1 + 4, t11, beta);
      storeEntry(row1 + 8, t12, beta);
      storeEntry(row1 + 12, t13, beta);
    }
  }
}

/** (lane 0 + lane 1) + (lane 2 + lane 3). */
// @ts-ignore: decorator
@inline function fold(sums: v128): f32 {
  return (
    f32x4.extract_lane(sums, 0) +
    f32x4.extract_lane(sums, 1) +
    (f32x4.extract_lane(sums, 2) + f32x4.extract_lane(sums, 3))
  );
}

// @ts-ignore: decorator
@inline function storeEntry(cell: usize, sum: f32, beta: f32): void {
  store<f32>(cell, beta == 0 ? sum : sum + beta * load<f32>(cell));
}
