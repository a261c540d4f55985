// Test support (not part of the package): float64 re-implementations of the layers and losses,
// and central finite differences, to check the float32 layers, their gradients and the
// Gauss-Newton pass against an independent oracle.

export type Vector = Float64Array;

export function activate(name: string, a: number): number {
  switch (name) {
    case 'identity':
      return a;
    case 'relu':
      return Math.max(a, 0);
    case 'tanh':
      return Math.tanh(a);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-a));
    case 'scaledTanh':
      return 1.7159 * Math.tanh((2 / 3) * a);
    default:
      throw new Error(`unknown activation ${name}`);
  }
}

/** y [n, out] = f(x [n, in] W^T + b). */
export function linear64(
  x: Vector,
  batch: number,
  weight: Vector,
  bias: Vector | null,
  outFeatures: number,
  activation = 'identity',
): Vector {
  const inFeatures = x.length / batch;
  const y = new Float64Array(batch * outFeatures);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outFeatures; o++) {
      let a = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) a += x[n * inFeatures + i] * weight[o * inFeatures + i];
      y[n * outFeatures + o] = activate(activation, a);
    }
  }
  return y;
}

export interface Conv64Geometry {
  batch: number;
  inChannels: number;
  height: number;
  width: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  connection?: Uint8Array | null;
}

export function conv2d64(
  x: Vector,
  weight: Vector,
  bias: Vector | null,
  g: Conv64Geometry,
  activation = 'identity',
): Vector {
  const outH = Math.floor((g.height + 2 * g.padding - g.kernel) / g.stride) + 1;
  const outW = Math.floor((g.width + 2 * g.padding - g.kernel) / g.stride) + 1;
  const y = new Float64Array(g.batch * g.outChannels * outH * outW);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          let a = bias ? bias[o] : 0;
          for (let c = 0; c < g.inChannels; c++) {
            if (g.connection && !g.connection[o * g.inChannels + c]) continue;
            for (let kh = 0; kh < g.kernel; kh++) {
              for (let kw = 0; kw < g.kernel; kw++) {
                const ih = oh * g.stride - g.padding + kh;
                const iw = ow * g.stride - g.padding + kw;
                if (ih < 0 || iw < 0 || ih >= g.height || iw >= g.width) continue;
                a +=
                  x[((n * g.inChannels + c) * g.height + ih) * g.width + iw] *
                  weight[((o * g.inChannels + c) * g.kernel + kh) * g.kernel + kw];
              }
            }
          }
          y[((n * g.outChannels + o) * outH + oh) * outW + ow] = activate(activation, a);
        }
      }
    }
  }
  return y;
}

/** Pooling over [planes, h, w] with k x k windows, stride k. */
export function pool64(
  x: Vector,
  planes: number,
  h: number,
  w: number,
  k: number,
  mode: 'sum' | 'avg' | 'max',
): Vector {
  const oh = Math.floor(h / k);
  const ow = Math.floor(w / k);
  const y = new Float64Array(planes * oh * ow);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let value = mode === 'max' ? Number.NEGATIVE_INFINITY : 0;
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            const v = x[(p * h + i * k + a) * w + j * k + b];
            value = mode === 'max' ? Math.max(value, v) : value + v;
          }
        }
        y[(p * oh + i) * ow + j] = mode === 'avg' ? value / (k * k) : value;
      }
    }
  }
  return y;
}

/** The paper's S-layer: f(coefficient[m] * windowSum + bias[m]), output map m reads input map floor(m / multiplier). */
export function subsampling64(
  x: Vector,
  batch: number,
  channels: number,
  h: number,
  w: number,
  coefficient: Vector,
  bias: Vector,
  k: number,
  multiplier: number,
  activation: string,
): Vector {
  const sums = pool64(x, batch * channels, h, w, k, 'sum');
  const inner = Math.floor(h / k) * Math.floor(w / k);
  const outChannels = channels * multiplier;
  const y = new Float64Array(batch * outChannels * inner);
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const c = Math.floor(m / multiplier);
      for (let i = 0; i < inner; i++) {
        y[(n * outChannels + m) * inner + i] = activate(
          activation,
          coefficient[m] * sums[(n * channels + c) * inner + i] + bias[m],
        );
      }
    }
  }
  return y;
}

