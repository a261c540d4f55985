import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { pixelStatistics, pixelTable, toFloat32Images, writeImage } from './preprocess.js';

describe('pixelTable', () => {
  it('maps bytes to the paper scale: background -0.1, ink 1.175', () => {
    const table = pixelTable('paper');
    expect(table[0]).toBeAllclose(-0.1);
    expect(table[255]).toBeAllclose(1.175);
    expect(table[51]).toBeAllclose((51 / 255) * 1.275 - 0.1);
  });

  it('maps bytes to [0, 1] and to standardized values', () => {
    expect(pixelTable('unit')[255]).toBe(1);
    expect(pixelTable('unit')[0]).toBe(0);
    const standardized = pixelTable({ mean: 0.5, std: 0.25 });
    expect([standardized[0], standardized[255]]).toBeAllclose([-2, 2]);
    expect(() => pixelTable({ mean: 0, std: 0 })).toThrow('std > 0');
  });
});

describe('writeImage', () => {
  it('pads a 2x2 image to 4x4, centred, with the background value', () => {
    const out = new Float32Array(16).fill(99);
    writeImage(new Uint8Array([7, 0, 255, 255, 0]), 1, 2, 2, pixelTable('unit'), 1, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('fills padding with the normalization background, not zero', () => {
    const out = new Float32Array(9);
    writeImage(new Uint8Array([255]), 0, 1, 1, pixelTable('paper'), 1, out, 0);
    expect(out).toBeAllclose([-0.1, -0.1, -0.1, -0.1, 1.175, -0.1, -0.1, -0.1, -0.1]);
  });
});

describe('toFloat32Images and pixelStatistics', () => {
  const dataset = new Dataset({
    images: new Uint8Array([0, 255, 0, 255, 255, 255, 255, 255]),
    labels: new Uint8Array([0, 1]),
    height: 2,
    width: 2,
    classNames: ['a', 'b'],
    name: 'two',
  });

  it('converts every image, with padding', () => {
    const floats = toFloat32Images(dataset, { normalization: 'unit', padding: 1 });
    expect(floats.length).toBe(2 * 16);
    expect(Array.from(floats.subarray(16))).toEqual([
      0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0,
    ]);
    expect(() => toFloat32Images(dataset, { padding: 1.5 })).toThrow(
      'padding must be a non-negative integer',
    );
  });

  it('gives the mean and std of pixels in unit scale', () => {
    // six ones and two zeros: mean 0.75, variance 0.75 * 0.25
    const { mean, std } = pixelStatistics(dataset);
    expect(mean).toBeAllclose(0.75);
    expect(std).toBeAllclose(Math.sqrt(0.1875));
    expect(pixelStatistics(dataset.subset([1]))).toEqual({ mean: 1, std: 0 });
  });
});
