// The losses a fused step knows, as value + gradient with respect to the last layer's output
// (mean over the rows), matching `@lenet/nn-layers`' definitions.
import { DEFAULT_RBF_MAP_J, type LossSpec } from '@lenet/nn-layers';
import type { LossOption } from '../loss.js';

/**
 * Mean loss of `count` rows of `outputs` (row r's label is `labels[start + r]`); writes
 * d(mean loss)/d(outputs) into `gradient` when given.
 */
export type FusedLoss = (
  outputs: Float32Array,
  labels: Int32Array,
  start: number,
  count: number,
  classes: number,
  gradient: Float32Array | null,
) => number;

/** -log softmax(output)[label]. */
const crossEntropy: FusedLoss = (outputs, labels, start, count, classes, gradient) => {
  let loss = 0;
  for (let row = 0; row < count; row++) {
    const label = checkLabel(labels[start + row], start + row, classes);
    const offset = row * classes;
    let maximum = -Infinity;
    for (let k = 0; k < classes; k++) maximum = Math.max(maximum, outputs[offset + k]);
    let total = 0;
    for (let k = 0; k < classes; k++) total += Math.exp(outputs[offset + k] - maximum);
    const logTotal = Math.log(total) + maximum;
    loss += logTotal - outputs[offset + label];
    if (gradient) {
      for (let k = 0; k < classes; k++) {
        const probability = Math.exp(outputs[offset + k] - logTotal);
        gradient[offset + k] = (probability - (k === label ? 1 : 0)) / count;
      }
    }
  }
  return loss / count;
};

/** The paper's eq. 9: y_label + log(e^-j + sum_i e^-y_i), with outputs as penalties. */
function rbfMap(j: number): FusedLoss {
  return (outputs, labels, start, count, classes, gradient) => {
    let loss = 0;
    for (let row = 0; row < count; row++) {
      const label = checkLabel(labels[start + row], start + row, classes);
      const offset = row * classes;
      let shift = j;
      for (let k = 0; k < classes; k++) shift = Math.min(shift, outputs[offset + k]);
      let total = Math.exp(-(j - shift));
      for (let k = 0; k < classes; k++) total += Math.exp(-(outputs[offset + k] - shift));
      loss += outputs[offset + label] + Math.log(total) - shift;
      if (gradient) {
        for (let k = 0; k < classes; k++) {
          const share = Math.exp(-(outputs[offset + k] - shift)) / total;
          gradient[offset + k] = ((k === label ? 1 : 0) - share) / count;
        }
      }
    }
    return loss / count;
  };
}

/** The paper's eq. 8: the correct class's penalty. */
const rbfMse: FusedLoss = (outputs, labels, start, count, classes, gradient) => {
  let loss = 0;
  for (let row = 0; row < count; row++) {
    const label = checkLabel(labels[start + row], start + row, classes);
    loss += outputs[row * classes + label];
    if (gradient) {
      for (let k = 0; k < classes; k++) {
        gradient[row * classes + k] = k === label ? 1 / count : 0;
      }
    }
  }
  return loss / count;
};

/** The fused form of a loss option, or null for a function or another loss. */
export function fusedLoss(loss: LossOption): FusedLoss | null {
  if (typeof loss === 'function') return null;
  const spec = loss as LossSpec;
  const name = typeof spec === 'string' ? spec : spec?.name;
  if (name === 'cross-entropy') return crossEntropy;
  if (name === 'rbf-mse') return rbfMse;
  if (name === 'rbf-map') {
    return rbfMap(typeof spec === 'object' && spec.j !== undefined ? spec.j : DEFAULT_RBF_MAP_J);
  }
  return null;
}

function checkLabel(label: number, row: number, classCount: number): number {
  if (!(Number.isInteger(label) && label >= 0 && label < classCount)) {
    throw new RangeError(
      `loss: label of row ${row} is ${label}, expected an integer in [0, ${classCount})`,
    );
  }
  return label;
}
