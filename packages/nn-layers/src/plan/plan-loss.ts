/**
 * The losses a plan computes itself, on the output rows of a batch: value and gradient for
 * training (the mean over the batch, as `computeLoss`), and the per-pattern curvature and
 * gradient that start the Gauss-Newton pass (the rule of loss-curvature.ts). Ten classes per
 * row: loops.
 */
import { checkLabel } from '../loss-curvature.js';
import { DEFAULT_RBF_MAP_J, type LossName, type LossSpec } from '../losses.js';

/** Losses of integer labels that a plan supports (`mse` takes float targets: tape only). */
export const PLAN_LOSSES: readonly LossName[] = ['cross-entropy', 'nll', 'rbf-mse', 'rbf-map'];

export interface PlanLoss {
  readonly name: LossName;
  /** The MAP criterion's constant j (rbf-map only). */
  readonly j: number;
}

/** The loss named by `spec`, or a reason why a plan cannot compute it. */
export function resolvePlanLoss(spec: LossSpec): PlanLoss | string {
  const name = typeof spec === 'string' ? spec : spec?.name;
  if (!PLAN_LOSSES.includes(name)) {
    return `loss ${JSON.stringify(name)} is not one a plan computes (${PLAN_LOSSES.join(', ')})`;
  }
  const j = typeof spec === 'object' && spec.j !== undefined ? spec.j : DEFAULT_RBF_MAP_J;
  if (!Number.isFinite(j)) return `rbf-map: j must be finite, got ${j}`;
  return { name, j };
}

/**
 * Writes dLoss/d(output) / `count` (the gradient of the batch mean) into `gradient` and returns
 * the sum of the per-sample losses over rows [0, count) of `output` [count, classes].
 */
export function lossForward(
  loss: PlanLoss,
  output: Float32Array,
  labels: Int32Array,
  labelOffset: number,
  count: number,
  classes: number,
  gradient: Float32Array,
): number {
  let total = 0;
  const scale = 1 / count;
  for (let n = 0; n < count; n++) {
    const row = n * classes;
    const label = labels[labelOffset + n];
    checkLabel('plan loss', label, classes, labelOffset + n);
    for (let i = 0; i < classes; i++) gradient[row + i] = 0;
    switch (loss.name) {
      case 'nll':
        total -= output[row + label];
        gradient[row + label] = -scale;
        break;
      case 'rbf-mse':
        total += output[row + label];
        gradient[row + label] = scale;
        break;
      case 'cross-entropy': {
        // -log softmax(z)[label] = log sum_i e^(z_i - max) + max - z_label
        let maximum = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < classes; i++) maximum = Math.max(maximum, output[row + i]);
        let sum = 0;
        for (let i = 0; i < classes; i++) sum += Math.exp(output[row + i] - maximum);
        total += Math.log(sum) + maximum - output[row + label];
        for (let i = 0; i < classes; i++) {
          const probability = Math.exp(output[row + i] - maximum) / sum;
          gradient[row + i] = (probability - (i === label ? 1 : 0)) * scale;
        }
        break;
      }
      case 'rbf-map': {
        // Eq. 9: y_label + log(e^-j + sum_i e^-y_i), shifted by m = min(j, min_i y_i).
        let shift = loss.j;
        for (let i = 0; i < classes; i++) shift = Math.min(shift, output[row + i]);
        let sum = Math.exp(-(loss.j - shift));
        for (let i = 0; i < classes; i++) sum += Math.exp(-(output[row + i] - shift));
        total += output[row + label] + Math.log(sum) - shift;
        for (let i = 0; i < classes; i++) {
          const share = Math.exp(-(output[row + i] - shift)) / sum;
          gradient[row + i] = ((i === label ? 1 : 0) - share) * scale;
        }
        break;
      }
      default:
        throw new RangeError(`plan loss: unsupported loss ${loss.name}`);
    }
  }
  return total;
}

/**
 * Per pattern (not divided by `count`): d2E/d(output)^2 into `curvature` and dE/d(output)
 * into `gradient`, by the same rule as `lossCurvature` in losses.ts.
 */
export { writeLabelLossCurvature as lossCurvature } from '../loss-curvature.js';
