/** Conv2d (stride, padding, connection table, fused bias + activation) as a plan step. */
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  GemmArgs,
  Storage,
} from '@lenet/tensor';
import type { Conv2d } from '../layers/conv2d.js';
import { BiasActivationStage } from './bias-activation-stage.js';
import {
  gemmArgs,
  gradientOf,
  type HessianSink,
  type PlanStep,
  type StepContext,
  sizeOf,
  squareInto,
} from './plan-step.js';

export class Conv2dStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly stage: BiasActivationStage;
  /** The convolution kernel adds the bias itself when no activation follows. */
  private readonly biasInKernel: boolean;
  /**
   * A kernel that covers the whole unpadded input (LeNet-5's C5: 16@5x5 -> 120@1x1) makes a
   * dense layer: y = x W^T over the flattened sample. Run as GEMMs it is several times faster
   * than im2col + GEMM, which would multiply by a single column per sample.
   */
  private readonly dense: boolean;
  private readonly gemm: GemmArgs;
  private readonly forwardArgs: Conv2dForwardArgs;
  private readonly inputArgs: Conv2dBackwardInputArgs;
  private readonly weightArgs: Conv2dBackwardWeightArgs;
  private readonly inputSize: number;
  private readonly outChannels: number;
  /** Hessian scratch: squared weights and inputs, h(W). */
  private readonly hessianBuffers: { weights: Storage; inputs: Storage; curvature: Storage };

  constructor(
    private readonly layer: Conv2d,
    private readonly context: StepContext,
  ) {
    const { backend, capacity, inputShape } = context;
    const geometry = layer.geometry([capacity, ...inputShape]);
    const { outChannels, outHeight, outWidth } = geometry;
    this.outputShape = [outChannels, outHeight, outWidth];
    this.outChannels = outChannels;
    this.inputSize = sizeOf(inputShape);
    this.dense =
      layer.connection === null &&
      geometry.kernelHeight === geometry.inHeight &&
      geometry.kernelWidth === geometry.inWidth &&
      geometry.paddingHeight === 0 &&
      geometry.paddingWidth === 0;
    const outputLength = capacity * sizeOf(this.outputShape);
    this.output = context.allocate(outputLength);
    this.gradOutput = context.allocateGradient(outputLength);
    this.biasInKernel = layer.activation === 'identity' && !this.dense;
    this.stage = new BiasActivationStage(
      backend,
      layer.activation,
      outChannels,
      outHeight * outWidth,
      this.output,
      this.gradOutput,
      this.biasInKernel ? null : layer.bias,
      (length) => context.allocate(length),
    );
    this.hessianBuffers = {
      weights: context.allocateGradient(layer.weight.size),
      inputs: context.allocateGradient(capacity * this.inputSize),
      curvature: context.allocateGradient(layer.weight.size),
    };
    const empty = this.output.data;
    this.gemm = gemmArgs(empty, empty, empty);
    this.forwardArgs = { ...geometry, input: empty, weight: empty, bias: null, output: empty };
    this.inputArgs = { ...geometry, gradOutput: empty, weight: empty, gradInput: empty };
    this.weightArgs = {
      ...geometry,
      input: empty,
      gradOutput: empty,
      gradWeight: empty,
      gradBias: null,
    };
  }

  forward(count: number): void {
    const { layer } = this;
    if (this.dense) {
      // y [count, out] = x [count, in] @ W^T, W [out, in] (the weight's own layout)
      this.multiply(count, this.outChannels, this.inputSize, false, true);
      this.gemm.a = this.context.input.data;
      this.gemm.lda = this.inputSize;
      this.gemm.b = layer.weight.data;
      this.gemm.ldb = this.inputSize;
      this.gemm.c = this.output.data;
      this.gemm.ldc = this.outChannels;
      this.context.backend.gemm(this.gemm);
    } else {
      const args = this.forwardArgs;
      args.batch = count;
      args.input = this.context.input.data;
      args.weight = layer.weight.data;
      args.bias = this.biasInKernel && layer.bias ? layer.bias.data : null;
      args.output = this.output.data;
      this.context.backend.conv2dForward(args);
    }
    this.stage.forward(count);
  }

  backward(count: number, needInputGradient: boolean): void {
    const { layer } = this;
    this.stage.backward(count);
    const gradBias = this.biasInKernel && layer.bias ? gradientOf(layer.bias) : null;
    this.weightGradient(count, this.context.input.data, gradientOf(layer.weight), gradBias);
    if (needInputGradient) this.inputGradient(count, layer.weight.data);
  }

  prepareHessian(): void {
    const { weight } = this.layer;
    squareInto(weight.data, this.hessianBuffers.weights.data, weight.size);
  }

  hessian(count: number, needInputCurvature: boolean, _loss: unknown, sink: HessianSink): void {
    const { layer } = this;
    const buffers = this.hessianBuffers;
    this.stage.hessian(count, sink);
    if (this.biasInKernel && layer.bias) {
      // No activation stage ran: the bias's h is the per-channel sum of the curvature.
      addChannelSums(this.gradOutput.data, count, this.outputShape, buffers.curvature.data);
      sink.add(layer.bias, buffers.curvature.data.subarray(0, this.outChannels));
    }
    // Squared inputs for the shared weights: h(w) = sum over positions of d2E/da^2 * x^2.
    squareInto(this.context.input.data, buffers.inputs.data, count * this.inputSize);
    this.weightGradient(count, buffers.inputs.data, buffers.curvature.data, null);
    sink.add(layer.weight, buffers.curvature.data);
    // Back through squared weights (a transposed convolution), summing over every connection.
    if (needInputCurvature) this.inputGradient(count, buffers.weights.data);
  }

  /** out = d/dW of sum(gradOutput * conv(input, W)); gradBias per channel when given. */
  private weightGradient(
    count: number,
    input: Float32Array,
    out: Float32Array,
    gradBias: Float32Array | null,
  ): void {
    if (this.dense) {
      // dW [out, in] = gradOutput^T [out, count] @ x [count, in]
      this.multiply(this.outChannels, this.inputSize, count, true, false);
      this.gemm.a = this.gradOutput.data;
      this.gemm.lda = this.outChannels;
      this.gemm.b = input;
      this.gemm.ldb = this.inputSize;
      this.gemm.c = out;
      this.gemm.ldc = this.inputSize;
      this.context.backend.gemm(this.gemm);
      return;
    }
    const args = this.weightArgs;
    args.batch = count;
    args.input = input;
    args.gradOutput = this.gradOutput.data;
    args.gradWeight = out;
    args.gradBias = gradBias;
    this.context.backend.conv2dBackwardWeight(args);
  }

  /** gradInput = the transposed convolution of gradOutput with `weight`. */
  private inputGradient(count: number, weight: Float32Array): void {
    if (this.dense) {
      // dx [count, in] = gradOutput [count, out] @ W [out, in]
      this.multiply(count, this.inputSize, this.outChannels, false, false);
      this.gemm.a = this.gradOutput.data;
      this.gemm.lda = this.outChannels;
      this.gemm.b = weight;
      this.gemm.ldb = this.inputSize;
      this.gemm.c = this.context.gradInput.data;
      this.gemm.ldc = this.inputSize;
      this.context.backend.gemm(this.gemm);
      return;
    }
    const args = this.inputArgs;
    args.batch = count;
    args.gradOutput = this.gradOutput.data;
    args.weight = weight;
    args.gradInput = this.context.gradInput.data;
    this.context.backend.conv2dBackwardInput(args);
  }

  private multiply(m: number, n: number, k: number, transA: boolean, transB: boolean): void {
    const args = this.gemm;
    args.m = m;
    args.n = n;
    args.k = k;
    args.transA = transA;
    args.transB = transB;
  }
}

/** out[c] = sum over samples and positions of values laid out [count, channels, ...]. */
function addChannelSums(
  values: Float32Array,
  count: number,
  shape: readonly number[],
  out: Float32Array,
): void {
  const channels = shape[0];
  const inner = shape[1] * shape[2];
  out.fill(0, 0, channels);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      const start = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) sum += values[start + i];
      out[c] += sum;
    }
  }
}
