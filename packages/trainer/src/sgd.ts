import { type Tensor, zeros } from '@lenet/tensor';
import {
  checkFraction,
  checkNonNegative,
  Optimizer,
  type Parameter,
  parameterSize,
  readNumber,
} from './optimizer.js';

export interface SGDOptions {
  learningRate: number;
  /** Heavy-ball momentum coefficient in [0, 1); 0 (default) is plain SGD. */
  momentum?: number;
  /** Nesterov's look-ahead form of momentum (needs momentum > 0). */
  nesterov?: boolean;
  /**
   * L2 regularization beta: minimizes E + beta/2 * sum(w^2), i.e. adds beta * w to each
   * gradient (the paper's E_train + beta * H(W)). Default 0.
   */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with optional momentum (PyTorch's convention, no dampening):
 * g = grad + beta w;  v = momentum v + g;  w -= lr (nesterov ? g + momentum v : v).
 */
export class SGD extends Optimizer {
  readonly kind = 'sgd';
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Velocity per parameter: tensors the update ops change in place. */
  private readonly velocity: Tensor[];
  /** Whether every parameter is a Tensor, so that a step runs as in-place tensor ops. */
  private readonly onTensors: boolean;
  /** The scales of each `add_`, one object reused (a step allocates nothing). */
  private readonly scales = { alpha: 1, beta: 1 };

  constructor(parameters: Iterable<Parameter>, options: SGDOptions) {
    super(parameters, options.learningRate);
    this.momentum = checkFraction('momentum', options.momentum ?? 0);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    if (this.nesterov && this.momentum === 0) {
      throw new RangeError('SGD: nesterov needs momentum > 0');
    }
    this.onTensors = this.parametersAreTensors();
    this.velocity = this.momentum > 0 ? this.parameters.map((p) => zeros([parameterSize(p)])) : [];
  }

  /**
   * On tensors, each update is one or two in-place `add_` per parameter (y = alpha x + beta y,
   * one kernel each; weight decay first adds beta w into the gradient): at batch size 1 a
   * JavaScript loop over 60,000 weights costs as much as LeNet-5's forward and backward, and
   * on a GPU backend the kernels run where the weights live.
   */
  override step(): void {
    if (!this.onTensors) {
      super.step();
      return;
    }
    this.stepCount++;
    if (this.weightDecay !== 0) this.addWeightDecayToGradients(this.weightDecay);
    const { learningRate: rate, momentum, nesterov, scales } = this;
    const parameters = this.parameters as readonly Tensor[];
    for (let index = 0; index < parameters.length; index++) {
      const weights = parameters[index];
      const gradient = weights.grad;
      if (!gradient) continue;
      if (momentum === 0) {
        weights.add_(gradient, scale(scales, -rate, 1)); // w -= rate g
        continue;
      }
      const velocity = this.velocity[index];
      velocity.add_(gradient, scale(scales, 1, momentum)); // v = momentum v + g
      if (nesterov) {
        weights.add_(gradient, scale(scales, -rate, 1));
        weights.add_(velocity, scale(scales, -rate * momentum, 1));
      } else {
        weights.add_(velocity, scale(scales, -rate, 1)); // w -= rate v
      }
    }
  }

  protected updateParameter(index: number, weights: Float32Array, gradient: Float32Array): void {
    const rate = this.learningRate;
    const decay = this.weightDecay;
    const momentum = this.momentum;
    if (momentum === 0) {
      for (let i = 0; i < weights.length; i++) {
        weights[i] -= rate * (gradient[i] + decay * weights[i]);
      }
      return;
    }
    // The plain-array path ({ data, grad } parameters, or weight decay) reads the velocity's
    // values in place.
    const velocity = this.velocity[index].data;
    const nesterov = this.nesterov;
    for (let i = 0; i < weights.length; i++) {
      const g = gradient[i] + decay * weights[i];
      const v = momentum * velocity[i] + g;
      velocity[i] = v;
      weights[i] -= rate * (nesterov ? g + momentum * v : v);
    }
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return { momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  protected loadHyperparameters(values: Record<string, number | boolean>): void {
    const momentum = readNumber(this.kind, values, 'momentum');
    if (momentum > 0 !== this.momentum > 0) {
      throw new RangeError(
        `sgd.loadStateDict: state has momentum ${momentum}, this optimizer ${this.momentum} (one has velocity buffers, the other not)`,
      );
    }
    this.momentum = checkFraction('momentum', momentum);
    this.nesterov = values.nesterov === true;
    this.weightDecay = checkNonNegative(
      'weightDecay',
      readNumber(this.kind, values, 'weightDecay'),
    );
  }

  protected slots(): Record<string, Tensor[]> {
    return this.momentum > 0 ? { velocity: this.velocity } : {};
  }
}

function scale(scales: { alpha: number; beta: number }, alpha: number, beta: number) {
  scales.alpha = alpha;
  scales.beta = beta;
  return scales;
}
