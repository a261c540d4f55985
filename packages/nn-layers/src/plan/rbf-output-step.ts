/**
 * LeNet-5's Euclidean RBF output (eq. 7) as a plan step: y_i = sum_j (x_j - w_ij)^2 for ten
 * classes of 84 features is under a thousand multiply-adds per sample, done here in a loop.
 */
import type { Storage } from '@lenet/tensor';
import { type RBFOutput, writeRbfOutputCurvature } from '../layers/rbf-output.js';
import { gradientOf, type HessianSink, type PlanStep, type StepContext } from './plan-step.js';

export class RBFOutputStep implements PlanStep {
  readonly outputShape: readonly number[];
  readonly output: Storage;
  readonly gradOutput: Storage;
  private readonly centerCurvature: Float32Array | null;

  constructor(
    private readonly layer: RBFOutput,
    private readonly context: StepContext,
  ) {
    if (context.inputShape.length !== 1 || context.inputShape[0] !== layer.features) {
      throw new RangeError(
        `RBFOutput: got samples of shape [${context.inputShape.join(', ')}]; expected [${layer.features}]`,
      );
    }
    this.outputShape = [layer.classes];
    this.output = context.allocate(context.capacity * layer.classes);
    this.gradOutput = context.allocateGradient(context.capacity * layer.classes);
    this.centerCurvature = layer.trainable
      ? new Float32Array(layer.classes * layer.features)
      : null;
  }

  forward(count: number): void {
    const { classes, features } = this.layer;
    const x = this.context.input.data;
    const w = this.layer.centers.data;
    const y = this.output.data;
    for (let n = 0; n < count; n++) {
      const row = n * features;
      for (let i = 0; i < classes; i++) {
        const center = i * features;
        let total = 0;
        for (let j = 0; j < features; j++) {
          const difference = x[row + j] - w[center + j];
          total += difference * difference;
        }
        y[n * classes + i] = total;
      }
    }
  }

  /** dy_i/dx_j = 2 (x_j - w_ij) = -dy_i/dw_ij. */
  backward(count: number, needInputGradient: boolean): void {
    const { classes, features, trainable } = this.layer;
    const x = this.context.input.data;
    const w = this.layer.centers.data;
    const g = this.gradOutput.data;
    const gradInput = needInputGradient ? this.context.gradInput.data : null;
    const gradCenters = trainable ? gradientOf(this.layer.centers) : null;
    gradCenters?.fill(0);
    for (let n = 0; n < count; n++) {
      for (let j = 0; j < features; j++) {
        const xj = x[n * features + j];
        let total = 0;
        for (let i = 0; i < classes; i++) {
          const term = 2 * g[n * classes + i] * (xj - w[i * features + j]);
          total += term;
          if (gradCenters) gradCenters[i * features + j] -= term;
        }
        if (gradInput) gradInput[n * features + j] = total;
      }
    }
  }

  /** The layer's own rule (`writeRbfOutputCurvature` in rbf-output.ts). */
  hessian(
    count: number,
    needInputCurvature: boolean,
    lossGradient: Float32Array | null,
    sink: HessianSink,
  ): void {
    writeRbfOutputCurvature(
      this.layer,
      this.context.input.data,
      count,
      this.gradOutput.data,
      lossGradient,
      needInputCurvature ? this.context.gradInput.data : null,
      this.centerCurvature,
    );
    if (this.centerCurvature) sink.add(this.layer.centers, this.centerCurvature);
  }
}
