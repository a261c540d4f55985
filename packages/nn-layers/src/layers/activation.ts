/**
 * Activation layers (ScaledTanh, Tanh, Sigmoid, ReLU) and the shared Gauss-Newton rule for an
 * activation: d2E/da^2 = f'(a)^2 * d2E/dx^2 (eq. 27, the f'' term dropped).
 */
import {
  type Activation,
  addBiasActivation,
  getBackend,
  relu,
  scaledTanh,
  sigmoid,
  type Tensor,
  tanh,
} from '@lenet/tensor';
import { type DiagHessianContext, Module } from '../module.js';

/** Activations a layer can fuse with its bias (the tensor backend's fused kernel). */
export type FusedActivation = Activation;

export const ACTIVATIONS: readonly FusedActivation[] = [
  'identity',
  'relu',
  'tanh',
  'sigmoid',
  'scaledTanh',
];

/**
 * Multiplies `curvature` (d2E/dx^2, x = f(a)) by f'(a)^2 in place, f' computed from the output
 * x, and returns it; when `biasCurvature` is given it also receives, per channel of the
 * [outer, channels, inner] layout, the sum of the result (the bias's h_kk, x_j = 1).
 */
export function activationCurvature(
  activation: FusedActivation,
  output: Float32Array,
  curvature: Float32Array,
  layout: { outer: number; channels: number; inner: number },
  biasCurvature: Float32Array | null = null,
): Float32Array {
  if (activation !== 'identity') {
    const backend = getBackend();
    const scratch = biasCurvature ?? new Float32Array(layout.channels);
    // gradOutput * f' applied twice gives curvature * f'^2 (the fused kernel derives f' from
    // the output; its bias-gradient output is the per-channel sum we need for the bias).
    for (let pass = 0; pass < 2; pass++) {
      backend.biasActivationBackward({
        activation,
        ...layout,
        output,
        gradOutput: curvature,
        gradInput: curvature,
        gradBias: scratch,
      });
    }
    return curvature;
  }
  if (biasCurvature) {
    const { outer, channels, inner } = layout;
    biasCurvature.fill(0);
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        const start = (o * channels + c) * inner;
        for (let i = 0; i < inner; i++) sum += curvature[start + i];
        biasCurvature[c] += sum;
      }
    }
  }
  return curvature;
}

/** Applies an activation function element-wise. */
export class ActivationLayer extends Module {
  constructor(readonly activation: Exclude<FusedActivation, 'identity'>) {
    super();
  }

  forward(input: Tensor): Tensor {
    return applyActivation(input, this.activation);
  }

  override diagHessianBackward({ output, outputCurvature }: DiagHessianContext): Float32Array {
    return activationCurvature(this.activation, output.data, outputCurvature.slice(), {
      outer: 1,
      channels: 1,
      inner: output.size,
    });
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
