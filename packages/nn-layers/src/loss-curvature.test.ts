import { Generator, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { writeLabelLossCurvature } from './loss-curvature.js';
import { LOSS_NAMES } from './losses.js';
import { randomArray, tapeLossCurvature } from './testing/helpers.js';

// The plan's copy of the loss curvature against the tape's (the losses' ops and their rules,
// checked against finite differences in losses.test.ts), called the plan's way: rows from a
// label offset into stale buffers.
describe('writeLabelLossCurvature', () => {
  const classes = 5;
  const labels = Int32Array.from([1, 0, 3, 4, 2]);
  const output = randomArray(2 * classes, new Generator(3), 0, 4);

  it.each(LOSS_NAMES.filter((name) => name !== 'mse'))(
    '%s: rows with labels from an offset overwrite stale values and equal the tape',
    (name) => {
      const curvature = new Float32Array(2 * classes).fill(Number.NaN);
      const gradient = new Float32Array(2 * classes).fill(Number.NaN);
      writeLabelLossCurvature({ name, j: 2 }, output, labels, 3, 2, classes, curvature, gradient);
      const expected = tapeLossCurvature(
        { name, j: 2 },
        tensor(output, [2, classes]),
        tensor(labels.slice(3, 5), [2]),
      );
      expect(curvature).toBeAllclose(expected.curvature, { rtol: 1e-5, atol: 1e-7 });
      expect(gradient).toBeAllclose(expected.gradient, { rtol: 1e-5, atol: 1e-7 });
    },
  );

  it('names a label outside [0, classes) and its sample', () => {
    const buffer = new Float32Array(classes);
    const bad = Int32Array.from([0, 5]);
    expect(() =>
      writeLabelLossCurvature({ name: 'nll', j: 0 }, buffer, bad, 1, 1, classes, buffer, buffer),
    ).toThrow('loss curvature: label 5 of sample 1 is outside [0, 5)');
  });

  it('refuses mse, whose targets are floats', () => {
    const buffer = new Float32Array(classes);
    expect(() =>
      writeLabelLossCurvature({ name: 'mse', j: 0 }, buffer, labels, 0, 1, classes, buffer, buffer),
    ).toThrow(/mse takes float targets/);
  });
});
