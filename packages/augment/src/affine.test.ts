import { Generator } from '@lenet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_AFFINE,
  randomAffine,
  resolveAffineRanges,
  sampleAffineParameters,
  warpAffine,
} from './affine.js';

const SIZE = 28;

/** A ring of ink (value 1) on background 0, well inside a 28x28 frame, with soft edges. */
function ringDigit(): Float32Array {
  const image = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const distance = Math.abs(Math.hypot(x - 13.5, y - 12) - 6);
      image[y * SIZE + x] = Math.max(0, Math.min(1, 2 - distance));
    }
  }
  return image;
}

function randomImage(seed: number, size = SIZE * SIZE): Float32Array {
  return new Generator(seed).fillUniform(new Float32Array(size), -0.1, 1.175);
}

function sum(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

const ZERO_RANGES = { translate: 0, scale: [1, 1], squeeze: 0, shearX: 0, rotate: 0 } as const;

describe('warpAffine', () => {
  it('returns the input exactly for identity parameters, bilinear and nearest', () => {
    const image = randomImage(1);
    expect(warpAffine(image, SIZE, SIZE, IDENTITY_AFFINE)).toEqual(image);
    expect(warpAffine(image, SIZE, SIZE, {}, { interpolation: 'nearest' })).toEqual(image);
  });

  it('shifts exactly by integer translations and fills the vacated border', () => {
    const image = randomImage(2, 5 * 6);
    const out = warpAffine(image, 5, 6, { translateX: 2, translateY: -1 }, { fill: -0.1 });
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 6; x++) {
        const sourceX = x - 2;
        const sourceY = y + 1;
        const inside = sourceX >= 0 && sourceY < 5;
        expect(out[y * 6 + x]).toBe(inside ? image[sourceY * 6 + sourceX] : Math.fround(-0.1));
      }
    }
  });

  it('is the identity for scale 1, squeeze 0, shear 0 and rotation 0 given explicitly', () => {
    const image = randomImage(3);
    const out = warpAffine(image, SIZE, SIZE, { scale: 1, squeeze: 0, shearX: 0, rotate: 0 });
    expect(out).toEqual(image);
  });

  it('moves single pixels where the parameters say (x right, y down, about the centre)', () => {
    // 9x9, centre (4, 4). A bilinear pixel is a point-symmetric bump, and affine maps keep
    // point symmetry, so the ink's centroid lands exactly on the mapped pixel centre.
    const at = (x: number, y: number) => {
      const image = new Float32Array(81);
      image[y * 9 + x] = 1;
      return image;
    };
    const centroid = (image: Float32Array, parameters: object) => {
      const out = warpAffine(image, 9, 9, parameters);
      let mass = 0;
      let x = 0;
      let y = 0;
      out.forEach((value, index) => {
        mass += value;
        x += value * (index % 9);
        y += value * Math.floor(index / 9);
      });
      return [x / mass, y / mass];
    };
    const cases: [number, number, object, number, number][] = [
      [4, 0, { shearX: 0.5 }, 6, 0], // the top leans right
      [5, 4, { scale: 2 }, 6, 4],
      [6, 4, { rotate: 90 }, 4, 2], // counter-clockwise on screen
      [8, 4, { squeeze: Math.LN2 }, 6, 4], // half as wide
      [4, 3, { squeeze: Math.LN2 }, 4, 2], // twice as tall
      [4, 4, { translateX: -3, translateY: 2 }, 1, 6],
    ];
    for (const [x, y, parameters, expectedX, expectedY] of cases) {
      expect(centroid(at(x, y), parameters)).toBeAllclose([expectedX, expectedY], { atol: 1e-6 });
    }
  });

  it('rejects a singular map and an output aliasing the input', () => {
    const image = randomImage(4, 9);
    expect(() => warpAffine(image, 3, 3, { scale: 0 })).toThrow(/singular/);
    expect(() => warpAffine(image, 3, 3, {}, {}, image)).toThrow(/must not be the input/);
    expect(() => warpAffine(image, 3, 4, {})).toThrow(/3 x 4 pixels/);
  });
});

