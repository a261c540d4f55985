import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { type Batch, type BatchTransform, batchCount, batches } from './batches.js';
import { Dataset } from './dataset.js';
import { loadMnist } from './node/load-node.js';

/** `count` 2x2 images; every pixel of image i is i, label i % 10. */
function tinyDataset(count: number): Dataset {
  const images = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.fill(i, i * 4, i * 4 + 4);
    labels[i] = i % 10;
  }
  return new Dataset({
    images,
    labels,
    height: 2,
    width: 2,
    classNames: Array.from({ length: 10 }, (_, k) => String(k)),
    name: 'tiny',
  });
}

/** Copies what a test keeps: yielded tensors are overwritten by the next batch. */
const snapshot = (batch: Batch) => ({
  shape: [...batch.images.shape],
  images: Array.from(batch.images.data as Float32Array),
  labels: Array.from(batch.labels.data as Int32Array),
  indices: Array.from(batch.indices),
});

const unitOptions = { normalization: 'unit' as const };

describe('batches', () => {
  it('yields [N, 1, H, W] float32 images and [N] int32 labels in data-set order', () => {
    const seen = Array.from(batches(tinyDataset(5), { batchSize: 2, ...unitOptions }), snapshot);
    expect(seen.map((batch) => batch.shape)).toEqual([
      [2, 1, 2, 2],
      [2, 1, 2, 2],
      [1, 1, 2, 2],
    ]);
    expect(seen.map((batch) => batch.labels)).toEqual([[0, 1], [2, 3], [4]]);
    expect(seen[1].images).toBeAllclose([2, 2, 2, 2, 3, 3, 3, 3].map((value) => value / 255));
    const first = batches(tinyDataset(5), { batchSize: 2 }).next().value!;
    expect(first.images.dtype).toBe('float32');
    expect(first.labels.dtype).toBe('int32');
    expect(first.labels.shape).toEqual([2]);
  });

  it('supports batch size 1 (on-line training) and dropLast', () => {
    const dataset = tinyDataset(7);
    const single = Array.from(batches(dataset, { batchSize: 1 }), snapshot);
    expect(single).toHaveLength(7);
    expect(single[6].labels).toEqual([6]);
    expect(single[6].shape).toEqual([1, 1, 2, 2]);
    expect([...batches(dataset, { batchSize: 3, dropLast: true })]).toHaveLength(2);
    expect(batchCount(7, 3)).toBe(3);
    expect(batchCount(7, 3, true)).toBe(2);
    expect(() => batches(dataset, { batchSize: 0 }).next()).toThrow(
      'batchSize must be a positive integer',
    );
  });

  it('reuses the same tensors for every full batch', () => {
    const seen = [...batches(tinyDataset(7), { batchSize: 3 })];
    expect(seen[1].images).toBe(seen[0].images);
    expect(seen[1].labels).toBe(seen[0].labels);
    expect(seen[2].images).not.toBe(seen[0].images); // the smaller last batch has its own
  });

  it('shuffles with a seed: a permutation, identical for the same seed', () => {
    const dataset = tinyDataset(10);
    const order = (options: object) =>
      Array.from(batches(dataset, { batchSize: 4, shuffle: true, ...options }), snapshot).flatMap(
        (batch) => batch.indices,
      );
    const seeded = order({ seed: 42 });
    expect([...seeded].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order({ seed: 42 })).toEqual(seeded);
    expect(order({ seed: 43 })).not.toEqual(seeded);
    // Pinned: xoshiro128** is integer-only, so this holds on every platform.
    expect(seeded).toEqual(Array.from(new Generator(42).permutation(10)));
  });

  it('advances a given generator, so each epoch gets a new reproducible order', () => {
    const dataset = tinyDataset(10);
    const epochs = (generator: Generator) =>
      [0, 1].map(
        () =>
          Array.from(batches(dataset, { batchSize: 10, shuffle: true, generator }), snapshot)[0]
            .indices,
      );
    const [first, second] = epochs(new Generator(5));
    expect(second).not.toEqual(first);
    expect(epochs(new Generator(5))).toEqual([first, second]);
  });

  it('pads with the background value and matches the paper scale', () => {
    const dataset = new Dataset({
      images: new Uint8Array([255]),
      labels: new Uint8Array([3]),
      height: 1,
      width: 1,
      classNames: ['0', '1', '2', '3'],
      name: 'dot',
    });
    const batch = snapshot(batches(dataset, { batchSize: 1, padding: 1 }).next().value!);
    expect(batch.shape).toEqual([1, 1, 3, 3]);
    expect(batch.images).toBeAllclose([-0.1, -0.1, -0.1, -0.1, 1.175, -0.1, -0.1, -0.1, -0.1]);
  });

  it('calls the transform on each batch in place, without changing the order', () => {
    const dataset = tinyDataset(5);
    const calls: [number, number, number][] = [];
    const negate: BatchTransform = (images, count, height, width, generator) => {
      calls.push([count, height, width]);
      expect(generator).toBeInstanceOf(Generator);
      for (let i = 0; i < count * height * width; i++) images[i] = -images[i];
    };
    const options = { batchSize: 2, shuffle: true, seed: 9, ...unitOptions };
    const plain = Array.from(batches(dataset, options), snapshot);
    const transformed = Array.from(batches(dataset, { ...options, transform: negate }), snapshot);
    expect(calls).toEqual([
      [2, 2, 2],
      [2, 2, 2],
      [1, 2, 2],
    ]);
    expect(transformed.map((batch) => batch.indices)).toEqual(plain.map((batch) => batch.indices));
    expect(transformed[0].images).toEqual(plain[0].images.map((value) => -value));
  });

  it('gives the transform a seeded stream: same seed, same draws', () => {
    const draws = (seed: number) => {
      const values: number[] = [];
      const record: BatchTransform = (_images, _count, _height, _width, generator) => {
        values.push(generator.nextUint32());
      };
      for (const _ of batches(tinyDataset(6), { batchSize: 2, seed, transform: record })) {
        // drain
      }
      return values;
    };
    expect(draws(1)).toEqual(draws(1));
    expect(draws(1)).not.toEqual(draws(2));
  });

  it('serves real MNIST padded to the paper 32x32 input', async () => {
    const test = await loadMnist({ split: 'test' });
    const iterator = batches(test, { batchSize: 64, padding: 2 });
    const batch = iterator.next().value!;
    expect(batch.images.shape).toEqual([64, 1, 32, 32]);
    expect(Array.from(batch.labels.data as Int32Array).slice(0, 10)).toEqual([
      7, 2, 1, 0, 4, 1, 4, 9, 5, 9,
    ]);
    const images = batch.images.data as Float32Array;
    const border = [images[0], images[31], images[32 * 31], images[1023]];
    expect(border).toBeAllclose([-0.1, -0.1, -0.1, -0.1]);
    expect(Math.max(...images.subarray(0, 1024))).toBeAllclose(1.175);
    expect([...batches(test, { batchSize: 64 })]).toHaveLength(157);
  });
});
