/** Plan steps for the layers without parameters that move or squash values: Flatten, activations. */
import type {
  Activation,
  BiasActivationBackwardArgs,
  Storage,
  UnaryArgs,
  UnaryBackwardArgs,
} from '@lenet/tensor';
import type { ActivationLayer } from '../layers/activation.js';
import { type PlanStep, type StepContext, sizeOf } from './plan-step.js';

/** Row-major data is already flat: the output is the input buffer, seen with one dimension. */
export class FlattenStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;

  constructor(context: StepContext) {
    this.outputShape = [sizeOf(context.inputShape)];
    this.output = context.input;
    this.gradOutput = context.gradInput;
  }

  forward(): void {}
  backward(): void {}
  hessian(): void {}
}

/** A stand-alone activation (ScaledTanh, Tanh, Sigmoid, ReLU): the unary kernel and its derivative. */
export class ActivationStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly size: number;
  private readonly forwardArgs: UnaryArgs;
  private readonly backwardArgs: UnaryBackwardArgs;
  private readonly curvatureArgs: BiasActivationBackwardArgs;
  private readonly scratch: Storage;

  constructor(
    layer: ActivationLayer,
    private readonly context: StepContext,
  ) {
    const activation: Activation = layer.activation;
    this.outputShape = context.inputShape;
    this.size = sizeOf(context.inputShape);
    this.output = context.allocate(context.capacity * this.size);
    this.gradOutput = context.allocateGradient(context.capacity * this.size);
    this.scratch = context.allocate(1);
    const empty = this.output.data;
    this.forwardArgs = { op: layer.activation, length: 0, input: empty, output: empty };
    this.backwardArgs = {
      op: layer.activation,
      length: 0,
      input: empty,
      output: empty,
      gradOutput: empty,
      gradInput: empty,
    };
    this.curvatureArgs = {
      activation,
      outer: 1,
      channels: 1,
      inner: 0,
      output: empty,
      gradOutput: empty,
      gradInput: empty,
      gradBias: empty,
    };
  }

  forward(count: number): void {
    const args = this.forwardArgs;
    args.length = count * this.size;
    args.input = this.context.input.data;
    args.output = this.output.data;
    this.context.backend.unary(args);
  }

  backward(count: number, needInputGradient: boolean): void {
    if (!needInputGradient) return;
    const args = this.backwardArgs;
    args.length = count * this.size;
    args.input = this.context.input.data;
    args.output = this.output.data;
    args.gradOutput = this.gradOutput.data;
    args.gradInput = this.context.gradInput.data;
    this.context.backend.unaryBackward(args);
  }

  /** d2E/da^2 = f'(a)^2 d2E/dx^2: the fused kernel's derivative (from the output) applied twice. */
  hessian(count: number, needInputCurvature: boolean): void {
    if (!needInputCurvature) return;
    const args = this.curvatureArgs;
    const inputCurvature = this.context.gradInput.data;
    args.inner = count * this.size;
    args.output = this.output.data;
    args.gradOutput = this.gradOutput.data;
    args.gradInput = inputCurvature;
    args.gradBias = this.scratch.data;
    this.context.backend.biasActivationBackward(args);
    args.gradOutput = inputCurvature;
    this.context.backend.biasActivationBackward(args);
  }
}
