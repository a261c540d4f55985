import { Tensor } from '@lenet/tensor';
import { whenReadable } from './device-values.js';

/**
 * What an optimizer needs of a parameter: its values and its gradient, both as float32 arrays
 * updated in place. `@lenet/tensor`'s `Tensor` fits. `data` is read once per step (never kept),
 * because a backend may move a tensor's storage between steps.
 */
export interface Parameter {
  readonly data: Float32Array;
  readonly grad: { readonly data: Float32Array } | null | undefined;
}

/** An optimizer's whole state as plain data: hyper-parameters, step count, per-parameter buffers. */
export interface OptimizerState {
  /** Which optimizer wrote it: 'sgd', 'adam', 'adamw' or 'sdlm'. */
  readonly kind: string;
  readonly stepCount: number;
  readonly hyperparameters: Readonly<Record<string, number | boolean>>;
  /** Named buffers ("momentum", "curvature", ...), each one Float32Array per parameter, in order. */
  readonly slots: Readonly<Record<string, readonly Float32Array[]>>;
}

/** What `fit` hands an optimizer before each pass (SDLM re-estimates its curvature here). */
export interface EpochContext {
  /** 0-based pass about to start. */
  readonly epoch: number;
  /**
   * Per-parameter diagonal Gauss-Newton estimates of d2E/dw2, averaged over `sampleCount`
   * training samples drawn with the run's seeded generator; in the optimizer's parameter order.
   * On a device backend (webgpu) the estimates come back later: a promise.
   */
  estimateCurvature(
    sampleCount: number,
  ): readonly Float32Array[] | Promise<readonly Float32Array[]>;
}

/**
 * Base class: holds the parameter list, the learning rate and the step count, and turns the
 * subclass's buffers into a serializable state. Subclasses implement one in-place update per
 * parameter; `step()` never allocates.
 */
export abstract class Optimizer {
  abstract readonly kind: string;
  readonly parameters: readonly Parameter[];
  /** Global learning rate; `fit` sets it from the schedule before every step. */
  learningRate: number;
  /** Number of `step()` calls so far (Adam's bias correction uses it). */
  stepCount = 0;

  protected constructor(parameters: Iterable<Parameter>, learningRate: number) {
    this.parameters = [...parameters];
    if (this.parameters.length === 0) {
      throw new RangeError('optimizer: got no parameters to optimize');
    }
    this.parameters.forEach((parameter, index) => {
      // A tensor's values may live on a GPU (not readable here): its dtype says enough.
      const float32 =
        parameter instanceof Tensor
          ? parameter.dtype === 'float32'
          : parameter?.data instanceof Float32Array;
      if (!float32) {
        throw new TypeError(
          `optimizer: parameter ${index} has no Float32Array data (expected a Tensor or { data, grad })`,
        );
      }
    });
    this.learningRate = checkNonNegative('learningRate', learningRate);
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const parameters = this.parameters;
    for (let index = 0; index < parameters.length; index++) {
      const parameter = parameters[index];
      const gradient = parameter.grad;
      if (gradient) this.updateParameter(index, parameter.data, gradient.data);
    }
  }

  /** Sets every parameter's gradient to zero, in place. */
  zeroGrad(): void {
    for (const parameter of this.parameters) {
      const grad = parameter.grad;
      if (grad instanceof Tensor) grad.fill_(0);
      else grad?.data.fill(0);
    }
  }

  /**
   * Called (and awaited) by `fit` before each pass; SDLM re-estimates its curvature here (a
   * promise when the estimate does come back later).
   */
  beforeEpoch(_context: EpochContext): void | Promise<void> {}

  /** A deep copy of the state, safe to keep while training goes on. */
  stateDict(): OptimizerState {
    const slots: Record<string, Float32Array[]> = {};
    for (const [name, buffers] of Object.entries(this.slots())) {
      slots[name] = buffers.map((buffer) =>
        buffer instanceof Tensor ? Float32Array.from(buffer.toArray() as number[]) : buffer.slice(),
      );
    }
    return {
      kind: this.kind,
      stepCount: this.stepCount,
      hyperparameters: { learningRate: this.learningRate, ...this.hyperparameters() },
      slots,
    };
  }

  /**
   * `stateDict()` on any backend: buffers kept as tensors (SGD's velocity, Adam's moments) are
   * read back first when they live on a device (webgpu); at once on the CPU backends.
   */
  async readStateDict(): Promise<OptimizerState> {
    const tensors = Object.values(this.slots())
      .flat()
      .filter((buffer): buffer is Tensor => buffer instanceof Tensor);
    return await whenReadable(tensors, () => this.stateDict());
  }

