import { computeLoss, estimateDiagHessian, type LossSpec, type Module } from '@lenet/nn-layers';
import type { Tensor } from '@lenet/tensor';
import type { PredictionRule } from './metrics.js';
import type { CurvatureEstimator, LossFunction, TrainableModel } from './model.js';

/** A loss as a function, or by `@lenet/nn-layers` name ('cross-entropy', 'rbf-map', ...). */
export type LossOption = LossFunction | LossSpec;

/** What a loss option means for the loop: the function and how to read outputs. */
export interface ResolvedLoss {
  readonly compute: LossFunction;
  /** From the loss name: RBF losses read outputs as penalties; null for a bare function. */
  readonly prediction: PredictionRule | null;
}

export function resolveLoss(loss: LossOption): ResolvedLoss {
  if (typeof loss === 'function') return { compute: loss, prediction: null };
  const name = typeof loss === 'string' ? loss : loss?.name;
  if (typeof name !== 'string') {
    throw new TypeError(
      "loss must be a function (output, labels) => scalar tensor or a loss name such as 'cross-entropy' or { name: 'rbf-map', j }",
    );
  }
  // Checks the name now (computeLoss names the valid ones) rather than at the first batch.
  const compute: LossFunction = (output, labels) => computeLoss(loss, output, labels);
  return {
    compute,
    prediction: predictionRuleFor(loss),
  };
}

/** RBF outputs are penalties (smallest wins); every other loss reads the largest score. */
export function predictionRuleFor(loss: LossSpec): PredictionRule {
  const name = typeof loss === 'string' ? loss : loss.name;
  return name === 'rbf-map' || name === 'rbf-mse' ? 'argmin' : 'argmax';
}

/**
 * SDLM's curvature from `@lenet/nn-layers`' Gauss-Newton pass (the paper's eqs. 22-27): the
 * per-parameter d2E/dw2 averaged over the batch. The model must be an nn-layers `Module`.
 */
export function gaussNewtonCurvature(loss: LossSpec): CurvatureEstimator {
  return (model: TrainableModel, images: Tensor, labels: Tensor<'int32'>) => {
    const values = estimateDiagHessian(model as unknown as Module, { input: images, labels }, loss);
    const parameters = model.parameters();
    return new Map(parameters.map((parameter, index) => [parameter, values[index]]));
  };
}
