import type { Generator } from '@lenet/tensor';
import { Transform } from './transform.js';

/** Applies transforms one after another, all to the same image before the next image. */
export class Compose extends Transform {
  readonly transforms: readonly Transform[];

  constructor(transforms: readonly Transform[]) {
    super();
    if (!Array.isArray(transforms) || !transforms.every((t) => t instanceof Transform)) {
      throw new TypeError(
        'compose: expected an array of transforms (randomAffine(), elastic(), ...)',
      );
    }
    this.transforms = [...transforms];
  }

  distortInPlace(
    data: Float32Array,
    offset: number,
    channels: number,
    height: number,
    width: number,
    generator: Generator,
  ): void {
    for (const transform of this.transforms) {
      transform.distortInPlace(data, offset, channels, height, width, generator);
    }
  }
}

/** Applies `transform` to each image with probability `probability` (one draw per image). */
export class RandomApply extends Transform {
  constructor(
    readonly probability: number,
    readonly transform: Transform,
  ) {
    super();
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`randomApply: probability must be in [0, 1], got ${probability}`);
    }
    if (!(transform instanceof Transform)) {
      throw new TypeError('randomApply: expected a transform (randomAffine(), elastic(), ...)');
    }
  }

  distortInPlace(
    data: Float32Array,
    offset: number,
    channels: number,
    height: number,
    width: number,
    generator: Generator,
  ): void {
    if (generator.nextFloat() < this.probability) {
      this.transform.distortInPlace(data, offset, channels, height, width, generator);
    }
  }
}

export function compose(transforms: readonly Transform[]): Compose {
  return new Compose(transforms);
}

export function randomApply(probability: number, transform: Transform): RandomApply {
  return new RandomApply(probability, transform);
}
