/**
 * The execution plan's loss curvature (it goes with the plan, src/plan/): per pattern, a
 * loss's second derivatives with respect to the network output and its gradient (both not
 * divided by the batch size), as the ops of losses.ts give them to `backwardCurvature`
 * (loss-curvature.test.ts checks that). Writes into the caller's arrays, allocates nothing.
 */
import type { LossName } from './losses.js';

/** A loss with its MAP constant resolved (j matters for rbf-map only). */
export interface CurvatureLoss {
  readonly name: LossName;
  readonly j: number;
}

/** Throws unless `label`, the label of sample `index`, is a class in [0, classes). */
export function checkLabel(op: string, label: number, classes: number, index: number): void {
  if (!(label >= 0 && label < classes && Number.isInteger(label))) {
    throw new RangeError(`${op}: label ${label} of sample ${index} is outside [0, ${classes})`);
  }
}

/**
 * The losses of an integer label (nll, rbf-mse, cross-entropy, rbf-map) on rows [0, count) of
 * `output` [count, classes], labels from `labels[labelOffset]`: d2E/d(output)^2 into
 * `curvature` and dE/d(output) into `gradient`, same layout. The exact diagonal for these
 * losses, and never negative.
 */
export function writeLabelLossCurvature(
  loss: CurvatureLoss,
  output: Float32Array,
  labels: Int32Array,
  labelOffset: number,
  count: number,
  classes: number,
  curvature: Float32Array,
  gradient: Float32Array,
): void {
  const name = loss.name;
  if (name === 'mse') {
    throw new RangeError('writeLabelLossCurvature: mse takes float targets (writeMseCurvature)');
  }
  for (let n = 0; n < count; n++) {
    const row = n * classes;
    const label = labels[labelOffset + n];
    checkLabel('loss curvature', label, classes, labelOffset + n);
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
      // d/dz_i of -log p_label = p_i - [i = label]; for y = -z the sign flips.
      gradient[row + i] = sign * (p - (i === label ? 1 : 0));
    }
  }
}
