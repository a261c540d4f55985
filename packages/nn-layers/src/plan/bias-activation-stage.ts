/**
 * The fused per-channel bias + activation that Conv2d, Linear and Subsampling end with, run in
 * place on a layer's output (forward) and on its output gradient or curvature (backward,
 * Hessian), over the layout [count, channels, inner].
 */
import type {
  Activation,
  Backend,
  BiasActivationArgs,
  BiasActivationBackwardArgs,
  Storage,
  Tensor,
} from '@lenet/tensor';
import { gradientOf, type HessianSink } from './plan-step.js';

export class BiasActivationStage {
  /** Whether the stage does anything at all (identity without a bias does not). */
  readonly active: boolean;
  private readonly forwardArgs: BiasActivationArgs;
  private readonly backwardArgs: BiasActivationBackwardArgs;
  /** Zero bias for an unbiased layer, and the bias-gradient output nobody reads. */
  private readonly zeroBias: Storage;
  private readonly scratch: Storage;

  constructor(
    private readonly backend: Backend,
    readonly activation: Activation,
    readonly channels: number,
    readonly inner: number,
    private readonly output: Storage,
    private readonly gradOutput: Storage,
    private readonly bias: Tensor | null,
    allocate: (length: number) => Storage,
  ) {
    this.active = activation !== 'identity' || bias !== null;
    this.zeroBias = allocate(channels);
    this.scratch = allocate(channels);
    const empty = this.zeroBias.data;
    this.forwardArgs = {
      activation,
      outer: 0,
      channels,
      inner,
      input: empty,
      bias: empty,
      output: empty,
    };
    this.backwardArgs = {
      activation,
      outer: 0,
      channels,
      inner,
      output: empty,
      gradOutput: empty,
      gradInput: empty,
      gradBias: empty,
    };
  }

  /** output = activation(output + bias), in place. */
  forward(count: number): void {
    if (!this.active) return;
    const args = this.forwardArgs;
    const data = this.output.data;
    args.outer = count;
    args.input = data;
    args.output = data;
    args.bias = this.bias ? this.bias.data : this.zeroBias.data;
    this.backend.biasActivation(args);
  }

  /** gradOutput *= activation'(.), in place; sets the bias gradient. */
  backward(count: number): void {
    if (!this.active) return;
    this.runBackward(count, this.bias ? gradientOf(this.bias) : this.scratch.data);
  }

  /**
   * Curvature: gradOutput *= activation'(.)^2 in place (the f'' term dropped, eq. 27) and the
   * bias receives the per-channel sum of the result (its input is the constant 1).
   */
  hessian(count: number, sink: HessianSink): void {
    if (!this.active) return;
    const passes = this.activation === 'identity' ? 1 : 2;
    for (let pass = 0; pass < passes; pass++) this.runBackward(count, this.scratch.data);
    if (this.bias) sink.add(this.bias, this.scratch.data);
  }

  private runBackward(count: number, gradBias: Float32Array): void {
    const args = this.backwardArgs;
    const gradient = this.gradOutput.data;
    args.outer = count;
    args.output = this.output.data;
    args.gradOutput = gradient;
    args.gradInput = gradient;
    args.gradBias = gradBias;
    this.backend.biasActivationBackward(args);
  }
}
