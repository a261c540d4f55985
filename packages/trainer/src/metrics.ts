/** What one pass of `fit` measured. Errors are percentages; times are wall-clock seconds. */
export interface EpochMetrics {
  /** 1-based pass number. */
  readonly epoch: number;
  /** Learning rate at the start of the pass. */
  readonly learningRate: number;
  /** Mean loss over the pass's training batches, weighted by batch size. */
  readonly trainLoss: number;
  /**
   * Training error measured on the fly during the pass (each sample classified by the weights
   * of the moment, as the paper's Fig. 5 does), in percent.
   */
  readonly trainError: number;
  readonly validationLoss?: number;
  readonly validationError?: number;
  readonly testLoss?: number;
  readonly testError?: number;
  /** Whole pass: training, curvature estimate and evaluation. */
  readonly seconds: number;
  /** Training part only (batches, forward, backward, update). */
  readonly trainSeconds: number;
  /** Training images per second over the training part. */
  readonly imagesPerSecond: number;
}

/** How a model's output row names its class: largest score (logits) or smallest penalty (RBF). */
export type PredictionRule = 'argmax' | 'argmin';

/** The predicted class of the row `scores[offset .. offset + classCount)`. */
export function predictClass(
  scores: Float32Array,
  offset: number,
  classCount: number,
  rule: PredictionRule,
): number {
  let best = 0;
  let bestValue = scores[offset];
  if (rule === 'argmax') {
    for (let k = 1; k < classCount; k++) {
      if (scores[offset + k] > bestValue) {
        bestValue = scores[offset + k];
        best = k;
      }
    }
  } else {
    for (let k = 1; k < classCount; k++) {
      if (scores[offset + k] < bestValue) {
        bestValue = scores[offset + k];
        best = k;
      }
    }
  }
  return best;
}

/** Counts of (true class, predicted class) pairs: `matrix[label][predicted]`. */
export class ConfusionMatrix {
  readonly classCount: number;
  /** Row-major counts, `classCount x classCount`. */
  readonly counts: Int32Array;

  constructor(classCount: number) {
    if (!Number.isInteger(classCount) || classCount < 2) {
      throw new RangeError(
        `ConfusionMatrix: classCount must be an integer >= 2, got ${classCount}`,
      );
    }
    this.classCount = classCount;
    this.counts = new Int32Array(classCount * classCount);
  }

  add(label: number, predicted: number): void {
    if (!(label >= 0 && label < this.classCount && Number.isInteger(label))) {
      throw new RangeError(
        `ConfusionMatrix.add: label ${label} is not a class index in [0, ${this.classCount})`,
      );
    }
    this.counts[label * this.classCount + predicted]++;
  }

  get total(): number {
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) total += this.counts[i];
    return total;
  }

  get errors(): number {
    let correct = 0;
    for (let k = 0; k < this.classCount; k++) correct += this.counts[k * this.classCount + k];
    return this.total - correct;
  }

  /** Error over all samples, in percent (0 for an empty matrix). */
  errorRate(): number {
    const total = this.total;
    return total === 0 ? 0 : (100 * this.errors) / total;
  }

  /** Samples per true class. */
  classCounts(): number[] {
    return this.rows().map((row) => row.reduce((sum, count) => sum + count, 0));
  }

  /** Error within each true class, in percent (0 for a class with no samples). */
  perClassError(): number[] {
    return this.rows().map((row, label) => {
      const count = row.reduce((sum, value) => sum + value, 0);
      return count === 0 ? 0 : (100 * (count - row[label])) / count;
    });
  }

  /** The matrix as nested arrays, `rows()[label][predicted]`. */
  rows(): number[][] {
    return Array.from({ length: this.classCount }, (_, label) =>
      Array.from(this.counts.subarray(label * this.classCount, (label + 1) * this.classCount)),
    );
  }
}
