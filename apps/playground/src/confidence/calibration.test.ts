import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { calibratedProbabilities, fitTemperature, meanNll, reliability } from './calibration.js';

describe('calibratedProbabilities', () => {
  it('is softmax(-y / T): a sharper or flatter softmax of minus the penalties', () => {
    const p = calibratedProbabilities([1, 3], 2);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(calibratedProbabilities([0.1, 80, 90], 1)[0]).toBeGreaterThan(0.999999);
    expect(calibratedProbabilities([0.1, 80, 90], 40)[0]).toBeLessThan(0.9);
    expect(() => calibratedProbabilities([1], 0)).toThrow(/temperature must be > 0, got 0/);
  });
});

describe('fitTemperature', () => {
  it('recovers the temperature that generated the labels', () => {
    // Labels drawn from softmax(-y / 7): the fit must find about 7.
    const generator = new Generator(5);
    const penalties: number[][] = [];
    const labels: number[] = [];
    for (let n = 0; n < 4000; n++) {
      const row = Array.from({ length: 10 }, () => generator.uniform() * 40);
      const p = calibratedProbabilities(row, 7);
      let u = generator.uniform();
      let label = 0;
      while (label < 9 && u > p[label]) u -= p[label++];
      penalties.push(row);
      labels.push(label);
    }
    const fitted = fitTemperature(penalties, labels);
    expect(fitted).toBeGreaterThan(6.3);
    expect(fitted).toBeLessThan(7.7);
    expect(meanNll(penalties, labels, fitted)).toBeLessThan(meanNll(penalties, labels, 1));
    expect(meanNll(penalties, labels, fitted)).toBeLessThan(meanNll(penalties, labels, 40));
  });
});

describe('reliability', () => {
  it('bins predictions by confidence and measures how often each bin was right', () => {
    const { bins, expectedCalibrationError } = reliability(
      [0.55, 0.65, 0.95, 1, 0.92],
      [true, false, true, true, false],
      [0.5, 0.9, 1],
    );
    expect(bins.map((bin) => bin.count)).toEqual([2, 3]);
    expect(bins[0].accuracy).toBe(0.5);
    expect(bins[1].accuracy).toBeCloseTo(2 / 3, 12);
    expect(bins[1].meanConfidence).toBeCloseTo((0.95 + 1 + 0.92) / 3, 12);
    const expected = (2 / 5) * Math.abs(0.5 - 0.6) + (3 / 5) * Math.abs(2 / 3 - 2.87 / 3);
    expect(expectedCalibrationError).toBeCloseTo(expected, 12);
  });
});
