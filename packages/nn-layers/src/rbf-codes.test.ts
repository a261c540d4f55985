import { describe, expect, it } from 'vitest';
import {
  RBF_CODE_HEIGHT,
  RBF_CODE_LENGTH,
  RBF_CODE_WIDTH,
  RBF_DIGIT_BITMAPS,
  rbfDigitCodes,
} from './rbf-codes.js';

function hamming(codes: Float32Array, a: number, b: number): number {
  let count = 0;
  for (let i = 0; i < RBF_CODE_LENGTH; i++) {
    if (codes[a * RBF_CODE_LENGTH + i] !== codes[b * RBF_CODE_LENGTH + i]) count++;
  }
  return count;
}

describe('RBF digit codes', () => {
  it('has ten 7x12 drawings of only # and .', () => {
    expect(RBF_DIGIT_BITMAPS).toHaveLength(10);
    for (const rows of RBF_DIGIT_BITMAPS) {
      expect(rows).toHaveLength(RBF_CODE_HEIGHT);
      for (const row of rows) expect(row).toMatch(new RegExp(`^[#.]{${RBF_CODE_WIDTH}}$`));
    }
  });

  it('reads the drawings row by row into +1/-1 values', () => {
    const codes = rbfDigitCodes();
    expect(codes).toHaveLength(10 * 84);
    expect(codes.every((v) => v === 1 || v === -1)).toBe(true);
    // digit 1, row 1 is "...##..": positions 7..13
    expect(Array.from(codes.subarray(84 + 7, 84 + 14))).toEqual([-1, -1, -1, 1, 1, -1, -1]);
    // digit 7, row 1 is "#######"
    expect(Array.from(codes.subarray(7 * 84 + 7, 7 * 84 + 14))).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps every pair of codes at least 16 positions apart (3 vs 5 is the closest pair)', () => {
    const codes = rbfDigitCodes();
    let minimum = Number.POSITIVE_INFINITY;
    let closest = '';
    for (let a = 0; a < 10; a++) {
      for (let b = a + 1; b < 10; b++) {
        const distance = hamming(codes, a, b);
        if (distance < minimum) [minimum, closest] = [distance, `${a}-${b}`];
      }
    }
    expect(minimum).toBe(16);
    expect(closest).toBe('3-5');
  });
});
