/**
 * Fully connected layer y = f(x W^T + b), W [out, in], with an optional fused activation f
 * (bias and activation run as one kernel; the paper's F6 is `Linear(120, 84, { activation:
 * 'scaledTanh' })`).
 */
import { Generator, linear, type Tensor, zeros } from '@lenet/tensor';
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
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures]));
    initialize(this.weight.data, init, fans, generator);
    this.bias = null;
    if (options.bias ?? true) {
      this.bias = this.registerParameter('bias', zeros([outFeatures]));
      initialize(this.bias.data, options.biasInit ?? defaultBiasInit(init), fans, generator);
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
