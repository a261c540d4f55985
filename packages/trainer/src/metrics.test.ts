import { describe, expect, it } from 'vitest';
import { ConfusionMatrix, predictClass } from './metrics.js';

describe('predictClass', () => {
  const rows = new Float32Array([0.1, 0.7, 0.2, 5, -1, 3]);
  it('argmax picks the largest score, argmin the smallest penalty, per row', () => {
    expect(predictClass(rows, 0, 3, 'argmax')).toBe(1);
    expect(predictClass(rows, 0, 3, 'argmin')).toBe(0);
    expect(predictClass(rows, 3, 3, 'argmax')).toBe(0);
    expect(predictClass(rows, 3, 3, 'argmin')).toBe(1);
  });
  it('ties go to the lowest class', () => {
    expect(predictClass(new Float32Array([2, 2, 1]), 0, 3, 'argmax')).toBe(0);
  });
});

describe('ConfusionMatrix on a hand-made case', () => {
  // 10 samples, 3 classes: class 0 all right (4), class 1 one of 3 wrong (as 2),
  // class 2 two of 3 wrong (as 0 and 1).
  const pairs: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [1, 1],
    [1, 2],
    [1, 1],
    [2, 0],
    [2, 2],
    [2, 1],
  ];
  const matrix = new ConfusionMatrix(3);
  for (const [label, predicted] of pairs) matrix.add(label, predicted);

  it('counts (label, predicted) pairs', () => {
    expect(matrix.rows()).toEqual([
      [4, 0, 0],
      [0, 2, 1],
      [1, 1, 1],
    ]);
    expect(matrix.total).toBe(10);
    expect(matrix.errors).toBe(3);
  });
  it('error rates in percent, overall and per class', () => {
    expect(matrix.errorRate()).toBeAllclose(30);
    expect(matrix.perClassError()).toBeAllclose([0, 100 / 3, 200 / 3]);
    expect(matrix.classCounts()).toEqual([4, 3, 3]);
  });
  it('rejects labels outside the classes', () => {
    expect(() => matrix.add(3, 0)).toThrow(/label 3 is not a class index in \[0, 3\)/);
  });
});