  /** Restores a state written by `stateDict()` of the same kind of optimizer on the same parameters. */
  loadStateDict(state: OptimizerState): void {
    if (state?.kind !== this.kind) {
      throw new TypeError(
        `${this.kind}.loadStateDict: state was written by optimizer '${state?.kind}', expected '${this.kind}'`,
      );
    }
    const own = this.slots();
    const expectedNames = Object.keys(own).sort().join(', ');
    const givenNames = Object.keys(state.slots ?? {})
      .sort()
      .join(', ');
    if (expectedNames !== givenNames) {
      throw new RangeError(
        `${this.kind}.loadStateDict: expected buffers [${expectedNames}], got [${givenNames}]`,
      );
    }
    for (const [name, buffers] of Object.entries(own)) {
      const given = state.slots[name];
      if (given.length !== buffers.length) {
        throw new RangeError(
          `${this.kind}.loadStateDict: buffer '${name}' has ${given.length} entries, expected one per parameter (${buffers.length})`,
        );
      }
      buffers.forEach((buffer, index) => {
        const length = buffer instanceof Tensor ? buffer.size : buffer.length;
        if (given[index].length !== length) {
          throw new RangeError(
            `${this.kind}.loadStateDict: buffer '${name}' of parameter ${index} has ${given[index].length} values, expected ${length}`,
          );
        }
      });
    }
    const { learningRate, ...rest } = state.hyperparameters;
    this.learningRate = checkNonNegative('learningRate', Number(learningRate));
    this.loadHyperparameters(rest);
    for (const [name, buffers] of Object.entries(own)) {
      buffers.forEach((buffer, index) => {
        const values = state.slots[name][index];
        // A tensor is written through a kernel (beta 0: the old values are ignored).
        if (buffer instanceof Tensor) buffer.add_(Float32Array.from(values), { beta: 0 });
        else buffer.set(values);
      });
    }
    this.stepCount = state.stepCount;
    this.afterLoad();
  }

  /** Updates `weights` in place from `gradient` (parameter `index`). Must not allocate. */
  protected abstract updateParameter(
    index: number,
    weights: Float32Array,
    gradient: Float32Array,
  ): void;

  /** Hyper-parameters other than the learning rate. */
  protected abstract hyperparameters(): Record<string, number | boolean>;

  protected abstract loadHyperparameters(values: Record<string, number | boolean>): void;

  /**
   * The per-parameter buffers, by name (the live arrays or tensors, not copies): tensors are
   * read with `toArray()` and written with `add_`, never through a view of their storage.
   */
  protected abstract slots(): Record<string, (Float32Array | Tensor)[]>;

  /** Recomputes anything derived from the slots after a load. */
  protected afterLoad(): void {}

  /**
   * Whether the update can run as tensor ops: every parameter a float32 `Tensor` (as in `fit`),
   * not a plain `{ data, grad }` pair.
   */
  protected parametersAreTensors(): boolean {
    return this.parameters.every(
      (parameter) => parameter instanceof Tensor && parameter.dtype === 'float32',
    );
  }

  /** One zeroed buffer per parameter, the size of that parameter. */
  protected zerosLikeParameters(): Float32Array[] {
    return this.parameters.map((parameter) => new Float32Array(parameterSize(parameter)));
  }

  /**
   * With L2 weight decay beta on tensors: g += beta w for every parameter with a gradient, one
   * in-place kernel each (the gradient of E + beta/2 |w|^2), so that the update that follows
   * runs on the parameters' backend (a GPU's included) like the undecayed one.
   */
  protected addWeightDecayToGradients(decay: number): void {
    const scales = { alpha: decay, beta: 1 };
    for (const parameter of this.parameters as readonly Tensor[]) {
      parameter.grad?.add_(parameter, scales);
    }
  }
}

/** Values in a parameter (without reading them: a tensor's may live on a GPU). */
export function parameterSize(parameter: Parameter): number {
  return parameter instanceof Tensor ? parameter.size : parameter.data.length;
}

export function checkNonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`optimizer: ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

export function checkFraction(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new RangeError(`optimizer: ${name} must be in [0, 1), got ${value}`);
  }
  return value;
}

export function readNumber(
  kind: string,
  values: Record<string, number | boolean>,
  name: string,
): number {
  const value = values[name];
  if (typeof value !== 'number') {
    throw new TypeError(`${kind}.loadStateDict: hyper-parameter '${name}' missing or not a number`);
  }
  return value;
}
