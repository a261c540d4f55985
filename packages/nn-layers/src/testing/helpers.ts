// Test support (not part of the package): running a layer with autograd and checking its
// gradients and its Gauss-Newton pass against the float64 oracle.
import { Generator, mul, square, sub, sum, type Tensor, tensor } from '@lenet/tensor';
import { expect } from 'vitest';
import { computeLoss, type LossSpec } from '../losses.js';
import type { Module } from '../module.js';
import { gaussNewtonDiagonal, gradient, jacobian, type Vector } from './float64-reference.js';

export function randomArray(
  length: number,
  generator: Generator,
  low = -1,
  high = 1,
): Float32Array {
  return generator.fillUniform(new Float32Array(length), low, high);
}

export function randomInput(shape: number[], seed = 1, low = -1, high = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(randomArray(size, new Generator(seed), low, high), shape);
}

/**
 * A float64 view of a module: `forward(input, parameters)` in float64 where `parameters` are
 * the module's parameter values concatenated in `parameters()` order.
 */
export type Reference = (input: Vector, parameters: Vector) => Vector;

function concatParameters(module: Module): Float64Array {
  const values: number[] = [];
  for (const parameter of module.parameters()) values.push(...parameter.data);
  return Float64Array.from(values);
}

/**
 * Checks, for `module` on `input`:
 * 1. the float32 forward against the float64 reference,
 * 2. autograd's input and parameter gradients of sum(r * y) against central differences of
 *    the float64 reference (r fixed random weights),
 * 3. the tape's curvature pass (`backwardCurvature`, the ops' rules) against the brute-force
 *    diag(J^T D J) with the float64 Jacobians, for a random non-negative diagonal output
 *    curvature D.
 */
export function checkLayer(
  module: Module,
  input: Tensor,
  reference: Reference,
  options: { rtol?: number; atol?: number; skipHessian?: boolean } = {},
): void {
  const rtol = options.rtol ?? 2e-3;
  const atol = options.atol ?? 2e-4;
  const x64 = Float64Array.from(input.data);
  const p64 = concatParameters(module);
  const expected = reference(x64, p64);

  const leaf = tensor(input.data, input.shape, { requiresGrad: true });
  const output = module.forward(leaf);
  expect(output.data).toBeAllclose(expected, { rtol: 1e-4, atol: 1e-5 });

  const weights = randomArray(output.size, new Generator(99));
  for (const parameter of module.parameters()) parameter.grad = null;
  sum(mul(output, tensor(weights, output.shape))).backward();
  const objective = (x: Vector, p: Vector) => {
    const y = reference(x, p);
    let total = 0;
    for (let i = 0; i < y.length; i++) total += y[i] * weights[i];
    return total;
  };
  expect(leaf.grad!.data).toBeAllclose(
    gradient((x) => objective(x, p64), x64),
    { rtol, atol },
  );
  const parameterGradient = gradient((p) => objective(x64, p), p64);
  let offset = 0;
  for (const parameter of module.parameters()) {
    const slice = parameterGradient.subarray(offset, offset + parameter.size);
    expect(parameter.grad!.data).toBeAllclose(slice, { rtol, atol });
    offset += parameter.size;
  }

  if (options.skipHessian) return;
  const curvature = randomArray(output.size, new Generator(7), 0, 2);
  const { inputCurvature, parameterCurvatures } = tapeCurvature(module, input, curvature);
  expect(inputCurvature).toBeAllclose(
    gaussNewtonDiagonal(
      jacobian((x) => reference(x, p64), x64),
      curvature,
    ),
    { rtol, atol },
  );
  const parameterCurvature = gaussNewtonDiagonal(
    jacobian((p) => reference(x64, p), p64),
    curvature,
  );
  offset = 0;
  for (const parameter of module.parameters()) {
    const slice = parameterCurvature.subarray(offset, offset + parameter.size);
    expect(parameterCurvatures.get(parameter)).toBeAllclose(slice, {
      rtol,
      atol,
    });
    offset += parameter.size;
  }
}

/**
 * The curvature `backwardCurvature` gives the input and the parameters of `module` when the
 * output's curvature is `outputCurvature` (D) and its gradient zero: the loss
 * sum(D y^2 / 2) - sum(y * detach(D y)) has h = D (its square's own term) and g = 0 at y.
 */
export function tapeCurvature(
  module: Module,
  input: Tensor,
  outputCurvature: Float32Array,
): { inputCurvature: Float32Array; parameterCurvatures: Map<Tensor, Float32Array> } {
  const leaf = tensor(input.data, input.shape, { requiresGrad: true });
  for (const parameter of module.parameters()) parameter.curvature = null;
  const output = module.forward(leaf);
  const d = tensor(outputCurvature, output.shape);
  const loss = sub(
    sum(mul(square(output), mul(d, 0.5))),
    sum(mul(output, mul(output, d).detach())),
  );
  loss.backwardCurvature();
  const parameterCurvatures = new Map(
    module
      .parameters()
      .map((parameter) => [
        parameter,
        parameter.curvature ? parameter.curvature.data.slice() : new Float32Array(parameter.size),
      ]),
  );
  for (const parameter of module.parameters()) parameter.curvature = null;
  return { inputCurvature: leaf.curvature!.data.slice(), parameterCurvatures };
}

/**
 * Per pattern (reduction 'sum'): the loss's diagonal second derivatives with respect to its
 * input, from `backwardCurvature` on the loss's ops, and its gradient, from `backward`.
 */
export function tapeLossCurvature(
  spec: LossSpec,
  output: Tensor,
  labels: Tensor<'int32'> | Tensor,
): { curvature: Float32Array; gradient: Float32Array } {
  const leaf = tensor(output.data, output.shape, { requiresGrad: true });
  const loss = computeLoss(spec, leaf, labels, { reduction: 'sum' });
  loss.backwardCurvature({ retainGraph: true });
  loss.backward();
  return { curvature: leaf.curvature!.data.slice(), gradient: leaf.grad!.data.slice() };
}
