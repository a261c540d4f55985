import { getBackend, type Tensor, zeros } from '@lenet/tensor';
import {
  checkNonNegative,
  type EpochContext,
  Optimizer,
  type Parameter,
  parameterSize,
  readNumber,
} from './optimizer.js';

export interface SDLMOptions {
  /** Global learning rate eta (the paper's schedule sets it per pass). Default 0.0005. */
  learningRate?: number;
  /** mu: keeps a step bounded where the curvature is small. Paper: 0.02. */
  mu?: number;
  /** Training samples the curvature is re-estimated on before each pass. Paper: 500. */
  samples?: number;
  /** L2 regularization beta added to the gradient (g += beta w). Default 0. */
  weightDecay?: number;
  /**
   * What a re-estimate before a pass replaces. 'pass' (default): h_kk is the average over that
   * pass's `samples` alone. 'running': h_kk stays the running average of d2E/dw_k2 over every
   * sample estimated so far (`samples` more before each pass, all weighted equally): a running
   * estimate that is never reset, Lush's `update-ddeltas knew kold` with knew = 1/(samples
   * seen). LeNet-5 needs it to train with the paper's table (the lenet app's README).
   */
  curvatureAverage?: CurvatureAverage;
}

export type CurvatureAverage = 'pass' | 'running';

/**
 * The paper's stochastic diagonal Levenberg-Marquardt method (LeCun et al. 1998, section III-B
 * and appendix C): each parameter w_k moves by eta / (mu + h_kk) times its gradient, where h_kk
 * is a Gauss-Newton estimate of d2E/dw_k2 averaged over a few hundred samples and kept fixed for
 * a whole pass. `fit` re-estimates it before each pass through `beforeEpoch`; outside `fit`,
 * call `setCurvature`.
 */
export class SDLM extends Optimizer {
  readonly kind = 'sdlm';
  mu: number;
  samples: number;
  weightDecay: number;
  readonly curvatureAverage: CurvatureAverage;
  /** Estimates averaged into `curvature` so far (for 'running'). */
  private estimates = 0;
  /** h_kk per parameter, from the last estimate. */
  private readonly curvature: Float32Array[];
  /** 1 / (mu + h_kk), computed once per estimate so a step is one multiply-add per weight. */
  private readonly stepScale: Float32Array[];
  private estimated = false;
  /**
   * learningRate * stepScale as tensors, so that a step is one fused kernel per parameter
   * (w -= rs * g, `subtractProduct_`) rather than a JavaScript loop: at batch size 1 the
   * update of 60,000 weights costs as much as LeNet-5's forward and backward. Rebuilt when
   * the rate or the curvature changes (once per pass with the paper's schedule); allocated
   * once per backend.
   */
  private tensorPath: {
    backend: string;
    scaledSteps: Tensor[];
    /** Host scratch where rate * stepScale is computed before it is copied in. */
    scaledValues: Float32Array[];
    /** The learning rate scaledSteps hold; NaN when they must be recomputed. */
    rate: number;
  } | null = null;
  /** Whether every parameter is a Tensor, so that a step runs as in-place tensor ops. */
  private readonly onTensors: boolean;

  constructor(parameters: Iterable<Parameter>, options: SDLMOptions = {}) {
    super(parameters, options.learningRate ?? 0.0005);
    this.mu = checkPositive('mu', options.mu ?? 0.02);
    this.samples = checkSampleCount(options.samples ?? 500);
    this.weightDecay = checkNonNegative('weightDecay', options.weightDecay ?? 0);
    this.curvatureAverage = options.curvatureAverage ?? 'pass';
    if (this.curvatureAverage !== 'pass' && this.curvatureAverage !== 'running') {
      throw new RangeError(
        `SDLM: curvatureAverage must be 'pass' or 'running', got ${JSON.stringify(this.curvatureAverage)}`,
      );
    }
    this.curvature = this.zerosLikeParameters();
    this.stepScale = this.zerosLikeParameters();
    this.onTensors = this.parametersAreTensors();
  }

  override beforeEpoch(context: EpochContext): void | Promise<void> {
    const estimate = context.estimateCurvature(this.samples);
    if (estimate instanceof Promise) return estimate.then((values) => this.takeEstimate(values));
    this.takeEstimate(estimate);
  }

  /** Sets h_kk from a new estimate ('running': averaged into the estimates so far). */
  private takeEstimate(next: readonly Float32Array[]): void {
    let estimate = next;
    if (this.curvatureAverage === 'running' && this.estimated && this.estimates > 0) {
      // Every estimate covers the same number of samples: the running mean over all of them.
      // New arrays: the estimator may hand out buffers it reuses.
      const weight = 1 / (this.estimates + 1);
      estimate = estimate.map((values, index) => {
        const old = this.curvature[index];
        if (values.length !== old.length) return values; // setCurvature names the mismatch
        return old.map((h, i) => h + (values[i] - h) * weight);
      });
    }
    this.setCurvature(estimate);
    this.estimates++;
  }

