import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0).every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('draws uniform floats in range with the right mean, and normals with the right moments', () => {
    const random = new Random(1);
    const uniform = Array.from({ length: 20000 }, () => random.uniform(-1, 3));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(3);
    expect(uniform.reduce((a, b) => a + b) / uniform.length).toBeAllclose(1, { atol: 0.05 });
    const normal = Array.from({ length: 20000 }, () => random.normal(2, 0.5));
    const mean = normal.reduce((a, b) => a + b) / normal.length;
    const variance = normal.reduce((a, b) => a + (b - mean) ** 2, 0) / normal.length;
    expect(mean).toBeAllclose(2, { atol: 0.02 });
    expect(Math.sqrt(variance)).toBeAllclose(0.5, { atol: 0.02 });
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Random(5).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new Random(0.5)).toThrow('Random: seed must be an integer, got 0.5');
  });
});
