import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { randomAffine } from './affine.js';
import { compose } from './compose.js';
import { elastic } from './elastic.js';

const SIZE = 12;

function images(count: number, seed = 1): Float32Array {
  return new Generator(seed).fillUniform(new Float32Array(count * SIZE * SIZE));
}

describe('applyBatch', () => {
  it('equals apply on each image in turn, in place, for [N, 1, H, W] and [N, H, W]', () => {
    const transform = compose([randomAffine({ rotate: 20 }), elastic({ sigma: 2, alpha: 8 })]);
    const source = images(5);
    const expected = new Float32Array(source.length);
    const generator = new Generator(9);
    for (let n = 0; n < 5; n++) {
      const one = source.slice(n * SIZE * SIZE, (n + 1) * SIZE * SIZE);
      expected.set(transform.apply(one, SIZE, SIZE, generator), n * SIZE * SIZE);
    }
    for (const shape of [
      [5, 1, SIZE, SIZE],
      [5, SIZE, SIZE],
    ]) {
      const batch = { shape, dtype: 'float32', data: source.slice() };
      transform.applyBatch(batch, new Generator(9));
      expect(batch.data).toEqual(expected);
    }
  });

  it('gives every channel of one image the same distortion', () => {
    const plane = SIZE * SIZE;
    const one = images(1, 3);
    const data = new Float32Array(2 * 3 * plane);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) data.set(one, (n * 3 + c) * plane);
    elastic({ sigma: 2, alpha: 10 }).applyBatch(
      { shape: [2, 3, SIZE, SIZE], data },
      new Generator(1),
    );
    const channel = (n: number, c: number) =>
      data.slice((n * 3 + c) * plane, (n * 3 + c + 1) * plane);
    expect(channel(0, 1)).toEqual(channel(0, 0));
    expect(channel(0, 2)).toEqual(channel(0, 0));
    expect(channel(1, 2)).toEqual(channel(1, 0));
    expect(channel(1, 0)).not.toEqual(channel(0, 0)); // a new draw per image
  });

  it('reads the batch buffer at call time (a tensor getter may swap it)', () => {
    let current = images(2);
    const tensorLike = {
      shape: [2, 1, SIZE, SIZE],
      get data() {
        return current;
      },
    };
    const before = images(2);
    current = images(2, 5);
    randomAffine({
      translate: { x: [1, 1], y: 0 },
      scale: [1, 1],
      squeeze: 0,
      shearX: 0,
    }).applyBatch(tensorLike, new Generator(1));
    expect(current[1]).toBe(images(2, 5)[0]);
    expect(before).toEqual(images(2));
  });

  it('rejects bad batches with the shape received and expected', () => {
    const transform = elastic();
    const generator = new Generator(0);
    expect(() =>
      transform.applyBatch({ shape: [4, 4], data: new Float32Array(16) }, generator),
    ).toThrow(/expected a batch of shape \[N, C, H, W\] or \[N, H, W\], got shape \[4,4\]/);
    expect(() =>
      transform.applyBatch({ shape: [2, 1, 4, 4], data: new Float32Array(16) }, generator),
    ).toThrow(
      /shape \[2, 1, 4, 4\] needs a Float32Array of 32 values, got Float32Array of length 16/,
    );
    expect(() =>
      transform.applyBatch(
        { shape: [1, 4, 4], dtype: 'int32', data: new Float32Array(16) },
        generator,
      ),
    ).toThrow(/expected float32 images, got dtype int32/);
  });
});

describe('apply', () => {
  it('leaves the input alone unless out is the input, and checks sizes', () => {
    const source = images(1);
    const copy = source.slice();
    const transform = elastic();
    const out = transform.apply(source, SIZE, SIZE, new Generator(1));
    expect(source).toEqual(copy);
    transform.apply(source, SIZE, SIZE, new Generator(1), source);
    expect(source).toEqual(out);
    expect(() => transform.apply(source, SIZE, SIZE + 1, new Generator(1))).toThrow(
      /expected a Float32Array of 12 x 13 = 156 pixels, got Float32Array of length 144/,
    );
    expect(() =>
      transform.apply(source, SIZE, SIZE, new Generator(1), new Float32Array(3)),
    ).toThrow(/out must be a Float32Array of 144 pixels/);
  });
});
