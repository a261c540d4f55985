/** Linear (x W^T, fused bias + activation) as a plan step: three GEMMs per training step. */
import type { GemmArgs, Storage } from '@lenet/tensor';
import type { Linear } from '../layers/linear.js';
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

export class LinearStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly stage: BiasActivationStage;
  private readonly gemm: GemmArgs;
  /** Hessian scratch: squared weights and inputs, h(W). */
  private readonly hessianBuffers: { weights: Storage; inputs: Storage; curvature: Storage };

  constructor(
    private readonly layer: Linear,
    private readonly context: StepContext,
  ) {
    if (sizeOf(context.inputShape) !== layer.inFeatures || context.inputShape.length !== 1) {
      throw new RangeError(
        `Linear: got samples of shape [${context.inputShape.join(', ')}]; expected [${layer.inFeatures}] (add a Flatten before it)`,
      );
    }
    this.outputShape = [layer.outFeatures];
    this.output = context.allocate(context.capacity * layer.outFeatures);
    this.gradOutput = context.allocateGradient(context.capacity * layer.outFeatures);
    this.stage = new BiasActivationStage(
      context.backend,
      layer.activation,
      layer.outFeatures,
      1,
      this.output,
      this.gradOutput,
      layer.bias,
      (length) => context.allocate(length),
    );
    this.hessianBuffers = {
      weights: context.allocateGradient(layer.weight.size),
      inputs: context.allocateGradient(context.capacity * layer.inFeatures),
      curvature: context.allocateGradient(layer.weight.size),
    };
    const empty = this.output.data;
    this.gemm = gemmArgs(empty, empty, empty);
  }

  forward(count: number): void {
    const { inFeatures, outFeatures } = this.layer;
    // y [count, out] = x [count, in] @ W^T
    this.multiply(count, outFeatures, inFeatures, false, true, this.context.input.data, inFeatures);
    this.gemm.b = this.layer.weight.data;
    this.gemm.ldb = inFeatures;
    this.gemm.c = this.output.data;
    this.gemm.ldc = outFeatures;
    this.context.backend.gemm(this.gemm);
    this.stage.forward(count);
  }

  backward(count: number, needInputGradient: boolean): void {
    this.stage.backward(count);
    this.weightProduct(count, this.context.input.data, gradientOf(this.layer.weight));
    if (needInputGradient) this.inputProduct(count, this.layer.weight.data);
  }

  prepareHessian(): void {
    const { weight } = this.layer;
    squareInto(weight.data, this.hessianBuffers.weights.data, weight.size);
  }

  hessian(count: number, needInputCurvature: boolean, _loss: unknown, sink: HessianSink): void {
    const buffers = this.hessianBuffers;
    this.stage.hessian(count, sink);
    squareInto(this.context.input.data, buffers.inputs.data, count * this.layer.inFeatures);
    // h(W) [out, in] = curvature^T [out, count] @ x^2 [count, in]
    this.weightProduct(count, buffers.inputs.data, buffers.curvature.data);
    sink.add(this.layer.weight, buffers.curvature.data);
    // d2E/dx^2 [count, in] = curvature [count, out] @ W^2 [out, in]
    if (needInputCurvature) this.inputProduct(count, buffers.weights.data);
  }

  /** out [out, in] = gradOutput^T [out, count] @ input [count, in]. */
  private weightProduct(count: number, input: Float32Array, out: Float32Array): void {
    const { inFeatures, outFeatures } = this.layer;
    this.multiply(outFeatures, inFeatures, count, true, false, this.gradOutput.data, outFeatures);
    this.gemm.b = input;
    this.gemm.ldb = inFeatures;
    this.gemm.c = out;
    this.gemm.ldc = inFeatures;
    this.context.backend.gemm(this.gemm);
  }

  /** gradInput [count, in] = gradOutput [count, out] @ weight [out, in]. */
  private inputProduct(count: number, weight: Float32Array): void {
    const { inFeatures, outFeatures } = this.layer;
    this.multiply(count, inFeatures, outFeatures, false, false, this.gradOutput.data, outFeatures);
    this.gemm.b = weight;
    this.gemm.ldb = inFeatures;
    this.gemm.c = this.context.gradInput.data;
    this.gemm.ldc = inFeatures;
    this.context.backend.gemm(this.gemm);
  }

  /** Sets the sizes, flags and A operand of the shared GEMM arguments. */
  private multiply(
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    a: Float32Array,
    lda: number,
  ): void {
    const args = this.gemm;
    args.m = m;
    args.n = n;
    args.k = k;
    args.transA = transA;
    args.transB = transB;
    args.a = a;
    args.lda = lda;
  }
}
