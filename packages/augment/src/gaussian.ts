/**
 * Separable Gaussian smoothing of displacement fields with zero padding outside the field, the
 * same as `scipy.ndimage.gaussian_filter(field, sigma, mode='constant', cval=0,
 * truncate=truncate)`, the filter most reproductions of Simard et al. (2003) use.
 *
 * Speed: along one axis of length n, zero-padded smoothing is a matrix K (n x n) with
 * K[i][j] = w[j - i]. K is centrosymmetric (K[n-1-i][n-1-j] = K[i][j]), so splitting each
 * input line into its symmetric and antisymmetric halves turns one n x n product into two
 * (n/2) x (n/2) products: half the multiply-adds, with the same result up to rounding.
 */

/**
 * Weights of a Gaussian of standard deviation `sigma` at offsets -radius..radius, radius =
 * round(truncate * sigma) (as scipy), normalised to sum 1. Sigma 0 gives the identity [1].
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new RangeError(`gaussianKernel: sigma must be a finite number >= 0, got ${sigma}`);
  }
  if (!Number.isFinite(truncate) || truncate <= 0) {
    throw new RangeError(`gaussianKernel: truncate must be a finite number > 0, got ${truncate}`);
  }
  const radius = Math.floor(truncate * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    weights[0] = 1;
    return weights;
  }
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const weight = Math.exp((-0.5 * k * k) / (sigma * sigma));
    weights[k + radius] = weight;
    sum += weight;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/**
 * Zero-padded smoothing along an axis of length n, split into its symmetric part (acting on
 * u[j] + u[n-1-j]) and antisymmetric part (acting on u[j] - u[n-1-j]).
 */
class AxisOperator {
  /** n / 2 rounded down: the number of mirrored pairs. */
  readonly pairs: number;
  /** pairs + 1 when n is odd (the middle element joins the symmetric part). */
  readonly symmetricSize: number;
  /** symmetricSize x symmetricSize, row-major. */
  readonly symmetric: Float64Array;
  /** pairs x pairs, row-major. */
  readonly antisymmetric: Float64Array;

  constructor(
    readonly length: number,
    kernel: Float64Array,
  ) {
    const radius = (kernel.length - 1) / 2;
    const weight = (i: number, j: number) =>
      Math.abs(j - i) <= radius ? kernel[j - i + radius] : 0;
    const pairs = Math.floor(length / 2);
    const symmetricSize = pairs + (length % 2);
    this.pairs = pairs;
    this.symmetricSize = symmetricSize;
    this.symmetric = new Float64Array(symmetricSize * symmetricSize);
    this.antisymmetric = new Float64Array(pairs * pairs);
    for (let i = 0; i < symmetricSize; i++) {
      for (let j = 0; j < pairs; j++) {
        const near = weight(i, j);
        const far = weight(i, length - 1 - j);
        this.symmetric[i * symmetricSize + j] = (near + far) / 2;
        if (i < pairs) this.antisymmetric[i * pairs + j] = (near - far) / 2;
      }
      if (symmetricSize > pairs) this.symmetric[i * symmetricSize + pairs] = weight(i, pairs);
    }
  }
}

/** Smooths height x width fields; keeps its operators and scratch rows between calls. */
export class GaussianSmoother {
  readonly kernel: Float64Array;
  readonly radius: number;
  private alongY: AxisOperator | undefined;
  private alongX: AxisOperator | undefined;
  /** Along y: symmetric rows, antisymmetric rows, then the y-smoothed field. */
  private symmetricRows = new Float64Array(0);
  private antisymmetricRows = new Float64Array(0);
  private smoothedY = new Float64Array(0);
  /** Along x: one line's symmetric and antisymmetric halves. */
  private symmetricLine = new Float64Array(0);
  private antisymmetricLine = new Float64Array(0);

  constructor(sigma: number, truncate = 4) {
    this.kernel = gaussianKernel(sigma, truncate);
    this.radius = (this.kernel.length - 1) / 2;
  }

  /**
   * `out = scale * (kernel along y, then along x) of field`, both height x width row-major.
   * `out` may be `field` itself.
   */
  smooth(field: Float64Array, height: number, width: number, out: Float64Array, scale = 1): void {
    const size = height * width;
    if (field.length < size || out.length < size) {
      throw new RangeError(
        `GaussianSmoother.smooth: fields must hold ${height} x ${width} values, got ${field.length} and ${out.length}`,
      );
    }
    this.prepare(height, width);
    this.smoothColumns(field, height, width);
    this.smoothRows(height, width, out, scale);
  }

