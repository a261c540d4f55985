/** Layers that only move or mask values: Flatten and Dropout. */
import { dropout, Generator, reshape, type Tensor } from '@lenet/tensor';
import { Module } from '../module.js';

/** [batch, ...] -> [batch, product of the rest]. */
export class Flatten extends Module {
  forward(input: Tensor): Tensor {
    const batch = input.shape[0];
    return reshape(input, [batch, input.size / Math.max(batch, 1)]);
  }
}

/**
 * Inverted dropout: in training mode zeroes each value with probability p and scales the
 * rest by 1/(1-p), drawing from its own seeded generator; the identity in eval mode.
 */
export class Dropout extends Module {
  readonly generator: Generator;

  constructor(
    readonly probability = 0.5,
    options: { generator?: Generator } = {},
  ) {
    super();
    if (!(probability >= 0 && probability < 1)) {
      throw new RangeError(`Dropout: probability must be in [0, 1), got ${probability}`);
    }
    this.generator = options.generator ?? new Generator(0);
  }

  forward(input: Tensor): Tensor {
    if (!this.training || this.probability === 0) return input;
    return dropout(input, this.probability, this.generator);
  }

  protected override describe(): string {
    return `p=${this.probability}`;
  }
}
