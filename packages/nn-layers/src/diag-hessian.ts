/**
 * The Gauss-Newton diagonal-Hessian pass of LeCun et al. 1998 (section II-B eqs. 22-27 and
 * appendix C), which the stochastic diagonal Levenberg-Marquardt optimizer (SDLM) uses to give
 * every parameter its own step size eta / (mu + h_kk).
 *
 * For one pattern it starts from the loss's curvature with respect to the network output and
 * walks the layers backward like back-propagation, but
 * - through a weight w it carries w^2 instead of w (eq. 27), summing over every connection,
 * - through an activation it multiplies by f'(a)^2 and drops the f''(a) * dE/dx term (eq. 27),
 *   so no estimate is ever negative,
 * - every parameter receives sum over its connections of d2E/da_i^2 * x_j^2 (eqs. 23, 25), with
 *   x_j = 1 for biases,
 * and off-diagonal terms are ignored everywhere (each layer treats the curvature of its output
 * as diagonal). Estimates are averaged over the patterns given (eq. 24; the paper used 500).
 */
import { add, enableGrad, mul, noGrad, type Tensor } from '@lenet/tensor';
import { computeLoss, type LossSpec } from './losses.js';
import type { Module } from './module.js';

/** One batch for the estimate: inputs and integer class labels (or float targets for mse). */
export interface HessianBatch {
  readonly input: Tensor;
  readonly labels: Tensor<'int32'> | Tensor;
}

/**
 * Averages the per-pattern Gauss-Newton estimates of d2E/dw^2 over every sample of `batches`
 * (one batch or several) and returns one Float32Array per parameter, in `model.parameters()`
 * order. Each batch runs forward on the tape (grad recording on, even inside `noGrad`), takes
 * the mean loss and runs `backwardCurvature()`, whose per-op rules give each parameter the
 * batch mean of its per-pattern estimates; batches are weighted by their size. Does not touch
 * `.grad`, and leaves each parameter's `.curvature` as it found it. The model's current mode
 * is used (call `eval()` first if it has dropout).
 */
export function estimateDiagHessian(
  model: Module,
  batches: HessianBatch | Iterable<HessianBatch>,
  loss: LossSpec,
): Float32Array[] {
  const parameters = model.parameters();
  const previous = parameters.map((parameter) => parameter.curvature);
  let totals: (Tensor | null)[] = parameters.map(() => null);
  let samples = 0;
  const list = Symbol.iterator in batches ? batches : [batches];
  try {
    for (const { input, labels } of list as Iterable<HessianBatch>) {
      for (const parameter of parameters) parameter.curvature = null;
      enableGrad(() => computeLoss(loss, model.forward(input), labels)).backwardCurvature();
      const count = input.shape[0];
      totals = noGrad(() =>
        parameters.map((parameter, index) => {
          const curvature = parameter.curvature;
          if (!curvature) return totals[index]; // not reached by the loss (frozen or unused)
          const weighted = mul(curvature, count);
          const total = totals[index];
          return total ? add(total, weighted) : weighted;
        }),
      );
      samples += count;
    }
  } finally {
    parameters.forEach((parameter, index) => {
      parameter.curvature = previous[index];
    });
  }
  if (samples === 0) throw new RangeError('estimateDiagHessian: got no samples');
  return parameters.map((parameter, index) => {
    const total = totals[index];
    if (!total) return new Float32Array(parameter.size);
    return Float32Array.from(noGrad(() => mul(total, 1 / samples)).data);
  });
}
