/**
 * Pooling layers: the paper's trainable sub-sampling (`Subsampling`, LeNet-5's S2 and S4) and
 * the parameter-free `AvgPool2d` and `MaxPool2d`. Windows are non-overlapping by default
 * (stride = kernel size), no padding.
 */
import {
  avgPool2d,
  Generator,
  maxPool2d,
  type PoolMode,
  subsampling,
  type Tensor,
  tensor,
} from '@lenet/tensor';
import { type InitScheme, initialize } from '../init.js';
import { Module } from '../module.js';
import type { FusedActivation } from './activation.js';
import { checkPositiveInteger, defaultBiasInit, pair } from './layer-options.js';

export interface PoolOptions {
  /** Default: the kernel size (non-overlapping windows). */
  stride?: number | [number, number];
}

function checkInput(layer: string, input: Tensor, channels?: number): void {
  if (input.rank !== 4 || (channels !== undefined && input.shape[1] !== channels)) {
    throw new RangeError(
      `${layer}: got input of shape [${input.shape.join(', ')}]; expected [batch, ${channels ?? 'channels'}, height, width]`,
    );
  }
}

abstract class ParameterFreePool extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  protected abstract readonly mode: PoolMode;

  constructor(kernelSize: number | [number, number], options: PoolOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? kernelSize);
    checkPositiveInteger(this.constructor.name, {
      kernelHeight: this.kernelSize[0],
      kernelWidth: this.kernelSize[1],
      strideHeight: this.stride[0],
      strideWidth: this.stride[1],
    });
  }

  protected override describe(): string {
    const [kh, kw] = this.kernelSize;
    const stride =
      this.stride[0] === kh && this.stride[1] === kw ? '' : `, stride ${this.stride.join('x')}`;
    return `${kh}x${kw}${stride}`;
  }
}

export class AvgPool2d extends ParameterFreePool {
  protected readonly mode = 'avg';

  forward(input: Tensor): Tensor {
    checkInput('AvgPool2d', input);
    return avgPool2d(input, this.kernelSize, this.stride);
  }
}

export class MaxPool2d extends ParameterFreePool {
  protected readonly mode = 'max';

  forward(input: Tensor): Tensor {
    checkInput('MaxPool2d', input);
    return maxPool2d(input, this.kernelSize, this.stride);
  }
}

export interface SubsamplingOptions {
  /** Window size (default 2, as in the paper). */
  kernelSize?: number;
  /**
   * Output maps per input map (default 1). LeNet-4's S2 has 8 maps "connected in pairs" to
   * the 4 C1 maps: multiplier 2, output map k sub-samples input map floor(k / 2).
   */
  multiplier?: number;
  activation?: FusedActivation;
  /**
   * Default 'lecun98' with fan-in = window area: coefficients and biases in +-0.6 for 2x2.
   * 'lecun-lush' sets every coefficient to 1/sqrt(area) (0.5 for 2x2), as Lush's s-layer does.
   */
  init?: InitScheme;
  biasInit?: InitScheme;
  generator?: Generator;
}

/**
 * The paper's sub-sampling layer (P98 section II-B, S2 and S4): each output unit sums a
 * non-overlapping k x k window of one input map, multiplies the sum by one trainable
 * coefficient per map, adds one trainable bias per map and applies the activation:
 * y = f(coefficient[m] * sum(window) + bias[m]). Two parameters per output map.
 */
export class Subsampling extends Module {
  readonly coefficient: Tensor;
  readonly bias: Tensor;
  readonly activation: FusedActivation;
  readonly kernelSize: number;
  readonly multiplier: number;
  readonly outChannels: number;

  constructor(
    readonly channels: number,
    options: SubsamplingOptions = {},
  ) {
    super();
    this.kernelSize = options.kernelSize ?? 2;
    this.multiplier = options.multiplier ?? 1;
    checkPositiveInteger('Subsampling', {
      channels,
      kernelSize: this.kernelSize,
      multiplier: this.multiplier,
    });
    this.outChannels = channels * this.multiplier;
    this.activation = options.activation ?? 'identity';
    const generator = options.generator ?? new Generator(0);
    const init = options.init ?? 'lecun98';
    const fans = { fanIn: this.kernelSize * this.kernelSize, fanOut: this.multiplier };
    // Lush's s-layer `forget` fills the coefficients with v / area^(1/p) rather than drawing them.
    const coefficientInit: InitScheme =
      init === 'lecun-lush' ? { constant: 1 / Math.sqrt(fans.fanIn) } : init;
    // Drawn in host memory, then copied into tensors (`tensor()`): no view of backend memory.
    const coefficients = new Float32Array(this.outChannels);
    const biases = new Float32Array(this.outChannels);
    initialize(coefficients, coefficientInit, fans, generator);
    initialize(biases, options.biasInit ?? defaultBiasInit(init), fans, generator);
    this.coefficient = this.registerParameter('coefficient', tensor(coefficients));
    this.bias = this.registerParameter('bias', tensor(biases));
  }

  forward(input: Tensor): Tensor {
    checkInput('Subsampling', input, this.channels);
    return subsampling(input, this.coefficient, this.bias, {
      window: this.kernelSize,
      multiplier: this.multiplier,
      activation: this.activation,
    });
  }

  protected override describe(): string {
    const activation = this.activation === 'identity' ? '' : `, ${this.activation}`;
    const maps =
      this.multiplier === 1
        ? `${this.channels} maps`
        : `${this.channels} -> ${this.outChannels} maps`;
    return `${maps}, ${this.kernelSize}x${this.kernelSize} sum${activation}`;
  }
}
