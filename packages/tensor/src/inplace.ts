// In-place updates of float32 tensors (optimizers, gradient sums): each one kernel call on
// the tensors' own storage, nothing allocated. Not recorded by autograd (as PyTorch's
// updates under `torch.no_grad()`); the methods `add_`, `mul_` and `subtractProduct_` of
// `Tensor` call these, and `adamUpdate_` is Adam's fused step.
import type { AdamUpdateArgs, AxpyArgs, FillArgs, SubtractProductArgs } from './backend/backend.js';
import { getBackend } from './backend/registry.js';
import { DTypeError, ShapeError } from './errors.js';
import type { DType, Tensor } from './tensor.js';

export interface AddOptions {
  /** Scale of `other` (PyTorch's `alpha`). Default 1. */
  alpha?: number;
  /** Scale of the tensor itself before the addition (`beta`, as in BLAS). Default 1. */
  beta?: number;
}

// Argument objects reused by every call (kernels do not keep them; a trace copies them).
const axpyArgs: AxpyArgs = {
  length: 0,
  alpha: 1,
  x: new Float32Array(0),
  beta: 1,
  y: new Float32Array(0),
};
const productArgs: SubtractProductArgs = {
  length: 0,
  a: new Float32Array(0),
  b: new Float32Array(0),
  output: new Float32Array(0),
};
const empty = new Float32Array(0);

/** target = beta * target + alpha * other; `other` a tensor of the same size or host values. */
export function addInPlace(
  target: Tensor<DType>,
  other: Tensor<DType> | Float32Array,
  options: AddOptions = {},
): void {
  checkFloat('add_', target);
  const source = other instanceof Float32Array ? other : checkFloat('add_', other);
  if (source.length !== target.size) {
    throw new ShapeError(
      'add_',
      [target.shape, other instanceof Float32Array ? [other.length] : other.shape],
      `an other with as many elements as the tensor (${target.size})`,
    );
  }
  const args = axpyArgs;
  args.length = target.size;
  args.alpha = options.alpha ?? 1;
  args.beta = options.beta ?? 1;
  const backend = getBackend();
  // Read the views at use: allocation may move backend memory.
  args.x = other instanceof Float32Array ? other : (other.storage.data as Float32Array);
  args.y = target.storage.data as Float32Array;
  backend.axpy(args);
  args.x = args.y = empty;
}

const fillArgs: FillArgs = { length: 0, value: 0, output: new Float32Array(0) };

/** Every element of target becomes `value` (PyTorch's `fill_`, `zero_`). */
export function fillInPlace(target: Tensor<DType>, value: number): void {
  checkFloat('fill_', target);
  const args = fillArgs;
  args.length = target.size;
  args.value = value;
  args.output = target.storage.data as Float32Array;
  getBackend().fill(args);
  args.output = empty;
}

/** target = factor * target. */
export function mulInPlace(target: Tensor<DType>, factor: number): void {
  checkFloat('mul_', target);
  const args = axpyArgs;
  args.length = target.size;
  args.alpha = 0;
  args.beta = factor;
  args.x = args.y = target.storage.data as Float32Array;
  getBackend().axpy(args);
  args.x = args.y = empty;
}

/** target -= a * b elementwise (each product rounded before the difference). */
export function subtractProductInPlace(
  target: Tensor<DType>,
  a: Tensor<DType>,
  b: Tensor<DType>,
): void {
  checkFloat('subtractProduct_', target);
  checkFloat('subtractProduct_', a);
  checkFloat('subtractProduct_', b);
  if (a.size !== target.size || b.size !== target.size) {
    throw new ShapeError(
      'subtractProduct_',
      [target.shape, a.shape, b.shape],
      `three tensors with as many elements (${target.size})`,
    );
  }
  if (a === target || b === target) {
    throw new RangeError('subtractProduct_: a and b must not be the tensor being updated');
  }
  const args = productArgs;
  args.length = target.size;
  args.a = a.storage.data as Float32Array;
  args.b = b.storage.data as Float32Array;
  args.output = target.storage.data as Float32Array;
  getBackend().subtractProduct(args);
  args.a = args.b = args.output = empty;
}

export interface AdamUpdateOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step number (the bias corrections use it). */
  step: number;
  /** L2 coefficient. Default 0. */
  weightDecay?: number;
  /** AdamW: the decay scales the weights (w *= 1 - lr decay) instead of adding to the gradient. */
  decoupled?: boolean;
}

const adamArgs: AdamUpdateArgs = {
  length: 0,
  weights: empty,
  gradient: empty,
  firstMoment: empty,
  secondMoment: empty,
  beta1: 0,
  beta2: 0,
  epsilon: 0,
  stepSize: 0,
  correction2: 1,
  gradientDecay: 0,
  weightScale: 1,
};

/**
 * One Adam step (Kingma & Ba 2015, bias-corrected) on `weights`, in place, updating the two
 * moment tensors too; one kernel, computed in float64 and stored as float32 (the same bits on
 * every backend). Not recorded by autograd.
 */
export function adamUpdate_(
  weights: Tensor,
  gradient: Tensor,
  firstMoment: Tensor,
  secondMoment: Tensor,
  options: AdamUpdateOptions,
): void {
  for (const t of [weights, gradient, firstMoment, secondMoment]) checkFloat('adamUpdate_', t);
  if (
    gradient.size !== weights.size ||
    firstMoment.size !== weights.size ||
    secondMoment.size !== weights.size
  ) {
    throw new ShapeError(
      'adamUpdate_',
      [weights.shape, gradient.shape, firstMoment.shape, secondMoment.shape],
      `weights, gradient and both moments with as many elements (${weights.size})`,
    );
  }
  const { learningRate, beta1, beta2, epsilon, step } = options;
  const decay = options.weightDecay ?? 0;
  const args = adamArgs;
  args.length = weights.size;
  args.beta1 = beta1;
  args.beta2 = beta2;
  args.epsilon = epsilon;
  args.stepSize = learningRate / (1 - beta1 ** step);
  args.correction2 = 1 - beta2 ** step;
  args.gradientDecay = options.decoupled ? 0 : decay;
  args.weightScale = options.decoupled ? 1 - learningRate * decay : 1;
  const backend = getBackend();
  args.weights = weights.storage.data;
  args.gradient = gradient.storage.data;
  args.firstMoment = firstMoment.storage.data;
  args.secondMoment = secondMoment.storage.data;
  backend.adamUpdate(args);
  args.weights = args.gradient = args.firstMoment = args.secondMoment = empty;
}

function checkFloat(op: string, t: Tensor<DType>): Float32Array {
  if (t.dtype !== 'float32') throw new DTypeError(op, t.dtype, 'float32');
  return t.storage.data as Float32Array;
}
