import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { randomAffine } from './affine.js';
import { compose, randomApply } from './compose.js';
import { elastic } from './elastic.js';

const SIZE = 28;
const image = () => new Generator(1).fillUniform(new Float32Array(SIZE * SIZE));

describe('compose', () => {
  it('applies each transform in turn on the same stream', () => {
    const affine = randomAffine({ rotate: 10 });
    const warp = elastic();
    const composed = compose([affine, warp]).apply(image(), SIZE, SIZE, new Generator(3));
    const generator = new Generator(3);
    const byHand = warp.apply(affine.apply(image(), SIZE, SIZE, generator), SIZE, SIZE, generator);
    expect(composed).toEqual(byHand);
    expect(compose([]).apply(image(), SIZE, SIZE, new Generator(3))).toEqual(image());
  });

  it('rejects anything that is not a list of transforms', () => {
    expect(() => compose([elastic(), {} as never])).toThrow(/array of transforms/);
  });
});

describe('randomApply', () => {
  it('never applies at p = 0, always at p = 1 (after its coin draw)', () => {
    const warp = elastic();
    expect(randomApply(0, warp).apply(image(), SIZE, SIZE, new Generator(2))).toEqual(image());
    const applied = randomApply(1, warp).apply(image(), SIZE, SIZE, new Generator(2));
    const generator = new Generator(2);
    generator.nextFloat(); // the coin
    expect(applied).toEqual(warp.apply(image(), SIZE, SIZE, generator));
  });

  it('applies to about a fraction p of the images', () => {
    const maybe = randomApply(
      0.3,
      randomAffine({ translate: { x: [1, 1], y: 0 }, scale: [1, 1], squeeze: 0, shearX: 0 }),
    );
    const generator = new Generator(4);
    const source = image();
    const out = new Float32Array(source.length);
    let changed = 0;
    for (let trial = 0; trial < 2000; trial++) {
      maybe.apply(source, SIZE, SIZE, generator, out);
      if (out[1] !== source[1]) changed++;
    }
    expect(changed / 2000).toBeGreaterThan(0.27);
    expect(changed / 2000).toBeLessThan(0.33);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => randomApply(1.5, elastic())).toThrow(/probability must be in \[0, 1\], got 1.5/);
  });
});
