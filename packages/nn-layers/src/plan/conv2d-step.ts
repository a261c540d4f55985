/** Conv2d (stride, padding, connection table, fused bias + activation) as a plan step. */
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Storage,
} from '@lenet/tensor';
import type { Conv2d } from '../layers/conv2d.js';
import { BiasActivationStage } from './bias-activation-stage.js';
import {
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
  /** The kernel adds the bias itself when no activation follows. */
  private readonly biasInKernel: boolean;
  private readonly forwardArgs: Conv2dForwardArgs;
  private readonly inputArgs: Conv2dBackwardInputArgs;
  private readonly weightArgs: Conv2dBackwardWeightArgs;
  private readonly inputSize: number;
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
    this.inputSize = sizeOf(inputShape);
    const outputLength = capacity * sizeOf(this.outputShape);
    this.output = context.allocate(outputLength);
    this.gradOutput = context.allocateGradient(outputLength);
    this.biasInKernel = layer.activation === 'identity';
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
    const args = this.forwardArgs;
    args.batch = count;
    args.input = this.context.input.data;
    args.weight = this.layer.weight.data;
    args.bias = this.biasInKernel && this.layer.bias ? this.layer.bias.data : null;
    args.output = this.output.data;
    this.context.backend.conv2dForward(args);
    this.stage.forward(count);
  }

  backward(count: number, needInputGradient: boolean): void {
    const { layer } = this;
    this.stage.backward(count);
    const args = this.weightArgs;
    args.batch = count;
    args.input = this.context.input.data;
    args.gradOutput = this.gradOutput.data;
    args.gradWeight = gradientOf(layer.weight);
    args.gradBias = this.biasInKernel && layer.bias ? gradientOf(layer.bias) : null;
    this.context.backend.conv2dBackwardWeight(args);
    if (needInputGradient) this.backwardInput(count, layer.weight.data);
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
      sink.add(layer.bias, buffers.curvature.data.subarray(0, this.outputShape[0]));
    }
    // Squared inputs for the shared weights: h(w) = sum over positions of d2E/da^2 * x^2.
    squareInto(this.context.input.data, buffers.inputs.data, count * this.inputSize);
    const args = this.weightArgs;
    args.batch = count;
    args.input = buffers.inputs.data;
    args.gradOutput = this.gradOutput.data;
    args.gradWeight = buffers.curvature.data;
    args.gradBias = null;
    this.context.backend.conv2dBackwardWeight(args);
    sink.add(layer.weight, buffers.curvature.data);
    // Back through squared weights (a transposed convolution), summing over every connection.
    if (needInputCurvature) this.backwardInput(count, buffers.weights.data);
  }

  private backwardInput(count: number, weight: Float32Array): void {
    const args = this.inputArgs;
    args.batch = count;
    args.gradOutput = this.gradOutput.data;
    args.weight = weight;
    args.gradInput = this.context.gradInput.data;
    this.context.backend.conv2dBackwardInput(args);
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
