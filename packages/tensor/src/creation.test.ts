import { describe, expect, it } from 'vitest';
import { arange, fromUint8, full, ones, rand, randn, tensor, uniform, zeros } from './creation.js';
import { DTypeError, ShapeError } from './errors.js';
import { Generator } from './generator.js';

describe('tensor()', () => {
  it('infers the shape of nested arrays and keeps values row-major', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('makes a scalar from a number', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
    expect(t.toArray()).toBe(2.5);
  });

  it('reshapes flat data and copies it', () => {
    const source = new Float32Array([1, 2, 3, 4]);
    const t = tensor(source, [2, 2]);
    source[0] = 99;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gives int32 for an Int32Array and on request', () => {
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    const labels = tensor([3, 1], undefined, { dtype: 'int32' });
    expect(labels.data).toBeInstanceOf(Int32Array);
    expect(() => tensor([1.5], undefined, { dtype: 'int32' })).toThrow(DTypeError);
  });

  it('rejects ragged arrays and mismatched shapes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: got shape \[2, 2\]/);
  });
});

describe('constant and range creation', () => {
  it('fills zeros, ones and full', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(full([2], 7).data)).toEqual([7, 7]);
    const labels = zeros([4], { dtype: 'int32' });
    expect(labels.data).toBeInstanceOf(Int32Array);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('rejects invalid shapes', () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });

  it('counts like NumPy arange', () => {
    expect(Array.from(arange(4).data)).toEqual([0, 1, 2, 3]);
    expect(Array.from(arange(1, 2, 0.25).data)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(arange(3, 0, -1).data)).toEqual([3, 2, 1]);
    expect(arange(5, undefined, 1, { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
    expect(() => arange(0, 1, 0)).toThrow(RangeError);
  });
});

describe('random creation', () => {
  it('draws reproducibly from the seeded generator', () => {
    const a = rand([100], new Generator(7));
    const b = rand([100], new Generator(7));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.data)).toBeLessThan(1);
  });

  it('draws uniform in [low, high) and normal with the requested moments', () => {
    const u = uniform([1000], -2, 3, new Generator(1));
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.data)).toBeLessThan(3);
    const n = randn([20000], new Generator(2), { mean: 1, std: 2 });
    const mean = n.data.reduce((sum, v) => sum + v, 0) / n.size;
    const variance = n.data.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n.size;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
  });

  it('requires a generator', () => {
    expect(() => rand([2], undefined as unknown as Generator)).toThrow(/Generator/);
  });
});

describe('fromUint8', () => {
  it('maps 0 and 255 to low and high (the paper scaling)', () => {
    const t = fromUint8(new Uint8Array([0, 255, 51, 0]), [2, 2], { low: -0.1, high: 1.175 });
    expect(t.shape).toEqual([2, 2]);
    expect(t.data).toBeAllclose([-0.1, 1.175, -0.1 + 0.255, -0.1], { rtol: 1e-6, atol: 1e-6 });
    expect(() => fromUint8(new Uint8Array(3), [2, 2])).toThrow(ShapeError);
  });
});

describe('Tensor basics', () => {
  it('lets callers write into data in place', () => {
    const t = zeros([3]);
    t.data[1] = 5;
    t.data.set([1], 2);
    expect(Array.from(t.data)).toEqual([0, 5, 1]);
  });

  it('refuses item() on several elements and gradients on int32', () => {
    expect(() => zeros([2]).item()).toThrow(/item: tensor has 2 elements/);
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
  });

  it('prints small tensors like NumPy', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([0.5, -1.25]).toString()).toBe('tensor([ 0.5000, -1.2500])');
    expect(tensor(new Int32Array([3, 10])).toString()).toBe('tensor([ 3, 10], dtype=int32)');
    expect(arange(2000).toString()).toBe('tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])');
  });
});
