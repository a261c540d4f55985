import { describe, expect, it } from 'vitest';
import { Generator } from './generator.js';

describe('Generator', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    const c = new Generator(43);
    const streamA = Array.from({ length: 8 }, () => a.nextUint32());
    const streamB = Array.from({ length: 8 }, () => b.nextUint32());
    const streamC = Array.from({ length: 8 }, () => c.nextUint32());
    expect(streamA).toEqual(streamB);
    expect(streamA).not.toEqual(streamC);
  });

  it('pins the stream of seed 0 so it never changes across versions or engines', () => {
    const generator = new Generator(0);
    const first = Array.from({ length: 4 }, () => generator.nextUint32());
    // Recorded once from this implementation; a change here breaks every saved run's reproducibility.
    expect(first).toEqual(PINNED_SEED0);
  });

  it('draws floats in [0, 1) with mean near 1/2 and normals with mean 0, std 1', () => {
    const generator = new Generator(7);
    let sum = 0;
    let sumNormal = 0;
    let sumSquares = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = generator.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      const z = generator.normal();
      sumNormal += z;
      sumSquares += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumNormal / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sumSquares / n)).toBeCloseTo(1, 1);
  });

  it('draws integers in range without bias and permutations that contain every index once', () => {
    const generator = new Generator(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[generator.int(6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const permutation = generator.permutation(100);
    expect(Array.from(permutation).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(() => generator.int(0)).toThrow(/n must be an integer/);
  });

  it('saves and restores its state, including a pending normal deviate', () => {
    const generator = new Generator(11);
    generator.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(generator.getState()));
    const expected = [generator.normal(), generator.nextFloat(), generator.nextUint32()];
    const restored = Generator.fromState(saved);
    expect([restored.normal(), restored.nextFloat(), restored.nextUint32()]).toEqual(expected);
    expect(() => generator.setState({ s: [1, 2], spareNormal: null } as never)).toThrow(/four/);
  });

  it('forks independent streams deterministically', () => {
    const parent = new Generator(5);
    const childA = parent.fork();
    const childB = parent.fork();
    expect(childA.nextUint32()).not.toBe(childB.nextUint32());
    const again = new Generator(5).fork();
    expect(again.getState()).toEqual(new Generator(5).fork().getState());
  });
});

const PINNED_SEED0 = [3809008728, 1133695204, 53579671, 2891528803];
