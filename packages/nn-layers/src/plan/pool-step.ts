/** AvgPool2d and MaxPool2d as a plan step (no parameters). */
import {
  type Pool2dBackwardArgs,
  type Pool2dForwardArgs,
  type PoolMode,
  type Storage,
  windowOutputSize,
} from '@lenet/tensor';
import type { AvgPool2d, MaxPool2d } from '../layers/pooling.js';
import { type PlanStep, type StepContext, sizeOf } from './plan-step.js';

export class PoolStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly forwardArgs: Pool2dForwardArgs;
  private readonly backwardArgs: Pool2dBackwardArgs;
  private readonly channels: number;
  private readonly inputSize: number;
  /** The average's Jacobian entries are 1/area; the backward kernel applies them once. */
  private readonly curvatureScale: number;

  constructor(
    layer: AvgPool2d | MaxPool2d,
    mode: PoolMode,
    private readonly context: StepContext,
  ) {
    const [channels, inHeight, inWidth] = context.inputShape;
    const [kernelHeight, kernelWidth] = layer.kernelSize;
    const [strideHeight, strideWidth] = layer.stride;
    const outHeight = windowOutputSize(inHeight, kernelHeight, strideHeight);
    const outWidth = windowOutputSize(inWidth, kernelWidth, strideWidth);
    this.channels = channels;
    this.inputSize = sizeOf(context.inputShape);
    this.outputShape = [channels, outHeight, outWidth];
    const outputLength = context.capacity * sizeOf(this.outputShape);
    this.output = context.allocate(outputLength);
    this.gradOutput = context.allocateGradient(outputLength);
    this.curvatureScale = mode === 'avg' ? 1 / (kernelHeight * kernelWidth) : 1;
    const geometry = {
      mode,
      planes: context.capacity * channels,
      inHeight,
      inWidth,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
      outHeight,
      outWidth,
    };
    // Max pooling remembers which input won each window (plain JavaScript int32 memory).
    const argmax = mode === 'max' ? new Int32Array(outputLength) : null;
    const empty = this.output.data;
    this.forwardArgs = { ...geometry, input: empty, output: empty, argmax };
    this.backwardArgs = { ...geometry, gradOutput: empty, gradInput: empty, argmax };
  }

  forward(count: number): void {
    const args = this.forwardArgs;
    args.planes = count * this.channels;
    args.input = this.context.input.data;
    args.output = this.output.data;
    this.context.backend.pool2dForward(args);
  }

  backward(count: number, needInputGradient: boolean): void {
    if (!needInputGradient) return;
    const args = this.backwardArgs;
    args.planes = count * this.channels;
    args.gradOutput = this.gradOutput.data;
    args.gradInput = this.context.gradInput.data;
    this.context.backend.pool2dBackward(args);
  }

  /** Curvature flows back like the gradient, through squared Jacobian entries (1/area^2). */
  hessian(count: number, needInputCurvature: boolean): void {
    if (!needInputCurvature) return;
    this.backward(count, true);
    if (this.curvatureScale === 1) return;
    const curvature = this.context.gradInput.data;
    const length = count * this.inputSize;
    for (let i = 0; i < length; i++) curvature[i] *= this.curvatureScale;
  }
}
