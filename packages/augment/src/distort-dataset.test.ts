import { Dataset } from '@lenet/datasets-mnist';
import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { randomAffine } from './affine.js';
import { distortDataset } from './distort-dataset.js';
import { elastic } from './elastic.js';

const SIZE = 10;
const PLANE = SIZE * SIZE;

function byteImages(count: number): Uint8Array {
  const images = new Uint8Array(count * PLANE);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
  return images;
}

describe('distortDataset', () => {
  it('streams copies x count images in chunks, copy-major, reusing one set of buffers', () => {
    const images = new Generator(1).fillUniform(new Float32Array(5 * PLANE));
    const set = { images, count: 5, height: SIZE, width: SIZE, labels: [3, 1, 4, 1, 5] };
    const chunks = [];
    // Read each chunk before asking for the next: its arrays are reused.
    for (const chunk of distortDataset(set, 3, elastic({ sigma: 2 }), 7, { chunkSize: 4 })) {
      chunks.push({
        start: chunk.start,
        count: chunk.count,
        sources: Array.from(chunk.sourceIndices.subarray(0, chunk.count)),
        labels: Array.from(chunk.labels!.subarray(0, chunk.count)),
        buffer: chunk.images,
      });
    }
    expect(chunks.map((c) => [c.start, c.count])).toEqual([
      [0, 4],
      [4, 4],
      [8, 4],
      [12, 3],
    ]);
    expect(chunks.flatMap((c) => c.sources)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(chunks.flatMap((c) => c.labels)).toEqual([3, 1, 4, 1, 5, 3, 1, 4, 1, 5, 3, 1, 4, 1, 5]);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(1);
  });

  it('equals applying the transform to each image in stream order, for a seed', () => {
    const images = new Generator(2).fillUniform(new Float32Array(3 * PLANE));
    const transform = randomAffine({ rotate: 10 });
    const streamed: number[] = [];
    for (const chunk of distortDataset(
      { images, count: 3, height: SIZE, width: SIZE },
      2,
      transform,
      11,
      {
        chunkSize: 5,
      },
    )) {
      streamed.push(...chunk.images.subarray(0, chunk.count * PLANE));
    }
    const generator = new Generator(11);
    const expected: number[] = [];
    for (let k = 0; k < 6; k++) {
      const image = images.slice((k % 3) * PLANE, ((k % 3) + 1) * PLANE);
      expected.push(...transform.apply(image, SIZE, SIZE, generator));
    }
    expect(streamed).toEqual(expected);
  });

  it('keeps bytes as bytes (rounded, clamped) and reads a datasets-mnist Dataset view', () => {
    const source = {
      images: byteImages(6),
      labels: new Uint8Array([0, 1, 2, 3, 4, 5]),
      height: SIZE,
      width: SIZE,
      classNames: ['0', '1', '2', '3', '4', '5'],
      name: 'test',
    };
    const view = new Dataset(source, new Int32Array([4, 2]));
    const identity = randomAffine({ translate: 0, scale: [1, 1], squeeze: 0, shearX: 0 });
    const [chunk] = [...distortDataset(view, 1, identity, 0)];
    expect(chunk.images).toBeInstanceOf(Uint8Array);
    expect(Array.from(chunk.labels!)).toEqual([4, 2]);
    expect(chunk.images.subarray(0, PLANE)).toEqual(source.images.subarray(4 * PLANE, 5 * PLANE));
    const [shifted] = [...distortDataset(view, 1, elastic({ alpha: 30, sigma: 1 }), 0)];
    expect(shifted.images).toBeInstanceOf(Uint8Array);
    expect(shifted.images).not.toEqual(chunk.images);
  });

  it('yields nothing for zero copies and rejects bad arguments', () => {
    const set = { images: new Float32Array(2 * PLANE), count: 2, height: SIZE, width: SIZE };
    expect([...distortDataset(set, 0, elastic(), 1)]).toEqual([]);
    expect(() => distortDataset(set, -1, elastic(), 1)).toThrow(
      /copies must be an integer >= 0, got -1/,
    );
    expect(() => distortDataset({ ...set, count: 3 }, 1, elastic(), 1)).toThrow(
      /expected 3 images of 10 x 10/,
    );
    expect(() => distortDataset(set, 1, elastic(), 1, { chunkSize: 0 })).toThrow(/chunkSize/);
    expect(() => distortDataset(set, 1, (() => {}) as never, 1)).toThrow(/expected a transform/);
  });
});