describe('randomAffine', () => {
  it('is the identity when every range is zero', () => {
    const image = randomImage(5);
    const out = randomAffine(ZERO_RANGES).apply(image, SIZE, SIZE, new Generator(9));
    expect(out).toEqual(image);
  });

  it('shifts exactly when the translation range is one integer per axis', () => {
    const image = randomImage(6);
    const transform = randomAffine({ ...ZERO_RANGES, translate: { x: [3, 3], y: [-2, -2] } });
    const out = transform.apply(image, SIZE, SIZE, new Generator(1));
    expect(out).toEqual(warpAffine(image, SIZE, SIZE, { translateX: 3, translateY: -2 }));
    expect(out[0]).toBe(0); // vacated column on the left
    expect(out[5 * SIZE + 3]).toBe(image[7 * SIZE]);
  });

  it('gives bitwise-identical output for the same seed and different output for another', () => {
    const image = randomImage(7);
    const transform = randomAffine({ rotate: 10 });
    const first = transform.apply(image, SIZE, SIZE, new Generator(42));
    const again = transform.apply(image, SIZE, SIZE, new Generator(42));
    const other = transform.apply(image, SIZE, SIZE, new Generator(43));
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    expect(other).not.toEqual(first);
  });

  it('draws every parameter inside its range, spread over the whole range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.tuple(
          fc.double({ min: 0.5, max: 1, noNaN: true }),
          fc.double({ min: 1, max: 2, noNaN: true }),
        ),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.tuple(
          fc.double({ min: -1, max: 0, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
        fc.integer({ min: 0, max: 1000 }),
        (translate, scale, squeeze, shearX, seed) => {
          const ranges = resolveAffineRanges({
            translate,
            scale,
            squeeze,
            shearX,
            rotate: [-30, 5],
          });
          const generator = new Generator(seed);
          const parameters = { ...IDENTITY_AFFINE };
          const outside: string[] = [];
          for (let draw = 0; draw < 200; draw++) {
            sampleAffineParameters(ranges, generator, parameters);
            for (const key of Object.keys(ranges) as (keyof typeof ranges)[]) {
              const [min, max] = ranges[key];
              if (!(parameters[key] >= min && parameters[key] <= max)) {
                outside.push(`${key} ${parameters[key]} not in [${min}, ${max}]`);
              }
            }
          }
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
    // Uniform: over many draws the extremes come near both ends and the mean near the middle.
    const generator = new Generator(3);
    const ranges = resolveAffineRanges({});
    const translations: number[] = [];
    for (let draw = 0; draw < 4000; draw++)
      translations.push(sampleAffineParameters(ranges, generator).translateX);
    expect(Math.min(...translations)).toBeLessThan(-1.98);
    expect(Math.max(...translations)).toBeGreaterThan(1.98);
    expect(translations.reduce((a, b) => a + b, 0) / translations.length).toBeCloseTo(0, 1);
  });

  it('has the documented defaults', () => {
    expect(resolveAffineRanges()).toEqual({
      translateX: [-2, 2],
      translateY: [-2, 2],
      scale: [0.9, 1.1],
      squeeze: [-0.1, 0.1],
      shearX: [-0.2, 0.2],
      rotate: [-0, 0],
    });
  });

  it('conserves total ink within 2% when area is kept, and scales it by scale^2 otherwise', () => {
    const image = ringDigit();
    const ink = sum(image);
    const areaKeeping = randomAffine({ scale: [1, 1], rotate: 15 });
    const generator = new Generator(11);
    const out = new Float32Array(image.length);
    for (let trial = 0; trial < 200; trial++) {
      areaKeeping.apply(image, SIZE, SIZE, generator, out);
      expect(Math.abs(sum(out) / ink - 1)).toBeLessThan(0.02);
    }
    const scaling = randomAffine();
    for (let trial = 0; trial < 200; trial++) {
      scaling.apply(image, SIZE, SIZE, generator, out);
      const { scale } = scaling.lastParameters;
      expect(Math.abs(sum(out) / (ink * scale * scale) - 1)).toBeLessThan(0.02);
    }
  });

  it('rejects bad options with messages naming them', () => {
    expect(() => randomAffine({ translate: -1 })).toThrow(
      /translate.x: expected a finite number >= 0/,
    );
    expect(() => randomAffine({ scale: [1.2, 0.8] })).toThrow(
      /scale: expected finite \[min, max\] with min <= max/,
    );
    expect(() => randomAffine({ scale: [0, 1] })).toThrow(/scale: expected factors > 0/);
    expect(() => randomAffine({ interpolation: 'cubic' as never })).toThrow(
      /'bilinear' or 'nearest'/,
    );
    expect(() => randomAffine({ fill: Number.NaN })).toThrow(/fill: expected a finite number/);
  });
});
