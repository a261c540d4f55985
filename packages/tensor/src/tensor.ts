// The Tensor class: a shape, a dtype and a backend-owned storage, plus the autograd fields.
// Ops live in src/ops/ (one file per family, forward and backward together); the methods here
// are thin forwards to them so that `x.matmul(w).add(b).tanh()` reads left to right.
import { type BackwardOptions, backward, backwardCurvature } from './autograd.js';
import type { Storage } from './backend/backend.js';
import { getBackend } from './backend/registry.js';
import { deviceResidency, notReadableError } from './device-residency.js';
import { DTypeError } from './errors.js';
import { formatTensor } from './format.js';
import {
  type AddOptions,
  addInPlace,
  fillInPlace,
  mulInPlace,
  subtractProductInPlace,
} from './inplace.js';
import * as elementwise from './ops/elementwise.js';
import * as indexing from './ops/indexing.js';
import { matmul } from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as shapeOps from './ops/shape.js';
import { shapeSize } from './shape-utils.js';
import { sync } from './sync.js';

export type DType = 'float32' | 'int32';

/** The typed array behind a dtype. */
export type DataOf<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

/** Int32 tensors (labels, indices) live in ordinary JavaScript memory. */
export interface Int32Storage {
  readonly length: number;
  readonly data: Int32Array;
}

/** A nested JavaScript array of numbers, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * One recorded operation on the autograd tape: the op's name (for errors and graph export),
 * its inputs, and the function that maps the gradient of its output to one gradient per input
 * (null where an input does not need one). Created by ops through `recordOp` (src/autograd.ts).
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor<DType>[];
  backward(gradOutput: Tensor): readonly (Tensor | null)[];
  /** The op's curvature rule (see `backwardCurvature`), or null when it has none. */
  readonly curvature: CurvatureRule | null;
}

/**
 * An op's rule for the Gauss-Newton curvature pass (src/autograd.ts): maps the diagonal
 * curvature h of the output (and, when `usesGradient`, its gradient g, for the op's own
 * second-derivative term) to one diagonal curvature per input (null for inputs that do not
 * require grad). Build one with `gaussNewton` or `withOwnTerm`.
 */
export interface CurvatureRule {
  readonly usesGradient: boolean;
  apply(curvatureOutput: Tensor, gradOutput: Tensor | null): readonly (Tensor | null)[];
}

/** What `compile` watches while it traces (src/compile/trace.ts). */
export interface TraceObserver {
  /** A `Tensor.data` read: the array and the storage it belongs to. */
  data(storage: Storage | Int32Storage, data: Float32Array | Int32Array): void;
  /** An assignment to `.grad` or `.curvature`; the observer performs it (and records it for replays). */
  assignAccumulator(
    tensor: Tensor<DType>,
    field: 'grad' | 'curvature',
    value: Tensor | null,
    assign: () => void,
  ): void;
}
let traceObserver: TraceObserver | null = null;

/** @internal Set by `compile` while it traces; null ends it. */
export function setTraceObserver(observer: TraceObserver | null): void {
  traceObserver = observer;
}

export class Tensor<D extends DType = 'float32'> {
  /** Sizes of each dimension, row-major; [] for a scalar. */
  readonly shape: readonly number[];
  /** Number of elements (product of the shape; 1 for a scalar). */
  readonly size: number;
  readonly dtype: D;
  /**
   * The gradient accumulated by `backward()`: set on leaves that require grad and on
   * non-leaves that called `retainGrad()`. Accumulates (+=) over backward calls until reset
   * (`t.grad = null`, or an optimizer's zeroGrad()).
   */
  get grad(): Tensor | null {
    return this.#grad;
  }

  set grad(value: Tensor | null) {
    if (traceObserver === null) {
      this.#grad = value;
      return;
    }
    traceObserver.assignAccumulator(this, 'grad', value, () => {
      this.#grad = value;
    });
  }

  #grad: Tensor | null = null;

  /**
   * The diagonal Gauss-Newton curvature d2E/dx^2 accumulated by `backwardCurvature()` on
   * leaves that require grad (SDLM's h_kk). Accumulates like `.grad` until reset (`= null`).
   */
  get curvature(): Tensor | null {
    return this.#curvature;
  }

  set curvature(value: Tensor | null) {
    if (traceObserver === null) {
      this.#curvature = value;
      return;
    }
    traceObserver.assignAccumulator(this, 'curvature', value, () => {
      this.#curvature = value;
    });
  }

