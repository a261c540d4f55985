import { getBackend } from '@lenet/tensor';
import type { Backend, GemmArgs, Storage } from '@lenet/tensor/backend';
import { axpyArgs } from './axpy-args.js';
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
  /** Velocity per parameter, in backend memory (kernels update it in place); read `data` at use. */
  private readonly velocity: Storage[];
  /** A one-element 1.0 in backend memory: the A of the GEMMs that do the update (see `step`). */
  private one: { backend: Backend; storage: Storage } | null = null;
  private readonly axpyArgs: GemmArgs = axpyArgs();

  constructor(parameters: Iterable<Parameter>, options: SGDOptions) {
    super(parameters, options.learningRate);
    this.momentum = checkFraction('momentum', options.momentum ?? 0);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    if (this.nesterov && this.momentum === 0) {
      throw new RangeError('SGD: nesterov needs momentum > 0');
    }
    const backend = getBackend();
    this.velocity =
      this.momentum > 0 ? this.parameters.map((p) => backend.allocate(p.data.length)) : [];
  }

  /**
   * On a backend with its own GEMM (wasm) and without weight decay, each update is one or two
   * GEMMs of depth 1 per parameter, y = alpha * x + beta * y (BLAS's axpy): at batch size 1 the
   * JavaScript loop over 60,000 weights costs as much as LeNet-5's forward and backward.
   */
  override step(): void {
    const backend = getBackend();
    if (this.weightDecay !== 0 || !backend.ownKernels.includes('gemm')) {
      super.step();
      return;
    }
    this.stepCount++;
    if (this.one?.backend !== backend) {
      const storage = backend.allocate(1);
      storage.data[0] = 1;
      this.one = { backend, storage };
    }
    const { learningRate: rate, momentum, nesterov } = this;
    const parameters = this.parameters;
    for (let index = 0; index < parameters.length; index++) {
      const parameter = parameters[index];
      const gradient = parameter.grad;
      if (!gradient) continue;
      if (momentum === 0) {
        this.axpy(backend, -rate, gradient.data, 1, parameter.data); // w -= rate g
        continue;
      }
      const velocity = this.velocity[index];
      this.axpy(backend, 1, gradient.data, momentum, velocity.data); // v = momentum v + g
      if (nesterov) {
        this.axpy(backend, -rate, gradient.data, 1, parameter.data);
        this.axpy(backend, -rate * momentum, velocity.data, 1, parameter.data);
      } else {
        this.axpy(backend, -rate, velocity.data, 1, parameter.data); // w -= rate v
      }
    }
  }

  /** y = alpha * x + beta * y as a [1 x 1] x [1 x n] GEMM. */
  private axpy(backend: Backend, alpha: number, x: Float32Array, beta: number, y: Float32Array) {
    const args = this.axpyArgs;
    args.n = x.length;
    args.alpha = alpha;
    args.beta = beta;
    args.a = this.one!.storage.data;
    args.b = x;
    args.ldb = x.length;
    args.c = y;
    args.ldc = y.length;
    backend.gemm(args);
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

  protected slots(): Record<string, Float32Array[]> {
    return this.momentum > 0 ? { velocity: this.velocity.map((storage) => storage.data) } : {};
  }
}
