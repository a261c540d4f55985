/**
 * What one layer contributes to an execution plan: a step that runs the layer's forward,
 * backward and Gauss-Newton passes on buffers allocated once, by calling the backend kernels
 * directly (no tensors, no tape). Every kernel argument object is built once and only its
 * typed-array fields are refreshed at call time, because a `Storage`'s `data` view may be
 * re-created when WebAssembly memory grows.
 */
import { type Backend, type Storage, type Tensor, zerosLike } from '@lenet/tensor';

/** Where a step reads its input and writes the gradient (or curvature) of that input. */
export interface StepContext {
  readonly backend: Backend;
  /** Most samples one call handles; every buffer is sized for it. */
  readonly capacity: number;
  /** Shape of one input sample (no batch dimension). */
  readonly inputShape: readonly number[];
  readonly input: Storage;
  /** Gradient of the input in the backward pass, its curvature in the Hessian pass. */
  readonly gradInput: Storage;
  /** A zero-filled backend buffer of `length` floats. */
  allocate(length: number): Storage;
  /**
   * A buffer for gradients or Hessian scratch: zero-length when the plan was compiled for
   * inference only. Steps allocate everything in their constructor: a plan allocates nothing
   * once compiled, so arrays a caller hands it (views of backend memory) stay valid.
   */
  allocateGradient(length: number): Storage;
}

/** Receives per-parameter second-derivative sums in the Hessian pass. */
export interface HessianSink {
  add(parameter: Tensor, values: Float32Array): void;
}

export interface PlanStep {
  /** Shape of one output sample. */
  readonly outputShape: readonly number[];
  readonly output: Storage;
  /** Gradient of the output (backward) or its curvature (Hessian pass); the next step's gradInput. */
  readonly gradOutput: Storage;
  /** Reads the input of `count` samples, writes the output. */
  forward(count: number): void;
  /**
   * From the output gradient (which it may overwrite), sets (replaces) the gradients of its
   * parameters and, when asked, writes the input gradient.
   */
  backward(count: number, needInputGradient: boolean): void;
  /** Once per Hessian estimate, before the first `hessian` call (e.g. squares the weights). */
  prepareHessian?(): void;
  /**
   * Gauss-Newton pass (eq. 27): from the output curvature in `gradOutput` (overwritten),
   * adds each parameter's d2E/dw2 to `sink` and, when asked, writes the input curvature.
   * `lossGradient` (per pattern, not averaged) is given to the last step only.
   */
  hessian(
    count: number,
    needInputCurvature: boolean,
    lossGradient: Float32Array | null,
    sink: HessianSink,
  ): void;
}

/** The gradient buffer of `parameter`, created once (zeros) if it has none. */
export function gradientOf(parameter: Tensor): Float32Array {
  let grad = parameter.grad;
  if (!grad || grad.size !== parameter.size) {
    grad = zerosLike(parameter);
    parameter.grad = grad;
  }
  return grad.data;
}

/** Product of the sizes. */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const length of shape) size *= length;
  return size;
}

/** out[i] = values[i]^2 for the first `length` entries. */
export function squareInto(values: Float32Array, out: Float32Array, length: number): void {
  for (let i = 0; i < length; i++) out[i] = values[i] * values[i];
}

/** A GEMM argument object with the constant fields filled in; callers set arrays and sizes. */
export function gemmArgs(a: Float32Array, b: Float32Array, c: Float32Array) {
  return {
    batch: 1,
    m: 0,
    n: 0,
    k: 0,
    transA: false,
    transB: false,
    alpha: 1,
    beta: 0,
    a,
    aOffset: 0,
    lda: 0,
    aBatchStride: 0,
    b,
    bOffset: 0,
    ldb: 0,
    bBatchStride: 0,
    c,
    cOffset: 0,
    ldc: 0,
    cBatchStride: 0,
  };
}