  private prepare(height: number, width: number): void {
    if (this.alongY?.length !== height) this.alongY = new AxisOperator(height, this.kernel);
    if (this.alongX?.length !== width) this.alongX = new AxisOperator(width, this.kernel);
    const y = this.alongY;
    const x = this.alongX;
    if (this.smoothedY.length !== height * width) {
      this.symmetricRows = new Float64Array(y.symmetricSize * width);
      this.antisymmetricRows = new Float64Array(y.pairs * width);
      this.smoothedY = new Float64Array(height * width);
    }
    if (this.symmetricLine.length !== x.symmetricSize) {
      this.symmetricLine = new Float64Array(x.symmetricSize);
      this.antisymmetricLine = new Float64Array(x.pairs);
    }
  }

  /** smoothedY = K_y * field, whole rows at a time (contiguous multiply-adds). */
  private smoothColumns(field: Float64Array, height: number, width: number): void {
    const operator = this.alongY!;
    const { pairs, symmetricSize, symmetric, antisymmetric } = operator;
    const sums = this.symmetricRows;
    const differences = this.antisymmetricRows;
    const result = this.smoothedY;
    for (let j = 0; j < pairs; j++) {
      const near = j * width;
      const far = (height - 1 - j) * width;
      for (let x = 0; x < width; x++) {
        sums[near + x] = field[near + x] + field[far + x];
        differences[near + x] = field[near + x] - field[far + x];
      }
    }
    if (symmetricSize > pairs) {
      const middle = pairs * width;
      for (let x = 0; x < width; x++) sums[middle + x] = field[middle + x];
    }
    for (let i = 0; i < symmetricSize; i++) {
      const near = i * width;
      const far = (height - 1 - i) * width;
      // near row = S*sums + A*differences; its mirror = S*sums - A*differences.
      for (let x = 0; x < width; x++) {
        result[near + x] = 0;
        result[far + x] = 0;
      }
      for (let j = 0; j < symmetricSize; j++) {
        const weight = symmetric[i * symmetricSize + j];
        if (weight === 0) continue;
        const source = j * width;
        for (let x = 0; x < width; x++) result[near + x] += weight * sums[source + x];
      }
      if (i >= pairs) continue; // the middle row of an odd height has no antisymmetric part
      for (let x = 0; x < width; x++) result[far + x] = result[near + x];
      for (let j = 0; j < pairs; j++) {
        const weight = antisymmetric[i * pairs + j];
        if (weight === 0) continue;
        const source = j * width;
        for (let x = 0; x < width; x++) {
          const term = weight * differences[source + x];
          result[near + x] += term;
          result[far + x] -= term;
        }
      }
    }
  }

  /** out = scale * smoothedY * K_x^T, one row at a time. */
  private smoothRows(height: number, width: number, out: Float64Array, scale: number): void {
    const operator = this.alongX!;
    const { pairs, symmetricSize, symmetric, antisymmetric } = operator;
    const sums = this.symmetricLine;
    const differences = this.antisymmetricLine;
    const input = this.smoothedY;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let j = 0; j < pairs; j++) {
        const near = input[row + j];
        const far = input[row + width - 1 - j];
        sums[j] = near + far;
        differences[j] = near - far;
      }
      if (symmetricSize > pairs) sums[pairs] = input[row + pairs];
      for (let i = 0; i < symmetricSize; i++) {
        let symmetricPart = 0;
        const symmetricRow = i * symmetricSize;
        for (let j = 0; j < symmetricSize; j++)
          symmetricPart += symmetric[symmetricRow + j] * sums[j];
        if (i >= pairs) {
          out[row + i] = scale * symmetricPart;
          continue;
        }
        let antisymmetricPart = 0;
        const antisymmetricRow = i * pairs;
        for (let j = 0; j < pairs; j++) {
          antisymmetricPart += antisymmetric[antisymmetricRow + j] * differences[j];
        }
        out[row + i] = scale * (symmetricPart + antisymmetricPart);
        out[row + width - 1 - i] = scale * (symmetricPart - antisymmetricPart);
      }
    }
  }
}
