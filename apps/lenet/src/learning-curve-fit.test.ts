import { describe, expect, it } from 'vitest';
import { fitLearningCurve } from './learning-curve-fit.js';

describe('fitLearningCurve', () => {
  it('recovers k and alpha from an exact power law', () => {
    const points = [1000, 2000, 5000, 60000].map((size) => ({
      size,
      trainError: 0.001,
      testError: 0.001 + 3 * (1 / size) ** 0.7,
    }));
    const fit = fitLearningCurve(points);
    expect(fit.alpha).toBeCloseTo(0.7, 10);
    expect(fit.k).toBeCloseTo(3, 8);
    expect(fit.rSquared).toBeCloseTo(1, 10);
    expect(fit.pointsUsed).toBe(4);
  });

  it('skips sizes where the training error is not below the test error', () => {
    const fit = fitLearningCurve([
      { size: 1000, trainError: 0, testError: 0.1 },
      { size: 10000, trainError: 0, testError: 0.01 },
      { size: 60000, trainError: 0.02, testError: 0.01 },
    ]);
    expect(fit.pointsUsed).toBe(2);
    expect(fit.alpha).toBeCloseTo(1, 10);
    expect(fit.k).toBeCloseTo(100, 8);
  });

  it('says what it needs when too few points have a gap', () => {
    expect(() => fitLearningCurve([{ size: 1000, trainError: 0, testError: 0.1 }])).toThrow(
      /needs at least 2 sizes with E_test > E_train, got 1/,
    );
  });
});
