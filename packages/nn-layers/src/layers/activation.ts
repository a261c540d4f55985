/** Activation layers (ScaledTanh, Tanh, Sigmoid, ReLU): one tensor op each. */
import {
  type Activation,
  addBiasActivation,
  relu,
  scaledTanh,
  sigmoid,
  type Tensor,
  tanh,
} from '@lenet/tensor';
import { Module } from '../module.js';

/** Activations a layer can fuse with its bias (the tensor backend's fused kernel). */
export type FusedActivation = Activation;

export const ACTIVATIONS: readonly FusedActivation[] = [
  'identity',
  'relu',
  'tanh',
  'sigmoid',
  'scaledTanh',
];

/** Applies an activation function element-wise. */
export class ActivationLayer extends Module {
  constructor(readonly activation: Exclude<FusedActivation, 'identity'>) {
    super();
  }

  forward(input: Tensor): Tensor {
    return applyActivation(input, this.activation);
  }

  override label(): string {
    return this.constructor.name;
  }
}

/** The paper's squashing function f(a) = 1.7159 tanh(2a/3) (P98 eq. 6, appendix A). */
export class ScaledTanh extends ActivationLayer {
  constructor() {
    super('scaledTanh');
  }
}

export class Tanh extends ActivationLayer {
  constructor() {
    super('tanh');
  }
}

export class Sigmoid extends ActivationLayer {
  constructor() {
    super('sigmoid');
  }
}

export class ReLU extends ActivationLayer {
  constructor() {
    super('relu');
  }
}

export function applyActivation(input: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'identity':
      return input;
    case 'relu':
      return relu(input);
    case 'tanh':
      return tanh(input);
    case 'sigmoid':
      return sigmoid(input);
    case 'scaledTanh':
      return scaledTanh(input);
    default:
      throw new RangeError(
        `unknown activation ${JSON.stringify(activation)}; expected one of ${ACTIVATIONS.join(', ')}`,
      );
  }
}

/**
 * activation(input + bias) with the bias along axis 1, as one fused kernel; without a bias
 * just the activation.
 */
export function applyBiasActivation(
  input: Tensor,
  bias: Tensor | null,
  activation: FusedActivation,
): Tensor {
  return bias ? addBiasActivation(input, bias, activation) : applyActivation(input, activation);
}
