/**
 * Fully connected layer y = f(x W^T + b), W [out, in], with an optional fused activation f
 * (bias and activation run as one kernel; the paper's F6 is `Linear(120, 84, { activation:
 * 'scaledTanh' })`).
 */
import { Generator, linear, type Tensor, tensor } from '@lenet/tensor';
import { type InitScheme, initialize } from '../init.js';
import { Module } from '../module.js';
import { applyBiasActivation, type FusedActivation } from './activation.js';
import { checkPositiveInteger, defaultBiasInit } from './layer-options.js';

export interface LinearOptions {
  /** Learn a bias (default true). */
  bias?: boolean;
  /** Activation fused with the bias (default 'identity'). */
  activation?: FusedActivation;
  /** Weight initializer (default 'lecun98', the paper's uniform +-2.4/fanIn). */
  init?: InitScheme;
  /** Bias initializer (default: the weight's scheme for 'lecun98', zeros otherwise). */
  biasInit?: InitScheme;
  /** Seeded generator for the initial values (default: a new Generator(0)). */
  generator?: Generator;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly activation: FusedActivation;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkPositiveInteger('Linear', { inFeatures, outFeatures });
    const generator = options.generator ?? new Generator(0);
    const init = options.init ?? 'lecun98';
    const fans = { fanIn: inFeatures, fanOut: outFeatures };
    this.activation = options.activation ?? 'identity';
    // Drawn in host memory, then copied into a tensor (`tensor()`): no view of backend memory.
    const weights = initialize(new Float32Array(outFeatures * inFeatures), init, fans, generator);
    this.weight = this.registerParameter('weight', tensor(weights, [outFeatures, inFeatures]));
    this.bias = null;
    if (options.bias ?? true) {
      const biases = new Float32Array(outFeatures);
      initialize(biases, options.biasInit ?? defaultBiasInit(init), fans, generator);
      this.bias = this.registerParameter('bias', tensor(biases, [outFeatures]));
    }
  }

  forward(input: Tensor): Tensor {
    if (input.rank !== 2 || input.shape[1] !== this.inFeatures) {
      throw new RangeError(
        `Linear: got input of shape [${input.shape.join(', ')}]; expected [batch, ${this.inFeatures}]`,
      );
    }
    if (this.activation === 'identity') return linear(input, this.weight, this.bias);
    return applyBiasActivation(linear(input, this.weight), this.bias, this.activation);
  }

  protected override describe(): string {
    const activation = this.activation === 'identity' ? '' : `, ${this.activation}`;
    return `${this.inFeatures} -> ${this.outFeatures}${this.bias ? '' : ', no bias'}${activation}`;
  }
}
