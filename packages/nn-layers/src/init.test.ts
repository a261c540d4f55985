import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { type InitScheme, initialize } from './init.js';

function stats(data: Float32Array) {
  let sum = 0;
  let sumSquares = 0;
  let maxAbs = 0;
  for (const v of data) {
    sum += v;
    sumSquares += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / data.length;
  return { mean, variance: sumSquares / data.length - mean * mean, maxAbs };
}

describe('initialize', () => {
  const n = 40_000;
  const fans = { fanIn: 25, fanOut: 150 };
  const cases: [InitScheme, number, number][] = [
    // scheme, expected variance, bound on |value| (Infinity for normals)
    ['lecun98', (2.4 / 25) ** 2 / 3, 2.4 / 25],
    ['lecun-lush', 1 / 25 / 3, 1 / 5],
    ['xavier-uniform', 2 / 175, Math.sqrt(6 / 175)],
    ['xavier-normal', 2 / 175, Number.POSITIVE_INFINITY],
    ['he-uniform', 2 / 25, Math.sqrt(6 / 25)],
    ['he-normal', 2 / 25, Number.POSITIVE_INFINITY],
  ];
  it.each(cases)('%s has the expected variance and range', (scheme, variance, bound) => {
    const data = initialize(new Float32Array(n), scheme, fans, new Generator(1));
    const result = stats(data);
    expect(result.maxAbs).toBeLessThanOrEqual(bound);
    expect(Math.abs(result.mean)).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(result.variance).toBeAllclose(variance, { rtol: 0.03 });
  });

  it('is reproducible from the seed', () => {
    const a = initialize(new Float32Array(10), 'lecun98', fans, new Generator(7));
    const b = initialize(new Float32Array(10), 'lecun98', fans, new Generator(7));
    const c = initialize(new Float32Array(10), 'lecun98', fans, new Generator(8));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('fills zeros and constants', () => {
    expect(
      Array.from(initialize(new Float32Array(3).fill(5), 'zeros', fans, new Generator())),
    ).toEqual([0, 0, 0]);
    expect(
      Array.from(initialize(new Float32Array(2), { constant: 0.5 }, fans, new Generator())),
    ).toEqual([0.5, 0.5]);
  });

  it('rejects unknown schemes and bad fans', () => {
    expect(() =>
      initialize(new Float32Array(1), 'glorot' as InitScheme, fans, new Generator()),
    ).toThrow(/unknown scheme "glorot"/);
    expect(() =>
      initialize(new Float32Array(1), 'zeros', { fanIn: 0, fanOut: 1 }, new Generator()),
    ).toThrow(/must be positive/);
  });
});
