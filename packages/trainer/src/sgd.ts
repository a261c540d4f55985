import {
  checkFraction,
  checkNonNegative,
  Optimizer,
  type Parameter,
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
  private readonly velocity: Float32Array[];

  constructor(parameters: Iterable<Parameter>, options: SGDOptions) {
    super(parameters, options.learningRate);
    this.momentum = checkFraction('momentum', options.momentum ?? 0);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    if (this.nesterov && this.momentum === 0) {
      throw new RangeError('SGD: nesterov needs momentum > 0');
    }
    this.velocity = this.momentum > 0 ? this.zerosLikeParameters() : [];
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
    const velocity = this.velocity[index];
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

  protected slots(): Record<string, Float32Array[]> {
    return this.momentum > 0 ? { velocity: this.velocity } : {};
  }
}
