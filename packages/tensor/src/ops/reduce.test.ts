import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, uniform } from '../creation.js';
import { AxisError } from '../errors.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from '../testing/gradient-check.js';
import { argmax, logSoftmax, max, mean, softmax, sum, sumTo } from './reduce.js';

const tolerance = { rtol: 2e-2, atol: 2e-3 };

function expectGradientsMatch(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const { analytic, numeric } of compareGradients(fn, inputs)) {
    expect(analytic).toBeAllclose(numeric, tolerance);
  }
}

const x23 = () =>
  tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);

describe('reduction values', () => {
  it('sums and averages over one axis, several axes, or everything', () => {
    expect(sum(x23()).item()).toBe(21);
    expect(sum(x23(), 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x23(), 1, true).toArray()).toEqual([[9], [12]]);
    expect(sum(x23(), -1).shape).toEqual([2]);
    expect(mean(x23(), [0, 1]).item()).toBeCloseTo(3.5);
    const cube = tensor([0, 1, 2, 3, 4, 5, 6, 7]).reshape([2, 2, 2]);
    expect(sum(cube, [0, 2]).toArray()).toEqual([1 + 4 + 5, 2 + 3 + 6 + 7]);
    expect(sum(cube, [0, 2], true).shape).toEqual([1, 2, 1]);
  });

  it('takes max and argmax along an axis or overall', () => {
    expect(max(x23()).item()).toBe(6);
    expect(max(x23(), 1).toArray()).toEqual([5, 6]);
    expect(max(x23(), 0, true).toArray()).toEqual([[4, 5, 6]]);
    expect(argmax(x23(), 1).toArray()).toEqual([1, 2]);
    expect(argmax(x23(), 1).dtype).toBe('int32');
    expect(argmax(x23()).item()).toBe(5);
    expect(argmax(tensor([3, 7, 7])).item()).toBe(1); // first maximum
    expect(max(tensor([1, Number.NaN, 3])).item()).toBeNaN();
  });

  it('computes a stable log-softmax and softmax', () => {
    const logits = tensor([
      [1000, 1001, 1002],
      [-1, 0, 1],
    ]);
    const expected = [-2.4076059, -1.4076059, -0.4076059];
    // atol: a float32 log-sum-exp near 1000 is only exact to ~6e-5 (backends may use one)
    expect(logSoftmax(logits).data).toBeAllclose([...expected, ...expected], { atol: 1e-4 });
    const probabilities = softmax(logits, 1);
    expect(sum(probabilities, 1).data).toBeAllclose([1, 1], { atol: 1e-4 });
    // along the first axis
    expect(
      softmax(
        tensor([
          [0, 0],
          [0, 0],
        ]),
        0,
      ).data,
    ).toBeAllclose([0.5, 0.5, 0.5, 0.5]);
  });

  it('sums gradients back to broadcast shapes', () => {
    const g = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(sumTo(g, [3]).toArray()).toEqual([5, 7, 9]);
    expect(sumTo(g, [2, 1]).toArray()).toEqual([[6], [15]]);
    expect(sumTo(g, []).item()).toBe(21);
  });

  it('rejects invalid axes', () => {
    expect(() => sum(x23(), 2)).toThrow(AxisError);
    expect(() => max(x23(), -3)).toThrow(/max: axis -3 is out of range for a tensor of rank 2/);
  });
});

describe('reduction gradients (central differences)', () => {
  const generator = new Generator(5);
  const shapeAndAxes = fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
    .chain((shape) =>
      fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, d) => d)), fc.boolean()),
    );

  it('sum and mean over random axes', () => {
    fc.assert(
      fc.property(shapeAndAxes, ([shape, axes, keepDim]) => {
        const x = uniform(shape, -1, 1, generator);
        expectGradientsMatch((t) => sum(t, axes, keepDim), [x]);
        expectGradientsMatch((t) => mean(t, axes, keepDim), [x]);
      }),
      { numRuns: 30 },
    );
  });

  it('max along a random axis (distinct values)', () => {
    fc.assert(
      fc.property(shapeAndAxes, fc.nat(), ([shape], axisSeed) => {
        const x = uniform(shape, -1, 1, generator);
        // spread values apart so a small step never changes the argmax
        for (let i = 0; i < x.size; i++) x.data[i] = (((i * 7919) % x.size) - x.size / 2) * 0.1;
        const axis = axisSeed % shape.length;
        expectGradientsMatch((t) => max(t, axis), [x]);
        expectGradientsMatch((t) => max(t), [x]);
      }),
      { numRuns: 20 },
    );
  });

  it('logSoftmax and softmax along any axis', () => {
    fc.assert(
      fc.property(shapeAndAxes, fc.nat(), ([shape], axisSeed) => {
        const x = uniform(shape, -3, 3, generator);
        const axis = axisSeed % shape.length;
        expectGradientsMatch((t) => logSoftmax(t, axis), [x]);
        expectGradientsMatch((t) => softmax(t, axis), [x]);
      }),
      { numRuns: 20 },
    );
  });
});
