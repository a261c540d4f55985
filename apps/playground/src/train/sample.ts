import type { Dataset } from '@lenet/datasets-mnist';

/**
 * `count` images of `dataset` for the Train page: the whole set when `count` covers it, a
 * class-balanced seeded sample while every class has enough images for its equal share, and
 * otherwise a seeded uniform sample. MNIST's classes are not equal (5,923 zeros of 60,000
 * training images, 980 of 10,000 test images), so a balanced sample of 60,000 or 10,000, or
 * of anything above ten times the rarest class, does not exist.
 */
export function sampleImages(dataset: Dataset, count: number, seed: number): Dataset {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`sampleImages: count must be a positive integer, got ${count}`);
  }
  if (count >= dataset.length) return dataset;
  const rarest = Math.min(...dataset.classCounts());
  if (Math.ceil(count / dataset.classCount) <= rarest) return dataset.take(count, { seed });
  return dataset.split(count, seed).validation;
}
