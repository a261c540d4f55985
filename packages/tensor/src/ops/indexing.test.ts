import { describe, expect, it } from 'vitest';
import { tensor, uniform, zeros } from '../creation.js';
import { DTypeError, ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import { compareGradients } from '../testing/gradient-check.js';
import { gather, oneHot } from './indexing.js';

describe('gather and oneHot', () => {
  it('picks each row label value (the NLL loss pattern)', () => {
    const logProbabilities = tensor([
      [-1, -2, -3],
      [-4, -5, -6],
    ]);
    const labels = tensor(new Int32Array([2, 0]), [2, 1]);
    expect(gather(logProbabilities, 1, labels).toArray()).toEqual([[-3], [-4]]);
    expect(
      gather(logProbabilities, 0, tensor(new Int32Array([1, 0, 1]), [1, 3])).toArray(),
    ).toEqual([[-4, -2, -6]]);
  });

  it('encodes labels one-hot', () => {
    expect(oneHot(tensor(new Int32Array([0, 2, 1])), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(() => oneHot(tensor(new Int32Array([3])), 3)).toThrow(RangeError);
  });

  it('rejects float indices, bad shapes and out-of-range indices', () => {
    expect(() => gather(zeros([2, 3]), 1, zeros([2, 1]) as never)).toThrow(DTypeError);
    expect(() => gather(zeros([2, 3]), 1, zeros([3, 1], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => gather(zeros([2, 3]), 1, tensor(new Int32Array([0, 3]), [2, 1]))).toThrow(
      /index 3 is out of range \[0, 3\)/,
    );
  });

  it('scatters gradients back, adding repeated indices', () => {
    const x = uniform([3, 4], -1, 1, new Generator(51));
    const indices = tensor(new Int32Array([0, 0, 3, 1, 2, 2, 3, 3, 1]), [3, 3]);
    const [{ analytic, numeric }] = compareGradients((t) => gather(t, 1, indices), [x]);
    expect(analytic).toBeAllclose(numeric, { rtol: 2e-2, atol: 2e-3 });
  });
});
