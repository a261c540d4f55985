import { Dataset } from '@lenet/datasets-mnist';
import { describe, expect, it } from 'vitest';
import { sampleImages } from './sample.js';

/** 100 one-pixel images: class 0 is rare (5 images), the other nine share the rest. */
function unevenSet(): Dataset {
  const labels = Uint8Array.from({ length: 100 }, (_, i) => (i < 5 ? 0 : 1 + (i % 9)));
  return new Dataset({
    images: Uint8Array.from({ length: 100 }, (_, i) => i),
    labels,
    height: 1,
    width: 1,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    name: 'uneven',
  });
}

describe('sampleImages', () => {
  it('returns the whole set when asked for all of it (no balanced sample of it exists)', () => {
    const set = unevenSet();
    expect(() => set.take(100, { seed: 1 })).toThrow(/balanced sample/);
    expect(sampleImages(set, 100, 1)).toBe(set);
    expect(sampleImages(set, 500, 1)).toBe(set);
  });

  it('balances the classes while the rarest class allows it', () => {
    const sample = sampleImages(unevenSet(), 50, 3);
    expect(sample.length).toBe(50);
    expect(sample.classCounts()).toEqual(new Array(10).fill(5));
  });

  it('falls back to a seeded uniform sample above ten times the rarest class', () => {
    const set = unevenSet();
    const sample = sampleImages(set, 80, 3);
    expect(sample.length).toBe(80);
    const again = sampleImages(set, 80, 3);
    const rows = (d: Dataset) => Array.from({ length: d.length }, (_, i) => d.image(i)[0]);
    expect(rows(again)).toEqual(rows(sample));
    expect(new Set(rows(sample)).size).toBe(80);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => sampleImages(unevenSet(), 0, 1)).toThrow(/positive integer, got 0/);
  });
});
