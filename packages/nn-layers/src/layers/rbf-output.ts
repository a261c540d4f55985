/**
 * LeNet-5's Euclidean RBF output layer (P98 eq. 7): one unit per class computing the squared
 * distance between the input vector and the class's centre, y_i = sum_j (x_j - w_ij)^2.
 * The output is a penalty: the predicted class is the unit with the smallest y. By default the
 * centres are the fixed +1/-1 digit drawings of `rbf-codes.ts`, held as a buffer (saved with
 * the model, not trained); `trainable: true` makes them parameters.
 */
import { squaredDistance, type Tensor, tensor } from '@lenet/tensor';
import { Module } from '../module.js';
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
    return squaredDistance(input, this.centers);
  }

  protected override describe(): string {
    return `${this.features} -> ${this.classes}${this.trainable ? ', trainable' : ', fixed centres'}`;
  }
}
