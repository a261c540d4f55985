// Inverted dropout with masks drawn from an explicit seeded generator.
import { hostStep } from '../compile/trace.js';
import type { Generator } from '../generator.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { mul } from './elementwise.js';

/**
 * Zeroes each value of `x` with probability `probability` and scales the rest by
 * 1 / (1 - probability), so the expected value is unchanged (inverted dropout, as in PyTorch's
 * training mode). The mask is drawn from `generator`; in a compiled program it is drawn afresh
 * at every replay, so a replayed step equals the eager one for the same generator state.
 * Gradients (and curvature) flow through the kept values only.
 */
export function dropout(input: Tensor, probability: number, generator: Generator): Tensor {
  const x = checkFloat('dropout', input);
  if (!(probability >= 0 && probability < 1)) {
    throw new RangeError(`dropout: probability must be in [0, 1), got ${probability}`);
  }
  if (probability === 0) return x;
  const keep = 1 - probability;
  const scale = 1 / keep;
  const mask = Tensor.empty(x.shape);
  hostStep(() => {
    const values = mask.data;
    for (let i = 0; i < values.length; i++) values[i] = generator.nextFloat() < keep ? scale : 0;
  });
  return mul(x, mask);
}
