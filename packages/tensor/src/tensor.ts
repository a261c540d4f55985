// The Tensor class: a shape, a dtype and a backend-owned storage, plus the autograd fields.
// Ops live in src/ops/ (one file per family, forward and backward together); the methods here
// are thin forwards to them so that `x.matmul(w).add(b).tanh()` reads left to right.
import { getBackend, type Storage } from './backend/backend.js';
import { DTypeError } from './errors.js';
import { formatTensor } from './format.js';
import { shapeSize } from './shape-utils.js';

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
  grad: Tensor | null = null;
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
   * changes the tensor in place (autograd does not see such writes).
   */
  get data(): DataOf<D> {
    return this.storage.data as DataOf<D>;
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
    const data = this.data;
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
    return this.data[0];
  }

  /** NumPy-style text (large tensors summarised with `...`). */
  toString(): string {
    return formatTensor(this);
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
