import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { elastic } from './elastic.js';
import { previewGrid } from './preview-grid.js';

const SIZE = 6;

function images(count: number): Float32Array {
  const data = new Float32Array(count * SIZE * SIZE);
  for (let n = 0; n < count; n++) data.fill(n, n * SIZE * SIZE, (n + 1) * SIZE * SIZE);
  return data;
}

describe('previewGrid', () => {
  it('lays images out in reading order, zoomed, greys spanning the range', () => {
    const png = previewGrid(
      { images: images(5), count: 5, height: SIZE, width: SIZE },
      { cols: 3, zoom: 2, gap: 1 },
    );
    const decoded = decode(png);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([3 * 12 + 4, 2 * 12 + 3, 1]);
    const grey = (x: number, y: number) => decoded.data[y * decoded.width + x];
    expect(grey(1, 1)).toBe(0); // image 0 = darkest
    expect(grey(1 + 13, 1)).toBe(64); // image 1 of 0..4
    expect(grey(1 + 13, 1 + 13)).toBe(255); // image 4
    expect(grey(0, 0)).toBe(96); // gap
  });

  it('puts each original in column 1 and distortions beside it, reproducibly', () => {
    const ring = new Float32Array(2 * SIZE * SIZE);
    ring.fill(1, 8, 28);
    ring.fill(1, 44, 64);
    const set = { images: ring, count: 2, height: SIZE, width: SIZE };
    const options = {
      cols: 4,
      transform: elastic({ sigma: 1, alpha: 3 }),
      seed: 3,
      zoom: 1,
      gap: 2,
    };
    const png = previewGrid(set, options);
    expect(previewGrid(set, options)).toEqual(png);
    const decoded = decode(png);
    const separator = 2 * 2 + 2;
    expect([decoded.width, decoded.height]).toEqual([4 * 6 + 5 * 2 + separator, 2 * 6 + 3 * 2]);
    const cell = (row: number, col: number) => {
      const x0 = 2 + col * 8 + (col > 0 ? separator : 0);
      const y0 = 2 + row * 8;
      return Array.from(
        { length: 36 },
        (_, i) => decoded.data[(y0 + Math.floor(i / 6)) * decoded.width + x0 + (i % 6)],
      );
    };
    expect(cell(0, 0)).toEqual(Array.from(ring.subarray(0, 36), (v) => v * 255));
    expect(cell(1, 0)).toEqual(Array.from(ring.subarray(36, 72), (v) => v * 255));
    expect(cell(0, 1)).not.toEqual(cell(0, 0));
    expect(cell(0, 2)).not.toEqual(cell(0, 1));
  });

  it('rejects bad layouts', () => {
    const set = { images: images(2), count: 2, height: SIZE, width: SIZE };
    expect(() => previewGrid(set, { cols: 1, transform: elastic() })).toThrow(
      /cols must be an integer >= 2/,
    );
    expect(() => previewGrid({ ...set, count: 3 }, { cols: 2 })).toThrow(
      /expected at least one 6 x 6 image/,
    );
    expect(() => previewGrid(set, { cols: 2, range: [1, 1] })).toThrow(
      /range must be two different finite numbers/,
    );
  });
});
