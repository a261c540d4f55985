import { describe, expect, it } from 'vitest';
import {
  centreOfMass,
  inkBox,
  PAPER_BACKGROUND,
  PAPER_FOREGROUND,
  padToPaperScale,
  preprocessDrawing,
  resizeArea,
} from './preprocess.js';

/** A `size` x `size` drawing with the rectangle [x0, x1) x [y0, y1) inked. */
function drawing(size: number, rectangles: [number, number, number, number][]): Float32Array {
  const image = new Float32Array(size * size);
  for (const [x0, y0, x1, y1] of rectangles) {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) image[y * size + x] = 1;
  }
  return image;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

describe('centreOfMass / inkBox', () => {
  it('finds the centre of mass and the ink box', () => {
    const image = drawing(10, [[2, 3, 4, 8]]);
    expect(centreOfMass(image, 10, 10)).toEqual({ x: 2.5, y: 5, mass: 10 });
    expect(inkBox(image, 10, 10)).toEqual({ x: 2, y: 3, width: 2, height: 5 });
  });

  it('reports a blank image as having no box', () => {
    expect(inkBox(new Float32Array(16), 4, 4)).toBeNull();
    expect(preprocessDrawing(new Float32Array(16), 4, 4)).toBeNull();
  });
});

describe('resizeArea', () => {
  it('averages areas, so total ink scales with the area ratio', () => {
    const image = drawing(8, [[0, 0, 8, 4]]);
    const half = resizeArea(image, 8, { x: 0, y: 0, width: 8, height: 8 }, 4, 4);
    expect(Array.from(half)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const odd = resizeArea(image, 8, { x: 0, y: 0, width: 8, height: 8 }, 3, 3);
    expect(sum(odd)).toBeCloseTo((sum(image) * 9) / 64, 5);
    // the middle row covers source rows 2.67 .. 5.33, half of them inked (2.67 .. 4)
    expect(odd[3]).toBeCloseTo(0.5, 5);
  });
});

describe('preprocessDrawing', () => {
  it('scales the larger side to 20 pixels and centres the mass in the 28x28 field', () => {
    // An off-centre "L" in a 280x280 drawing: 40 wide, 200 tall.
    const image = drawing(280, [
      [30, 20, 50, 220],
      [50, 200, 70, 220],
    ]);
    const result = preprocessDrawing(image, 280, 280)!;
    expect(result.box).toEqual({ x: 30, y: 20, width: 40, height: 200 });
    const mass = centreOfMass(result.field, 28, 28);
    expect(mass.x).toBeCloseTo(13.5, 1);
    expect(mass.y).toBeCloseTo(13.5, 1);
    const box = inkBox(result.field, 28, 28)!;
    expect(box.height).toBeGreaterThanOrEqual(20);
    expect(box.height).toBeLessThanOrEqual(21);
    expect(box.width).toBeGreaterThanOrEqual(4);
    expect(box.width).toBeLessThanOrEqual(5);
    // total ink is the drawing's, scaled by (20/200)^2
    expect(sum(result.field)).toBeCloseTo(sum(image) * 0.01, 0);
  });

  it('gives the same field wherever the digit was drawn and at any size', () => {
    const small = preprocessDrawing(drawing(280, [[20, 20, 40, 120]]), 280, 280)!;
    const large = preprocessDrawing(drawing(280, [[150, 40, 190, 240]]), 280, 280)!;
    expect(Array.from(large.field)).toBeAllclose(Array.from(small.field), { atol: 1e-5 });
  });

  it('keeps values in [0, 1] and pads to 32x32 in the paper scale', () => {
    const result = preprocessDrawing(drawing(100, [[10, 10, 90, 30]]), 100, 100)!;
    expect(Math.max(...result.field)).toBeLessThanOrEqual(1);
    expect(Math.min(...result.field)).toBeGreaterThanOrEqual(0);
    expect(result.padded).toHaveLength(1024);
    expect(result.padded[0]).toBeCloseTo(PAPER_BACKGROUND, 6);
    const inked = padToPaperScale(new Float32Array(784).fill(1));
    expect(inked[2 * 32 + 2]).toBeCloseTo(PAPER_FOREGROUND, 6);
    expect(inked[32 + 1]).toBeCloseTo(PAPER_BACKGROUND, 6);
  });
});
