import { type AdamUpdateOptions, adamUpdate_, type Tensor, zeros } from '@lenet/tensor';
import {
  checkFraction,
  checkNonNegative,
  Optimizer,
  type Parameter,
  parameterSize,
  readNumber,
} from './optimizer.js';

export interface AdamOptions {
  learningRate?: number;
  /** Decay rates of the first and second moment estimates. Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to sqrt(v) in the denominator. Default 1e-8. */
  epsilon?: number;
  /**
   * Adam: L2 regularization added to the gradient (g += beta w).
   * AdamW: decoupled decay applied to the weights (w -= lr beta w). Default 0 for Adam, 0.01 for AdamW.
   */
  weightDecay?: number;
}

/** Adam (Kingma & Ba 2015) with bias-corrected moments; weight decay as an L2 term on the gradient. */
export class Adam extends Optimizer {
  readonly kind: string = 'adam';
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** True for AdamW: decay acts on the weights, not through the moments. */
  protected readonly decoupled: boolean = false;
  /** The moments as tensors, updated in place by one `adamUpdate_` per parameter. */
  private readonly firstMoment: Tensor[];
  private readonly secondMoment: Tensor[];
  /** Whether every parameter is a Tensor, so that a step runs as tensor ops. */
  private readonly onTensors: boolean;
  /** The options of `adamUpdate_`, one object reused (a step allocates nothing). */
  private readonly update: AdamUpdateOptions = {
    learningRate: 0,
    beta1: 0,
    beta2: 0,
    epsilon: 0,
    step: 0,
    weightDecay: 0,
    decoupled: false,
  };

  constructor(parameters: Iterable<Parameter>, options: AdamOptions = {}) {
    super(parameters, options.learningRate ?? 0.001);
    const [beta1, beta2] = options.betas ?? [0.9, 0.999];
    this.beta1 = checkFraction('betas[0]', beta1);
    this.beta2 = checkFraction('betas[1]', beta2);
    this.epsilon = checkNonNegative('epsilon', options.epsilon ?? 1e-8);
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    this.firstMoment = this.parameters.map((parameter) => zeros([parameterSize(parameter)]));
    this.secondMoment = this.parameters.map((parameter) => zeros([parameterSize(parameter)]));
    this.onTensors = this.parametersAreTensors();
  }

  /** On tensors, one fused kernel per parameter (the same float64 arithmetic as the loop). */
  override step(): void {
    if (!this.onTensors) {
      super.step();
      return;
    }
    this.stepCount++;
    const update = this.update;
    update.learningRate = this.learningRate;
    update.beta1 = this.beta1;
    update.beta2 = this.beta2;
    update.epsilon = this.epsilon;
    update.step = this.stepCount;
    update.weightDecay = this.weightDecay;
    update.decoupled = this.decoupled;
    const parameters = this.parameters as readonly Tensor[];
    for (let index = 0; index < parameters.length; index++) {
      const weights = parameters[index];
      const gradient = weights.grad;
      if (!gradient) continue;
      adamUpdate_(weights, gradient, this.firstMoment[index], this.secondMoment[index], update);
    }
  }

  protected updateParameter(index: number, weights: Float32Array, gradient: Float32Array): void {
    const { beta1, beta2, epsilon, weightDecay, learningRate } = this;
    // stepCount was incremented before the first parameter's update.
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    const stepSize = learningRate / correction1;
    const coupledDecay = this.decoupled ? 0 : weightDecay;
    const weightScale = this.decoupled ? 1 - learningRate * weightDecay : 1;
    // The plain-array path ({ data, grad } parameters) reads the moments' values in place.
    const first = this.firstMoment[index].data;
    const second = this.secondMoment[index].data;
    for (let i = 0; i < weights.length; i++) {
      const g = gradient[i] + coupledDecay * weights[i];
      const m = beta1 * first[i] + (1 - beta1) * g;
      const v = beta2 * second[i] + (1 - beta2) * g * g;
      first[i] = m;
      second[i] = v;
      weights[i] =
        weights[i] * weightScale - (stepSize * m) / (Math.sqrt(v / correction2) + epsilon);
    }
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  protected loadHyperparameters(values: Record<string, number | boolean>): void {
    this.beta1 = checkFraction('betas[0]', readNumber(this.kind, values, 'beta1'));
    this.beta2 = checkFraction('betas[1]', readNumber(this.kind, values, 'beta2'));
    this.epsilon = checkNonNegative('epsilon', readNumber(this.kind, values, 'epsilon'));
    this.weightDecay = checkNonNegative(
      'weightDecay',
      readNumber(this.kind, values, 'weightDecay'),
    );
  }

  protected slots(): Record<string, Tensor[]> {
    return { firstMoment: this.firstMoment, secondMoment: this.secondMoment };
  }
}

/** AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient. */
export class AdamW extends Adam {
  override readonly kind: string = 'adamw';
  protected override readonly decoupled: boolean = true;

  constructor(parameters: Iterable<Parameter>, options: AdamOptions = {}) {
    super(parameters, { ...options, weightDecay: options.weightDecay ?? 0.01 });
  }
}
