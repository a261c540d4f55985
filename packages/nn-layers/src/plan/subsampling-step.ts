/**
 * The paper's trainable sub-sampling (S2, S4) as a plan step: forward and backward are one
 * `subsampling` kernel call each (window sums, one coefficient and one bias per output map, the
 * activation). The Gauss-Newton pass composes the fused bias + activation stage, short loops
 * here for the coefficient, and a `sum` pooling kernel.
 */
import type {
  Pool2dBackwardArgs,
  Storage,
  SubsamplingArgs,
  SubsamplingBackwardArgs,
} from '@lenet/tensor';
import { windowOutputSize } from '@lenet/tensor';
import type { Subsampling } from '../layers/pooling.js';
import { BiasActivationStage } from './bias-activation-stage.js';
import {
  gradientOf,
  type HessianSink,
  type PlanStep,
  type StepContext,
  sizeOf,
} from './plan-step.js';

export class SubsamplingStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly stage: BiasActivationStage;
  /** Window sums [capacity, channels, inner] and their gradient (or curvature). */
  private readonly sums: Storage;
  private readonly gradSums: Storage;
  private readonly coefficientScratch: Float32Array;
  private readonly forwardArgs: SubsamplingArgs;
  private readonly backwardArgs: SubsamplingBackwardArgs;
  private readonly spreadArgs: Pool2dBackwardArgs;
  private readonly channels: number;
  private readonly inner: number;

  constructor(
    private readonly layer: Subsampling,
    private readonly context: StepContext,
  ) {
    const [channels, inHeight, inWidth] = context.inputShape;
    if (channels !== layer.channels) {
      throw new RangeError(`Subsampling: got ${channels} input maps; expected ${layer.channels}`);
    }
    const k = layer.kernelSize;
    const outHeight = windowOutputSize(inHeight, k, k);
    const outWidth = windowOutputSize(inWidth, k, k);
    this.channels = channels;
    this.inner = outHeight * outWidth;
    this.outputShape = [layer.outChannels, outHeight, outWidth];
    const outputLength = context.capacity * sizeOf(this.outputShape);
    this.output = context.allocate(outputLength);
    this.gradOutput = context.allocateGradient(outputLength);
    this.sums = context.allocate(context.capacity * channels * this.inner);
    this.gradSums = context.allocateGradient(context.capacity * channels * this.inner);
    this.coefficientScratch = new Float32Array(layer.outChannels);
    this.stage = new BiasActivationStage(
      context.backend,
      layer.activation,
      layer.outChannels,
      this.inner,
      this.output,
      this.gradOutput,
      layer.bias,
      (length) => context.allocate(length),
    );
    const empty = this.output.data;
    const geometry = {
      batch: context.capacity,
      channels,
      multiplier: layer.multiplier,
      inHeight,
      inWidth,
      window: k,
      outHeight,
      outWidth,
      activation: layer.activation,
    };
    this.forwardArgs = {
      ...geometry,
      input: empty,
      coefficient: empty,
      bias: empty,
      sums: empty,
      output: empty,
    };
    this.backwardArgs = {
      ...geometry,
      sums: empty,
      output: empty,
      coefficient: empty,
      gradOutput: empty,
      gradCoefficient: empty,
      gradBias: empty,
      gradInput: null,
    };
    this.spreadArgs = {
      mode: 'sum',
      planes: context.capacity * channels,
      inHeight,
      inWidth,
      kernelHeight: k,
      kernelWidth: k,
      strideHeight: k,
      strideWidth: k,
      outHeight,
      outWidth,
      gradOutput: empty,
      gradInput: empty,
      argmax: null,
    };
  }

  forward(count: number): void {
    const args = this.forwardArgs;
    args.batch = count;
    args.input = this.context.input.data;
    args.coefficient = this.layer.coefficient.data;
    args.bias = this.layer.bias.data;
    args.sums = this.sums.data;
    args.output = this.output.data;
    this.context.backend.subsampling(args);
  }

  backward(count: number, needInputGradient: boolean): void {
    const args = this.backwardArgs;
    const { layer } = this;
    args.batch = count;
    args.sums = this.sums.data;
    args.output = this.output.data;
    args.coefficient = layer.coefficient.data;
    args.gradOutput = this.gradOutput.data;
    args.gradCoefficient = gradientOf(layer.coefficient);
    args.gradBias = gradientOf(layer.bias);
    args.gradInput = needInputGradient ? this.context.gradInput.data : null;
    this.context.backend.subsamplingBackward(args);
  }

  hessian(count: number, needInputCurvature: boolean, _loss: unknown, sink: HessianSink): void {
    this.stage.hessian(count, sink);
    // The coefficient is one connection carrying the window's sum: h = sum d2E/da^2 * sum^2.
    // Back through it with coefficient^2, adding the maps that share an input map.
    const { multiplier, outChannels } = this.layer;
    const { channels, inner } = this;
    const sums = this.sums.data;
    const curvature = this.gradOutput.data;
    const sumCurvature = this.gradSums.data;
    const coefficient = this.layer.coefficient.data;
    const coefficientCurvature = this.coefficientScratch;
    coefficientCurvature.fill(0);
    sumCurvature.fill(0, 0, count * channels * inner);
    for (let n = 0; n < count; n++) {
      for (let m = 0; m < outChannels; m++) {
        const squaredCoefficient = coefficient[m] * coefficient[m];
        const from = (n * outChannels + m) * inner;
        const to = (n * channels + Math.floor(m / multiplier)) * inner;
        let total = 0;
        for (let i = 0; i < inner; i++) {
          const sum = sums[to + i];
          total += curvature[from + i] * sum * sum;
          sumCurvature[to + i] += squaredCoefficient * curvature[from + i];
        }
        coefficientCurvature[m] += total;
      }
    }
    sink.add(this.layer.coefficient, coefficientCurvature);
    // Each input enters its window's sum with weight 1: pass the curvature straight back.
    if (needInputCurvature) this.spreadSums(count);
  }

  /** gradInput = the sum pooling's backward of gradSums. */
  private spreadSums(count: number): void {
    const args = this.spreadArgs;
    args.planes = count * this.channels;
    args.gradOutput = this.gradSums.data;
    args.gradInput = this.context.gradInput.data;
    this.context.backend.pool2dBackward(args);
  }
}
