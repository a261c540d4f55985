/**
 * The losses a plan computes itself, on the output rows of a batch: value and gradient for
 * training (the mean over the batch, as `computeLoss`), and the per-pattern curvature and
 * gradient that start the Gauss-Newton pass (as `lossCurvature`). Ten classes per row: loops.
 */
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

function checkLabel(label: number, classes: number, index: number): void {
  if (!(label >= 0 && label < classes && Number.isInteger(label))) {
    throw new RangeError(`plan loss: label ${label} of sample ${index} is outside [0, ${classes})`);
  }
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
    checkLabel(label, classes, labelOffset + n);
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
 * into `gradient`, exactly as `lossCurvature` in losses.ts.
 */
export function lossCurvature(
  loss: PlanLoss,
  output: Float32Array,
  labels: Int32Array,
  labelOffset: number,
  count: number,
  classes: number,
  curvature: Float32Array,
  gradient: Float32Array,
): void {
  const name = loss.name;
  for (let n = 0; n < count; n++) {
    const row = n * classes;
    const label = labels[labelOffset + n];
    checkLabel(label, classes, labelOffset + n);
    for (let i = 0; i < classes; i++) {
      curvature[row + i] = 0;
      gradient[row + i] = 0;
    }
    if (name === 'nll') {
      gradient[row + label] = -1; // linear in its input: zero curvature
      continue;
    }
    if (name === 'rbf-mse') {
      gradient[row + label] = 1; // linear in the penalties: the RBF layer supplies the curvature
      continue;
    }
    // cross-entropy: p = softmax(z); rbf-map: q = e^-y / (e^-j + sum e^-y), over "logits" -y.
    const sign = name === 'cross-entropy' ? 1 : -1;
    let maximum = name === 'rbf-map' ? -loss.j : Number.NEGATIVE_INFINITY;
    for (let i = 0; i < classes; i++) maximum = Math.max(maximum, sign * output[row + i]);
    let total = name === 'rbf-map' ? Math.exp(-loss.j - maximum) : 0;
    for (let i = 0; i < classes; i++) total += Math.exp(sign * output[row + i] - maximum);
    for (let i = 0; i < classes; i++) {
      const p = Math.exp(sign * output[row + i] - maximum) / total;
      curvature[row + i] = p * (1 - p);
      gradient[row + i] = sign * (p - (i === label ? 1 : 0));
    }
  }
}