  #curvature: Tensor | null = null;
  /** @internal The op that produced this tensor (null for leaves and under noGrad). */
  gradNode: GradNode | null = null;
  /** @internal Whether a non-leaf keeps its gradient (see `retainGrad`). */
  retainsGrad = false;
  /** @internal Backend storage (float32) or JavaScript storage (int32). */
  readonly storage: D extends 'int32' ? Int32Storage : Storage;
  private requiresGradFlag = false;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) instead. */
  constructor(
    storage: D extends 'int32' ? Int32Storage : Storage,
    shape: readonly number[],
    dtype: D,
  ) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.size = shapeSize(shape);
    this.dtype = dtype;
  }

  /**
   * The current typed-array view of the elements (Float32Array or Int32Array), row-major.
   * Read it at use: a backend may re-create the view when its memory grows. Writing into it
   * changes the tensor in place (autograd does not see such writes). On a device backend
   * (webgpu) the values must be read back first: `await t.sync()`, else this throws.
   */
  get data(): DataOf<D> {
    return this.hostData('Tensor.data');
  }

  /**
   * @internal The array a kernel call receives for this tensor (ops pass it as an argument):
   * never read back, never checked; on a device backend the host copy may be stale.
   */
  get kernelData(): DataOf<D> {
    const data = this.storage.data as DataOf<D>;
    if (traceObserver !== null) traceObserver.data(this.storage, data);
    return data;
  }

  /**
   * The host array, checked readable. `writable`: the caller gets the view itself and may write
   * it (a device backend then uploads it before a kernel uses it); copies (`toArray`, `item`)
   * only read.
   */
  private hostData(what: string, writable = true): DataOf<D> {
    const data = this.kernelData;
    const residency = deviceResidency();
    if (
      residency !== null &&
      !(writable ? residency.hostAccess(data) : residency.isReadable(data))
    ) {
      throw notReadableError(what, this, residency.backend);
    }
    return data;
  }

  /**
   * Resolves (to this tensor) once its values are readable on the host: on a device backend
   * (webgpu) it submits the recorded work and reads the values back; immediate on the CPU
   * backends. `await sync(a, b)` reads several tensors back in one batch.
   */
  async sync(): Promise<this> {
    await sync(this);
    return this;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * Whether autograd records ops on this tensor. Settable on leaves (parameters); a tensor
   * produced by an op requires grad when any input did and grad mode was on.
   */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }

  set requiresGrad(value: boolean) {
    if (value && this.dtype !== 'float32') {
      throw new DTypeError(
        'requiresGrad',
        this.dtype,
        'float32 (only float tensors have gradients)',
      );
    }
    if (!value && this.gradNode) {
      throw new Error('requiresGrad: cannot turn off on a tensor produced by an op; use detach()');
    }
    this.requiresGradFlag = value;
  }

  /** True for tensors not produced by a recorded op (inputs, parameters). */
  get isLeaf(): boolean {
    return this.gradNode === null;
  }

  /**
   * Keep `.grad` on this non-leaf tensor after `backward()` (by default only leaves keep
   * theirs, as in PyTorch, so intermediate gradients are freed). No effect on leaves.
   */
  retainGrad(): this {
    if (!this.requiresGrad) throw new Error('retainGrad: tensor does not require grad');
    this.retainsGrad = true;
    return this;
  }

  /** The elements as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    const data = this.hostData('toArray', false);
    const shape = this.shape;
    if (shape.length === 0) return data[0];
    let position = 0;
    const build = (dimension: number): NestedArray[] => {
      const out: NestedArray[] = new Array(shape[dimension]);
      for (let i = 0; i < shape[dimension]; i++) {
        out[i] = dimension === shape.length - 1 ? data[position++] : build(dimension + 1);
      }
      return out;
    };
    return build(0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item: tensor has ${this.size} elements, shape [${this.shape.join(', ')}]; expected exactly 1`,
      );
    }
    return this.hostData('item', false)[0];
  }

  /** NumPy-style text (large tensors summarised with `...`). */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * Back-propagates from this tensor: a one-element loss, or any tensor given `gradient` of
   * its shape. Adds into `.grad` of every leaf that requires grad (and of non-leaves that
   * called retainGrad()), then releases the graph unless `{ retainGraph: true }`.
   */
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }

  /**
   * The curvature pass (LeCun et al. 1998 eqs. 22-27) from this one-element loss: adds each
   * leaf's diagonal Gauss-Newton d2E/dx^2 into its `.curvature` (see src/autograd.ts).
   */
  backwardCurvature(options?: BackwardOptions): void {
    backwardCurvature(this, options);
  }

  /** Same storage, no history (see `detach`). */
  detach(): Tensor<D> {
    return shapeOps.detach(this);
  }

  /** A copy with its own storage; gradients flow through. */
  clone(): Tensor<D> {
    return shapeOps.clone(this);
  }

  /**
   * In place: this = beta * this + alpha * other (PyTorch's `add_(other, alpha=)`, plus
   * `beta`), as one kernel. `other` has as many elements, or is a Float32Array of host
   * values. Not recorded by autograd (an optimizer's update). Returns this.
   */
  add_(other: Tensor | Float32Array, options?: AddOptions): this {
    addInPlace(this, other, options);
    return this;
  }

  /** In place: every element becomes `value` (0 zeroes a gradient). Not recorded by autograd. */
  fill_(value: number): this {
    fillInPlace(this, value);
    return this;
  }

  /** In place: this = factor * this. Not recorded by autograd. Returns this. */
  mul_(factor: number): this {
    mulInPlace(this, factor);
    return this;
  }

  /**
   * In place: this -= a * b elementwise (PyTorch's `addcmul_(a, b, value=-1)`), each product
   * rounded before the difference. Not recorded by autograd. Returns this.
   */
  subtractProduct_(a: Tensor, b: Tensor): this {
    subtractProductInPlace(this, a, b);
    return this;
  }

  /** int32 values as float32 (a float32 tensor is returned as is). */
  toFloat32(): Tensor {
    return shapeOps.toFloat32(this);
  }

  // Layout (see src/ops/shape.ts).
  reshape(shape: readonly number[]): Tensor<D> {
    return shapeOps.reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor<D> {
    return shapeOps.reshape(this, shape);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor<D> {
    return shapeOps.flatten(this, startAxis, endAxis);
  }
  squeeze(axis?: number): Tensor<D> {
    return shapeOps.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor<D> {
    return shapeOps.unsqueeze(this, axis);
  }
  permute(axes: readonly number[]): Tensor<D> {
    return shapeOps.permute(this, axes);
  }
  transpose(axis0 = -2, axis1 = -1): Tensor<D> {
    return shapeOps.transpose(this, axis0, axis1);
  }
  expand(this: Tensor, shape: readonly number[]): Tensor {
    return shapeOps.expand(this, shape);
  }
  slice(start: number, end?: number, axis = 0): Tensor<D> {
    return shapeOps.slice(this, start, end, axis);
  }
  index(i: number): Tensor<D> {
    return shapeOps.index(this, i);
  }
  pad(widths: readonly (readonly [number, number])[], value = 0): Tensor<D> {
    return shapeOps.pad(this, widths, value);
  }

  // Element-wise (see src/ops/elementwise.ts).
  add(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.add(this, other);
  }
  sub(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.sub(this, other);
  }
  mul(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.mul(this, other);
  }
  div(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.div(this, other);
  }
  pow(this: Tensor, exponent: Tensor | number): Tensor {
    return elementwise.pow(this, exponent);
  }
  maximum(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.maximum(this, other);
  }
  minimum(this: Tensor, other: Tensor | number): Tensor {
    return elementwise.minimum(this, other);
  }
  neg(this: Tensor): Tensor {
    return elementwise.neg(this);
  }
  exp(this: Tensor): Tensor {
    return elementwise.exp(this);
  }
  log(this: Tensor): Tensor {
    return elementwise.log(this);
  }
  sqrt(this: Tensor): Tensor {
    return elementwise.sqrt(this);
  }
  abs(this: Tensor): Tensor {
    return elementwise.abs(this);
  }
  square(this: Tensor): Tensor {
    return elementwise.square(this);
  }
  tanh(this: Tensor): Tensor {
    return elementwise.tanh(this);
  }
  sigmoid(this: Tensor): Tensor {
    return elementwise.sigmoid(this);
  }
  relu(this: Tensor): Tensor {
    return elementwise.relu(this);
  }
  scaledTanh(this: Tensor): Tensor {
    return elementwise.scaledTanh(this);
  }

  // Reductions (see src/ops/reduce.ts).
  sum(this: Tensor, axis?: number | readonly number[], keepDim = false): Tensor {
    return reduce.sum(this, axis, keepDim);
  }
  mean(this: Tensor, axis?: number | readonly number[], keepDim = false): Tensor {
    return reduce.mean(this, axis, keepDim);
  }
  max(this: Tensor, axis?: number, keepDim = false): Tensor {
    return reduce.max(this, axis, keepDim);
  }
  argmax(this: Tensor, axis?: number, keepDim = false): Tensor<'int32'> {
    return reduce.argmax(this, axis, keepDim);
  }
  logSoftmax(this: Tensor, axis = -1): Tensor {
    return reduce.logSoftmax(this, axis);
  }
  softmax(this: Tensor, axis = -1): Tensor {
    return reduce.softmax(this, axis);
  }

  // Products and indexing.
  matmul(this: Tensor, other: Tensor): Tensor {
    return matmul(this, other);
  }
  gather(this: Tensor, axis: number, indices: Tensor<'int32'>): Tensor {
    return indexing.gather(this, axis, indices);
  }

  /** @internal Allocates an uninitialised (zero-filled) tensor of this class. */
  static empty<D extends DType = 'float32'>(shape: readonly number[], dtype?: D): Tensor<D> {
    const type = (dtype ?? 'float32') as D;
    const size = shapeSize(shape);
    const storage =
      type === 'int32' ? { length: size, data: new Int32Array(size) } : getBackend().allocate(size);
    return new Tensor<D>(storage as D extends 'int32' ? Int32Storage : Storage, shape, type);
  }
}
