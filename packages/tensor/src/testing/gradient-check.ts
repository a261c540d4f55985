// Test support (not exported by the package): compares autograd's gradients with central
// finite differences. The loss is L = sum(f(inputs) * weights) with fixed random weights, so
// every output element matters; L is accumulated in float64 from f's float32 outputs, and the
// step is divided by the actual float32 difference of the perturbed input.
import { noGrad } from '../autograd.js';
import { Generator } from '../generator.js';
import { mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { Tensor } from '../tensor.js';

export interface GradientComparison {
  analytic: Float64Array;
  numeric: Float64Array;
}

function weightedSum(out: Tensor, weights: Float32Array): number {
  const data = out.data;
  let total = 0;
  for (let i = 0; i < data.length; i++) total += data[i] * weights[i];
  return total;
}

/**
 * For each input: autograd's dL/dinput and the central-difference estimate, as float64 arrays
 * (compare them with `toBeAllclose`). Inputs are made leaves that require grad.
 */
export function compareGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: { epsilon?: number; seed?: number } = {},
): GradientComparison[] {
  const epsilon = options.epsilon ?? 1e-2;
  for (const input of inputs) {
    input.grad = null;
    input.requiresGrad = true;
  }
  const output = fn(...inputs);
  const weights = new Generator(options.seed ?? 99).fillUniform(
    new Float32Array(output.size),
    -1,
    1,
  );
  const weightTensor = Tensor.empty(output.shape);
  weightTensor.data.set(weights);
  sum(mul(output, weightTensor)).backward();
  return inputs.map((input) => {
    const analytic = Float64Array.from(input.grad ? input.grad.data : new Float32Array(input.size));
    const numeric = new Float64Array(input.size);
    noGrad(() => {
      for (let i = 0; i < input.size; i++) {
        const original = input.data[i];
        input.data[i] = original + epsilon;
        const plusInput = input.data[i];
        const plus = weightedSum(fn(...inputs), weights);
        input.data[i] = original - epsilon;
        const minusInput = input.data[i];
        const minus = weightedSum(fn(...inputs), weights);
        input.data[i] = original;
        numeric[i] = (plus - minus) / (plusInput - minusInput);
      }
    });
    return { analytic, numeric };
  });
}
