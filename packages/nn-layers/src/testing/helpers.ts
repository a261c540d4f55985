// Test support (not part of the package): running a layer with autograd and checking its
// gradients and its Gauss-Newton pass against the float64 oracle.
import { Generator, mul, noGrad, sum, type Tensor, tensor } from '@lenet/tensor';
import { expect } from 'vitest';
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
 * 3. the Gauss-Newton pass against the brute-force diag(J^T D J) with the float64 Jacobians,
 *    for a random non-negative diagonal output curvature D.
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
  const accumulated = new Map<Tensor, Float32Array>();
  const inputCurvature = noGrad(() =>
    module.diagHessianBackward({
      input,
      output: noGrad(() => module.forward(input)),
      outputCurvature: curvature,
      outputGradient: null,
      accumulate: (parameter, values) => {
        const sumSoFar = accumulated.get(parameter) ?? new Float32Array(parameter.size);
        for (let i = 0; i < values.length; i++) sumSoFar[i] += values[i];
        accumulated.set(parameter, sumSoFar);
      },
    }),
  );
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
    expect(accumulated.get(parameter) ?? new Float32Array(parameter.size)).toBeAllclose(slice, {
      rtol,
      atol,
    });
    offset += parameter.size;
  }
}
