/**
 * Honest confidence for an RBF output. LeNet-5's penalties y_i (squared distances from F6 to
 * each class code) differ by tens on a clear digit, so softmax(-y) says "100%" for anything,
 * even a dash. Temperature scaling (Guo et al. 2017) divides the penalties by one constant T
 * fitted on held-out digits, so that a prediction shown at 90% is right about 90% of the time;
 * a separate threshold on the smallest penalty says when the input is far from every code.
 */

/** What the site ships beside a model: measured by scripts/ship-model.ts. */
export interface Calibration {
  /** Penalties are divided by this before the softmax. */
  temperature: number;
  /** Smallest squared distance to a class code above which the input is "not a digit". */
  nonDigitThreshold: number;
}

/** softmax(-penalties / temperature), computed stably. */
export function calibratedProbabilities(
  penalties: ArrayLike<number>,
  temperature: number,
): number[] {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  let minimum = Number.POSITIVE_INFINITY;
  for (let i = 0; i < penalties.length; i++) minimum = Math.min(minimum, penalties[i]);
  const exps = Array.from(penalties, (value) => Math.exp(-(value - minimum) / temperature));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/** Mean negative log-likelihood of `labels` under softmax(-penalties / temperature). */
export function meanNll(
  penalties: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  temperature: number,
): number {
  let sum = 0;
  penalties.forEach((row, n) => {
    const probability = calibratedProbabilities(row, temperature)[labels[n]];
    sum -= Math.log(Math.max(probability, 1e-300));
  });
  return sum / penalties.length;
}

/**
 * The temperature that minimizes the mean NLL of the labels: golden-section search on
 * log T over [1e-2, 1e3] (the NLL is unimodal in T for a fixed set of penalties).
 */
export function fitTemperature(
  penalties: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
): number {
  if (penalties.length === 0) throw new RangeError('fitTemperature: no samples');
  const loss = (logT: number) => meanNll(penalties, labels, Math.exp(logT));
  let low = Math.log(1e-2);
  let high = Math.log(1e3);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let lossA = loss(a);
  let lossB = loss(b);
  while (high - low > 1e-5) {
    if (lossA < lossB) {
      high = b;
      b = a;
      lossB = lossA;
      a = high - ratio * (high - low);
      lossA = loss(a);
    } else {
      low = a;
      a = b;
      lossA = lossB;
      b = low + ratio * (high - low);
      lossB = loss(b);
    }
  }
  return Math.exp((low + high) / 2);
}

export interface ReliabilityBin {
  /** Confidence range [from, to). */
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  /** Fraction of these predictions that were right. */
  accuracy: number;
}

/**
 * Predictions grouped by their confidence (the probability of the predicted class): how often
 * each group was right. `edges` are the bin boundaries, from 0 to 1.
 */
export function reliability(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  edges: readonly number[],
): { bins: ReliabilityBin[]; expectedCalibrationError: number } {
  const bins: ReliabilityBin[] = [];
  let error = 0;
  for (let b = 0; b + 1 < edges.length; b++) {
    const from = edges[b];
    const to = edges[b + 1];
    const last = b + 2 === edges.length;
    let count = 0;
    let confidenceSum = 0;
    let right = 0;
    for (let i = 0; i < confidences.length; i++) {
      const confidence = confidences[i];
      if (confidence >= from && (confidence < to || (last && confidence <= to))) {
        count++;
        confidenceSum += confidence;
        if (correct[i]) right++;
      }
    }
    const meanConfidence = count ? confidenceSum / count : Number.NaN;
    const accuracy = count ? right / count : Number.NaN;
    if (count) error += (count / confidences.length) * Math.abs(accuracy - meanConfidence);
    bins.push({ from, to, count, meanConfidence, accuracy });
  }
  return { bins, expectedCalibrationError: error };
}
