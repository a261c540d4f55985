// Test support (not exported by the package): checks an op's curvature rule (src/autograd.ts)
// against a float64 evaluation of the rule's definition,
//   h_x_i = sum_j (dy_j/dx_i)^2 h_j + max(0, sum_j d2y_j/dx_i^2 g_j)   (own term when kept),
// with the derivatives taken by central differences of a float64 reference of the op.
// The output's h and g are injected through the loss L = sum(a y) + sum(b y^2 / 2) (a random,
// b >= 0 random): its own ops give h = b and g = a + b y at y.
import { uniform } from '../creation.js';
import { Generator } from '../generator.js';
import { add, mul, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';

export type Reference64 = (inputs: readonly Float64Array[]) => Float64Array;

export interface CurvatureComparison {
  actual: Float64Array;
  expected: Float64Array;
}

/**
 * For each input of `fn` (made a leaf that requires grad): the curvature left by
 * `backwardCurvature` and the float64 definition. `ownTerm: false` for ops whose rule drops
 * it (squashing activations, eq. 27) or has none.
 */
export function compareCurvatures(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  reference: Reference64,
  options: { ownTerm: boolean; seed?: number; step?: number },
): CurvatureComparison[] {
  const step = options.step ?? 1e-4;
  for (const input of inputs) {
    input.curvature = null;
    input.requiresGrad = true;
  }
  const output = fn(...inputs);
  const generator = new Generator(options.seed ?? 5);
  const a = uniform(output.shape, -1, 1, generator);
  const b = uniform(output.shape, 0, 2, generator);
  add(sum(mul(output, a)), sum(mul(square(output), mul(b, 0.5)))).backwardCurvature();
  const y = output.data;
  const h = Float64Array.from(b.data);
  const g = Float64Array.from(a.data, (value, j) => value + b.data[j] * y[j]);
  const x64 = inputs.map((input) => Float64Array.from(input.data));
  const center = reference(x64);
  return inputs.map((input, k) => {
    const expected = new Float64Array(input.size);
    for (let i = 0; i < input.size; i++) {
      const original = x64[k][i];
      x64[k][i] = original + step;
      const plus = reference(x64);
      x64[k][i] = original - step;
      const minus = reference(x64);
      x64[k][i] = original;
      let gaussNewton = 0;
      let own = 0;
      for (let j = 0; j < center.length; j++) {
        const first = (plus[j] - minus[j]) / (2 * step);
        const second = (plus[j] - 2 * center[j] + minus[j]) / (step * step);
        gaussNewton += first * first * h[j];
        own += second * g[j];
      }
      expected[i] = gaussNewton + (options.ownTerm ? Math.max(0, own) : 0);
    }
    const actual = Float64Array.from(input.curvature ? input.curvature.data : []);
    return { actual, expected };
  });
}