/** y [n, classes] = squared distances of x [n, features] to each centre. */
export function rbf64(x: Vector, batch: number, centers: Vector, classes: number): Vector {
  const features = x.length / batch;
  const y = new Float64Array(batch * classes);
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < classes; i++) {
      let total = 0;
      for (let j = 0; j < features; j++)
        total += (x[n * features + j] - centers[i * features + j]) ** 2;
      y[n * classes + i] = total;
    }
  }
  return y;
}

/** Per-sample losses of a [batch, classes] output. */
export function crossEntropy64(z: Vector, labels: ArrayLike<number>, classes: number): Vector {
  const batch = labels.length;
  const out = new Float64Array(batch);
  for (let n = 0; n < batch; n++) {
    let maximum = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < classes; i++) maximum = Math.max(maximum, z[n * classes + i]);
    let total = 0;
    for (let i = 0; i < classes; i++) total += Math.exp(z[n * classes + i] - maximum);
    out[n] = -(z[n * classes + labels[n]] - maximum - Math.log(total));
  }
  return out;
}

export function rbfMap64(y: Vector, labels: ArrayLike<number>, classes: number, j: number): Vector {
  const batch = labels.length;
  const out = new Float64Array(batch);
  for (let n = 0; n < batch; n++) {
    let total = Math.exp(-j);
    for (let i = 0; i < classes; i++) total += Math.exp(-y[n * classes + i]);
    out[n] = y[n * classes + labels[n]] + Math.log(total);
  }
  return out;
}

/** Jacobian [outputs x inputs] of f at x by central differences in float64. */
export function jacobian(f: (x: Vector) => Vector, x: Vector, step = 1e-5): Float64Array[] {
  const base = f(x);
  const rows = Array.from({ length: base.length }, () => new Float64Array(x.length));
  const probe = x.slice();
  for (let k = 0; k < x.length; k++) {
    probe[k] = x[k] + step;
    const plus = f(probe);
    probe[k] = x[k] - step;
    const minus = f(probe);
    probe[k] = x[k];
    for (let i = 0; i < base.length; i++) rows[i][k] = (plus[i] - minus[i]) / (2 * step);
  }
  return rows;
}

/** Gradient of a scalar function by central differences in float64. */
export function gradient(f: (x: Vector) => number, x: Vector, step = 1e-5): Float64Array {
  return jacobian((v) => Float64Array.of(f(v)), x, step)[0];
}

/** Second derivative d2f/dx_k^2 for every k (central differences). */
export function secondDerivatives(f: (x: Vector) => number, x: Vector, step = 1e-4): Float64Array {
  const out = new Float64Array(x.length);
  const probe = x.slice();
  const center = f(x);
  for (let k = 0; k < x.length; k++) {
    probe[k] = x[k] + step;
    const plus = f(probe);
    probe[k] = x[k] - step;
    const minus = f(probe);
    probe[k] = x[k];
    out[k] = (plus - 2 * center + minus) / (step * step);
  }
  return out;
}

/** sum_i J[i][k]^2 * curvature[i] for every column k: the Gauss-Newton diagonal for a diagonal curvature. */
export function gaussNewtonDiagonal(
  rows: Float64Array[],
  curvature: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(rows[0]?.length ?? 0);
  rows.forEach((row, i) => {
    for (let k = 0; k < row.length; k++) out[k] += row[k] * row[k] * curvature[i];
  });
  return out;
}

/** diag(J^T H J) for a full (symmetric) curvature matrix H [outputs x outputs]. */
export function gaussNewtonDiagonalFull(
  rows: Float64Array[],
  hessian: Float64Array[],
): Float64Array {
  const out = new Float64Array(rows[0]?.length ?? 0);
  for (let i = 0; i < rows.length; i++) {
    for (let l = 0; l < rows.length; l++) {
      const h = hessian[i][l];
      if (h === 0) continue;
      for (let k = 0; k < out.length; k++) out[k] += rows[i][k] * h * rows[l][k];
    }
  }
  return out;
}

export function toFloat64(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values);
}
