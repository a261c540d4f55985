import { describe, expect, it } from 'vitest';
import { Dataset, datasetFromIdx } from './dataset.js';
import { IdxFormatError } from './idx-format-error.js';
import { readIdx } from './idx-read.js';
import { writeIdx } from './idx-write.js';

/** `count` 2x3 images; image i is filled with the value i, label i % classes. */
function tinyDataset(count: number, classes = 3): Dataset {
  const images = new Uint8Array(count * 6);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.fill(i, i * 6, i * 6 + 6);
    labels[i] = i % classes;
  }
  return new Dataset({
    images,
    labels,
    height: 2,
    width: 3,
    classNames: Array.from({ length: classes }, (_, k) => `c${k}`),
    name: 'tiny',
  });
}

const firstPixels = (dataset: Dataset) =>
  Array.from({ length: dataset.length }, (_, i) => dataset.image(i)[0]);

describe('Dataset', () => {
  it('gives length, images as views and labels', () => {
    const dataset = tinyDataset(5);
    expect(dataset.length).toBe(5);
    const sample = dataset.get(4);
    expect(Array.from(sample.image)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(sample.label).toBe(1);
    expect(sample.image.buffer).toBe(dataset.source.images.buffer);
    expect(() => dataset.get(5)).toThrow('Dataset tiny: index 5 out of range [0, 5)');
    expect(() => dataset.get(-1)).toThrow(RangeError);
  });

  it('subset selects by position and composes without copying images', () => {
    const dataset = tinyDataset(10);
    const odd = dataset.subset([1, 3, 5, 7, 9]);
    const picked = odd.subset([4, 0]);
    expect(firstPixels(picked)).toEqual([9, 1]);
    expect(picked.source).toBe(dataset.source);
    expect(picked.sourceIndex(0)).toBe(9);
  });

  it('take(P) keeps the first P samples', () => {
    expect(firstPixels(tinyDataset(10).take(4))).toEqual([0, 1, 2, 3]);
    expect(() => tinyDataset(3).take(4)).toThrow('count must be an integer in [0, 3], got 4');
  });

  it('take(P, { seed }) draws a seeded class-balanced sample, in order', () => {
    const dataset = tinyDataset(30); // 10 of each class
    const sample = dataset.take(7, { seed: 1 });
    expect(sample.length).toBe(7);
    const counts = sample.classCounts();
    expect(counts.reduce((a, b) => a + b)).toBe(7);
    expect(Math.max(...counts) - Math.min(...counts)).toBe(1);
    const positions = firstPixels(sample);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(7);
    expect(firstPixels(dataset.take(7, { seed: 1 }))).toEqual(positions);
    expect(firstPixels(dataset.take(7, { seed: 2 }))).not.toEqual(positions);
    expect(dataset.take(30, { seed: 3 }).classCounts()).toEqual([10, 10, 10]);
    expect(() => tinyDataset(4).take(4, { seed: 0 })).toThrow(
      /needs 2 samples of class \d, only 1 exist/,
    );
  });

  it('split makes disjoint seeded parts that cover the data set', () => {
    const dataset = tinyDataset(20);
    const { train, validation } = dataset.split(5, 42);
    expect([train.length, validation.length]).toEqual([15, 5]);
    const all = [...firstPixels(train), ...firstPixels(validation)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(firstPixels(dataset.split(5, 42).validation)).toEqual(firstPixels(validation));
    expect(firstPixels(dataset.split(5, 43).validation)).not.toEqual(firstPixels(validation));
    expect(dataset.split(0.25, 42).validation.length).toBe(5);
    expect(() => dataset.split(21)).toThrow('got 21');
  });
});

describe('datasetFromIdx', () => {
  const images = readIdx(writeIdx({ data: new Uint8Array(2 * 4).fill(9), shape: [2, 2, 2] }));
  const labels = readIdx(writeIdx({ data: new Uint8Array([3, 7]), shape: [2] }));

  it('pairs an image file with a label file', () => {
    const dataset = datasetFromIdx(images, labels);
    expect([dataset.length, dataset.height, dataset.width, dataset.label(1)]).toEqual([2, 2, 2, 7]);
  });

  it('rejects files whose counts differ, naming both', () => {
    const three = readIdx(writeIdx({ data: new Uint8Array([1, 2, 3]), shape: [3] }));
    const error = (() => {
      try {
        datasetFromIdx(images, three, { imagesFile: 'a-images', labelsFile: 'b-labels' });
      } catch (caught) {
        return caught as IdxFormatError;
      }
    })();
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error?.message).toBe('a-images: holds 2 images but b-labels holds 3 labels');
  });

  it('rejects wrong types, ranks and out-of-range labels', () => {
    expect(() => datasetFromIdx(labels, labels, { imagesFile: 'x' })).toThrow(
      'x: expected ubyte images of shape [count, rows, columns], found ubyte of shape [2]',
    );
    const floatLabels = readIdx(writeIdx({ data: new Float32Array(2), shape: [2] }));
    expect(() => datasetFromIdx(images, floatLabels, { labelsFile: 'y' })).toThrow(
      'y: expected ubyte labels of shape [count], found float of shape [2]',
    );
    const big = readIdx(writeIdx({ data: new Uint8Array([3, 10]), shape: [2] }));
    expect(() => datasetFromIdx(images, big, { labelsFile: 'z' })).toThrow(
      'z: label 10 at index 1 is outside 0..9',
    );
  });
});
