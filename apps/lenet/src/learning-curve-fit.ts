export interface LearningCurvePoint {
  /** Training-set size P. */
  readonly size: number;
  /** Error rates as fractions in [0, 1]. */
  readonly trainError: number;
  readonly testError: number;
}

export interface LearningCurveFit {
  /** E_test - E_train ~= k * (1/P)^alpha, errors as fractions (h folded into k). */
  readonly k: number;
  readonly alpha: number;
  /** Points with a positive gap, the only ones the log-log fit can use. */
  readonly pointsUsed: number;
  /** Coefficient of determination of the line in log-log space. */
  readonly rSquared: number;
}

/**
 * Least-squares line through (log(1/P), log(E_test - E_train)) (LeCun et al. 1998, eq. 1 with
 * h fixed by the model): slope alpha, intercept log k. Needs two points with a positive gap.
 */
export function fitLearningCurve(points: readonly LearningCurvePoint[]): LearningCurveFit {
  const usable = points.filter((point) => point.testError - point.trainError > 0 && point.size > 0);
  if (usable.length < 2) {
    throw new RangeError(
      `fitting E_test - E_train = k (1/P)^alpha needs at least 2 sizes with E_test > E_train, got ${usable.length}`,
    );
  }
  const xs = usable.map((point) => Math.log(1 / point.size));
  const ys = usable.map((point) => Math.log(point.testError - point.trainError));
  const meanX = mean(xs);
  const meanY = mean(ys);
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < xs.length; i++) {
    covariance += (xs[i] - meanX) * (ys[i] - meanY);
    varianceX += (xs[i] - meanX) ** 2;
    varianceY += (ys[i] - meanY) ** 2;
  }
  if (varianceX === 0)
    throw new RangeError('fitting a learning curve needs at least 2 different sizes');
  const alpha = covariance / varianceX;
  const logK = meanY - alpha * meanX;
  const rSquared = varianceY === 0 ? 1 : (covariance * covariance) / (varianceX * varianceY);
  return { k: Math.exp(logK), alpha, pointsUsed: usable.length, rSquared };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