  /** Sets h_kk (one array per parameter, non-negative) and the per-parameter step sizes. */
  setCurvature(curvature: readonly Float32Array[]): void {
    if (curvature.length !== this.parameters.length) {
      throw new RangeError(
        `SDLM.setCurvature: got ${curvature.length} arrays, expected one per parameter (${this.parameters.length})`,
      );
    }
    curvature.forEach((values, index) => {
      if (values.length !== this.curvature[index].length) {
        throw new RangeError(
          `SDLM.setCurvature: parameter ${index} has ${this.curvature[index].length} values, its curvature ${values.length}`,
        );
      }
      for (let i = 0; i < values.length; i++) {
        if (!(values[i] >= 0) || values[i] === Number.POSITIVE_INFINITY) {
          throw new RangeError(
            `SDLM.setCurvature: parameter ${index}, entry ${i} is ${values[i]}; Gauss-Newton estimates are finite and >= 0`,
          );
        }
      }
      this.curvature[index].set(values);
    });
    this.estimated = true;
    this.updateStepScale();
  }

  /** The smallest and largest per-parameter step eta / (mu + h_kk) at the current learning rate. */
  effectiveLearningRates(): { min: number; max: number } {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const scales of this.stepScale) {
      for (let i = 0; i < scales.length; i++) {
        if (scales[i] < min) min = scales[i];
        if (scales[i] > max) max = scales[i];
      }
    }
    return { min: min * this.learningRate, max: max * this.learningRate };
  }

  /**
   * The share of parameters (0..1) whose h_kk is below mu. Their step eta / (mu + h_kk) lies
   * within a factor 2 of the cap eta / mu, so when the share is near 1 SDLM acts as plain SGD
   * at rate eta / mu (LeNet-5 at the paper's initialisation: 98.5%, see the README).
   */
  shareBelowMu(): number {
    let below = 0;
    let total = 0;
    for (const values of this.curvature) {
      for (let i = 0; i < values.length; i++) if (values[i] < this.mu) below++;
      total += values.length;
    }
    return total === 0 ? 0 : below / total;
  }

  override step(): void {
    if (!this.estimated) {
      throw new Error(
        'SDLM.step: no curvature estimate yet; train with fit() (which estimates it before each pass) or call setCurvature() first',
      );
    }
    // Weight decay, or parameters given as plain arrays, take the loop.
    if (!this.onTensors) {
      super.step();
      return;
    }
    this.stepCount++;
    if (this.weightDecay !== 0) this.addWeightDecayToGradients(this.weightDecay);
    const scaledSteps = this.prepareTensorPath();
    const parameters = this.parameters as readonly Tensor[];
    for (let index = 0; index < parameters.length; index++) {
      const weights = parameters[index];
      const gradient = weights.grad;
      if (gradient) weights.subtractProduct_(scaledSteps[index], gradient);
    }
  }

  private prepareTensorPath(): Tensor[] {
    const backend = getBackend().name;
    let path = this.tensorPath;
    if (path?.backend !== backend) {
      path = {
        backend,
        scaledSteps: this.parameters.map((parameter) => zeros([parameterSize(parameter)])),
        scaledValues: this.zerosLikeParameters(),
        rate: Number.NaN,
      };
      this.tensorPath = path;
    }
    if (path.rate !== this.learningRate) {
      const rate = this.learningRate;
      this.stepScale.forEach((scale, index) => {
        // rate * scale rounded once (as before), then copied in (beta 0, alpha 1: exact).
        const scaled = path.scaledValues[index];
        for (let i = 0; i < scale.length; i++) scaled[i] = rate * scale[i];
        path.scaledSteps[index].add_(scaled, { beta: 0 });
      });
      path.rate = rate;
    }
    return path.scaledSteps;
  }

  protected updateParameter(index: number, weights: Float32Array, gradient: Float32Array): void {
    const rate = this.learningRate;
    const decay = this.weightDecay;
    const scale = this.stepScale[index];
    for (let i = 0; i < weights.length; i++) {
      weights[i] -= rate * scale[i] * (gradient[i] + decay * weights[i]);
    }
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return {
      mu: this.mu,
      samples: this.samples,
      weightDecay: this.weightDecay,
      estimated: this.estimated,
      estimates: this.estimates,
    };
  }

  protected loadHyperparameters(values: Record<string, number | boolean>): void {
    this.mu = checkPositive('mu', readNumber(this.kind, values, 'mu'));
    this.samples = checkSampleCount(readNumber(this.kind, values, 'samples'));
    this.weightDecay = checkNonNegative(
      'weightDecay',
      readNumber(this.kind, values, 'weightDecay'),
    );
    this.estimated = values.estimated === true;
    // Checkpoints written before the count existed used 'pass', where it does not matter.
    this.estimates = typeof values.estimates === 'number' ? values.estimates : 0;
  }

  protected slots(): Record<string, Float32Array[]> {
    return { curvature: this.curvature };
  }

  protected override afterLoad(): void {
    this.updateStepScale();
  }

  private updateStepScale(): void {
    if (this.tensorPath) this.tensorPath.rate = Number.NaN;
    this.curvature.forEach((values, index) => {
      const scale = this.stepScale[index];
      for (let i = 0; i < values.length; i++) scale[i] = 1 / (this.mu + values[i]);
    });
  }
}

function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`SDLM: ${name} must be a finite number > 0, got ${value}`);
  }
  return value;
}

function checkSampleCount(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`SDLM: samples must be an integer >= 1, got ${value}`);
  }
  return value;
}
