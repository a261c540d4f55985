import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, tensor, uniform, zeros } from '../creation.js';
import { DTypeError, ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from '../testing/gradient-check.js';
import {
  concat,
  detach,
  expand,
  flatten,
  index,
  pad,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  toFloat32,
  transpose,
  unsqueeze,
} from './shape.js';

const tolerance = { rtol: 2e-2, atol: 2e-3 };

function expectGradientsMatch(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const { analytic, numeric } of compareGradients(fn, inputs)) {
    expect(analytic).toBeAllclose(numeric, tolerance);
  }
}

describe('shape op values', () => {
  const x = () => arange(6).reshape([2, 3]);

  it('reshapes as a view, infers -1, flattens, squeezes', () => {
    const a = arange(6);
    const b = reshape(a, [3, -1]);
    expect(b.shape).toEqual([3, 2]);
    b.data[0] = 42;
    expect(a.data[0]).toBe(42); // shared storage
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(unsqueeze(zeros([2, 3]), 1).shape).toEqual([2, 1, 3]);
    expect(squeeze(zeros([1, 2, 1])).shape).toEqual([2]);
    expect(() => reshape(a, [4, -1])).toThrow(ShapeError);
    expect(() => reshape(a, [4, 2])).toThrow(
      /reshape: got shapes \[6\], \[4, 2\]; expected a shape with 6 elements/,
    );
  });

  it('transposes and permutes', () => {
    expect(transpose(x()).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const cube = arange(24).reshape([2, 3, 4]);
    const moved = permute(cube, [2, 0, 1]);
    expect(moved.shape).toEqual([4, 2, 3]);
    // moved[k, i, j] = cube[i, j, k] = 12 i + 4 j + k
    expect(moved.data[1 * 6 + 1 * 3 + 2]).toBe(12 + 8 + 1);
    expect(() => permute(cube, [0, 0, 1])).toThrow(ShapeError);
  });

  it('slices and indexes along axis 0 (batches) and other axes', () => {
    expect(slice(x(), 1).toArray()).toEqual([[3, 4, 5]]);
    expect(slice(x(), 0, 2, 1).toArray()).toEqual([
      [0, 1],
      [3, 4],
    ]);
    expect(slice(x(), -1, undefined, 1).toArray()).toEqual([[2], [5]]);
    expect(index(x(), 1).toArray()).toEqual([3, 4, 5]);
    expect(index(x(), -2).toArray()).toEqual([0, 1, 2]);
    expect(() => index(x(), 2)).toThrow(RangeError);
    expect(() => slice(x(), 1, 5)).toThrow(/slice: range \[1, 5\)/);
  });

  it('concatenates and stacks', () => {
    expect(concat([x(), x()], 1).toArray()).toEqual([
      [0, 1, 2, 0, 1, 2],
      [3, 4, 5, 3, 4, 5],
    ]);
    expect(concat([x(), slice(x(), 0, 1)]).shape).toEqual([3, 3]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => concat([x(), zeros([2, 2])])).toThrow(ShapeError);
    expect(() => concat([x(), zeros([2, 3], { dtype: 'int32' }) as never])).toThrow(DTypeError);
  });

  it('pads 28x28 images to 32x32 with a constant', () => {
    const images = zeros([2, 1, 28, 28]);
    images.data.fill(1);
    const padded = pad(
      images,
      [
        [2, 2],
        [2, 2],
      ],
      -0.1,
    );
    expect(padded.shape).toEqual([2, 1, 32, 32]);
    expect(padded.data[0]).toBeCloseTo(-0.1);
    expect(padded.data[2 * 32 + 2]).toBe(1);
    expect(padded.data[29 * 32 + 29]).toBe(1);
    expect(padded.data[30 * 32 + 30]).toBeCloseTo(-0.1);
    let sum = 0;
    for (const v of padded.data) sum += v;
    expect(sum).toBeCloseTo(2 * (784 - 0.1 * (1024 - 784)), 2);
  });

  it('expands by broadcasting and works on int32 labels', () => {
    expect(expand(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(() => expand(tensor([1, 2]), [3])).toThrow(ShapeError);
    const labels = tensor(new Int32Array([5, 6, 7, 8]));
    const batch = slice(labels, 1, 3);
    expect(batch.dtype).toBe('int32');
    expect(batch.toArray()).toEqual([6, 7]);
    expect(concat([labels, batch]).toArray()).toEqual([5, 6, 7, 8, 6, 7]);
    expect(toFloat32(labels).data).toBeInstanceOf(Float32Array);
  });

  it('detaches from the graph', () => {
    const a = tensor([1, 2], undefined, { requiresGrad: true });
    const d = detach(a.mul(2));
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
  });
});

describe('shape op gradients (central differences)', () => {
  const generator = new Generator(8);
  const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  it('reshape, flatten, permute, transpose', () => {
    fc.assert(
      fc.property(shapes, fc.nat(), (shape, seed) => {
        const x = uniform(shape, -1, 1, generator);
        const order = new Generator(seed).permutation(shape.length);
        expectGradientsMatch((t) => reshape(t, [-1]), [x]);
        expectGradientsMatch((t) => permute(t, Array.from(order)), [x]);
        if (shape.length >= 2) expectGradientsMatch((t) => transpose(t), [x]);
      }),
      { numRuns: 20 },
    );
  });

  it('slice, index, pad, expand', () => {
    fc.assert(
      fc.property(shapes, fc.nat(), (shape, seed) => {
        const x = uniform(shape, -1, 1, generator);
        const axis = seed % shape.length;
        const start = seed % shape[axis];
        expectGradientsMatch((t) => slice(t, start, undefined, axis), [x]);
        expectGradientsMatch((t) => index(t, seed % shape[0]), [x]);
        expectGradientsMatch((t) => pad(t, [[1, 2]], 0.5), [x]);
        expectGradientsMatch((t) => expand(t, [2, ...shape]), [x]);
      }),
      { numRuns: 20 },
    );
  });

  it('concat and stack', () => {
    const a = uniform([2, 3], -1, 1, generator);
    const b = uniform([1, 3], -1, 1, generator);
    const c = uniform([2, 3], -1, 1, generator);
    expectGradientsMatch((p, q) => concat([p, q], 0), [a, b]);
    expectGradientsMatch((p, q) => stack([p, q], 2), [a, c]);
  });
});
