import { describe, expect, it } from 'vitest';
import { sampleBilinear, sampleNearest } from './resample.js';

describe('sampleBilinear', () => {
  it('reproduces the worked example of Simard et al. (2003): 7', () => {
    // Row 0 holds the grey levels at y = -1 of the paper (5, 9), row 1 those at y = 0 (3, 7);
    // target pixel (0, 1) displaced by (1.75, -0.5) reads position (1.75, 0.5).
    const image = new Float32Array([0, 5, 9, 0, 0, 3, 7, 0]);
    expect(sampleBilinear(image, 2, 4, 1.75, 0.5, 0)).toBe(7);
  });

  it('returns pixels exactly at integer positions, borders included', () => {
    const image = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 3; x++) {
        expect(sampleBilinear(image, 2, 3, x, y, -7)).toBe(image[y * 3 + x]);
      }
    }
  });

  it('blends with the fill value across the border and returns it far outside', () => {
    const image = new Float32Array([1, 1, 1, 1]);
    expect(sampleBilinear(image, 2, 2, 1.5, 0, -1)).toBeCloseTo(0, 12); // half pixel, half fill
    expect(sampleBilinear(image, 2, 2, -0.25, 0, -1)).toBeCloseTo(0.5, 12);
    expect(sampleBilinear(image, 2, 2, 5, 0, -1)).toBe(-1);
    expect(sampleBilinear(image, 2, 2, 0, -1.5, -1)).toBe(-1);
  });
});

describe('sampleNearest', () => {
  it('rounds to the nearest pixel centre, halves up, fill outside', () => {
    const image = new Float32Array([1, 2, 3, 4]);
    expect(sampleNearest(image, 2, 2, 0.49, 0.2, 0)).toBe(1);
    expect(sampleNearest(image, 2, 2, 0.5, 0.2, 0)).toBe(2);
    expect(sampleNearest(image, 2, 2, 0.2, 0.7, 0)).toBe(3);
    expect(sampleNearest(image, 2, 2, 1.6, 0, 9)).toBe(9);
  });
});
