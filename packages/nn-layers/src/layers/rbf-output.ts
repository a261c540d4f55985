/**
 * LeNet-5's Euclidean RBF output layer (P98 eq. 7): one unit per class computing the squared
 * distance between the input vector and the class's centre, y_i = sum_j (x_j - w_ij)^2.
 * The output is a penalty: the predicted class is the unit with the smallest y. By default the
 * centres are the fixed +1/-1 digit drawings of `rbf-codes.ts`, held as a buffer (saved with
 * the model, not trained); `trainable: true` makes them parameters.
 */
import { reshape, square, sub, sum, type Tensor, tensor } from '@lenet/tensor';
import { type DiagHessianContext, Module } from '../module.js';
import { RBF_CODE_LENGTH, rbfDigitCodes } from '../rbf-codes.js';

export interface RBFOutputOptions {
  /** Centres [classes, features] (default: the ten 7x12 digit codes, [10, 84]). */
  centers?: Float32Array;
  classes?: number;
  features?: number;
  trainable?: boolean;
}

export class RBFOutput extends Module {
  readonly centers: Tensor;
  readonly classes: number;
  readonly features: number;
  readonly trainable: boolean;

  constructor(options: RBFOutputOptions = {}) {
    super();
    this.classes = options.classes ?? 10;
    this.features = options.features ?? RBF_CODE_LENGTH;
    const values = options.centers ?? rbfDigitCodes();
    if (values.length !== this.classes * this.features) {
      throw new RangeError(
        `RBFOutput: centers have ${values.length} values; expected classes x features = ${this.classes} x ${this.features}`,
      );
    }
    this.trainable = options.trainable ?? false;
    const centers = tensor(values, [this.classes, this.features]);
    this.centers = this.trainable
      ? this.registerParameter('centers', centers)
      : this.registerBuffer('centers', centers);
  }

  forward(input: Tensor): Tensor {
    if (input.rank !== 2 || input.shape[1] !== this.features) {
      throw new RangeError(
        `RBFOutput: got input of shape [${input.shape.join(', ')}]; expected [batch, ${this.features}]`,
      );
    }
    // sum_j (x_j - w_ij)^2 directly, [batch, 1, features] - [classes, features] broadcast:
    // |x|^2 + |w|^2 - 2 x.w cancels when x is near a code (the case training aims for).
    const differences = sub(reshape(input, [input.shape[0], 1, this.features]), this.centers);
    return sum(square(differences), 2);
  }

  /** The curvature rule of `writeRbfOutputCurvature`, on a fresh array. */
  override diagHessianBackward(context: DiagHessianContext): Float32Array {
    const { input, outputCurvature, outputGradient, accumulate } = context;
    const inputCurvature = new Float32Array(input.shape[0] * this.features);
    const centerCurvature = this.trainable ? new Float32Array(this.classes * this.features) : null;
    writeRbfOutputCurvature(
      this,
      input.data,
      input.shape[0],
      outputCurvature,
      outputGradient,
      inputCurvature,
      centerCurvature,
    );
    if (centerCurvature) accumulate(this.centers, centerCurvature);
    return inputCurvature;
  }

  protected override describe(): string {
    return `${this.features} -> ${this.classes}${this.trainable ? ', trainable' : ', fixed centres'}`;
  }
}

/**
 * The RBF layer's Gauss-Newton rule for rows [0, count) of `input` [count, features], shared by
 * the layer and its plan step (allocates nothing). dy_i/dx_j = 2 (x_j - w_ij) and
 * d2y_i/dx_j^2 = 2: the Gauss-Newton term is sum_i 4 (x_j - w_ij)^2 d2E/dy_i^2, and the unit's
 * own constant curvature 2 * sum_i dE/dy_i is kept (clamped at 0) because for the paper's eq. 8
 * criterion it is the whole curvature (d2E/dx_j^2 = 2, section 3.3 of the spec). Writes
 * `inputCurvature` [count, features] and, when given, `centerCurvature` [classes, features]
 * (summed over the rows).
 */
export function writeRbfOutputCurvature(
  layer: RBFOutput,
  input: Float32Array,
  count: number,
  outputCurvature: Float32Array,
  outputGradient: Float32Array | null,
  inputCurvature: Float32Array | null,
  centerCurvature: Float32Array | null,
): void {
  const { classes, features } = layer;
  const w = layer.centers.data;
  centerCurvature?.fill(0);
  for (let n = 0; n < count; n++) {
    let gradientSum = 0;
    if (outputGradient) {
      for (let i = 0; i < classes; i++) gradientSum += outputGradient[n * classes + i];
    }
    const own = Math.max(0, 2 * gradientSum);
    for (let j = 0; j < features; j++) {
      const xj = input[n * features + j];
      let total = own;
      for (let i = 0; i < classes; i++) {
        const difference = xj - w[i * features + j];
        const term = 4 * difference * difference * outputCurvature[n * classes + i];
        total += term;
        if (centerCurvature) {
          const gradient = outputGradient ? outputGradient[n * classes + i] : 0;
          centerCurvature[i * features + j] += term + Math.max(0, 2 * gradient);
        }
      }
      if (inputCurvature) inputCurvature[n * features + j] = total;
    }
  }
}
