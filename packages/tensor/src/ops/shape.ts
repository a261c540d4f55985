// Layout ops: reshape (a free view), permute/transpose, expand, slice/index, concat/stack,
// pad, clone/detach and casts. Every copy goes through the backend's strided `copy` kernel.
// Work on float32 and int32 tensors alike (int32 ones never carry gradients). All are linear
// with Jacobian entries 0 or 1, so each curvature rule is its gradient rule applied to h.
import { gaussNewton, recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { hostStep } from '../compile/trace.js';
import { DTypeError, ShapeError } from '../errors.js';
import { copied } from '../kernel-calls.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  normalizeAxis,
  sameShape,
  shapeSize,
} from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkInt } from './checks.js';
import { sumTo } from './reduce.js';

function checkTensor(op: string, x: unknown): void {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/**
 * The same elements with another shape (one entry may be -1: inferred). Shares storage with
 * `x` (tensors are always contiguous), so it costs no copy; writes through one show in both.
 */
export function reshape<D extends DType>(x: Tensor<D>, shape: readonly number[]): Tensor<D> {
  checkTensor('reshape', x);
  const inferred = shape.indexOf(-1);
  const known = shape.reduce((p, s, d) => (d === inferred ? p : p * s), 1);
  const resolved = [...shape];
  if (inferred >= 0) {
    if (shape.lastIndexOf(-1) !== inferred || known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        'reshape',
        [x.shape, shape],
        `a shape with at most one -1 whose other sizes divide ${x.size}`,
      );
    }
    resolved[inferred] = x.size / known;
  }
  checkShape('reshape', resolved);
  if (shapeSize(resolved) !== x.size) {
    throw new ShapeError('reshape', [x.shape, shape], `a shape with ${x.size} elements`);
  }
  const out = new Tensor<D>(x.storage, resolved, x.dtype);
  const back = (value: Tensor) => [reshape(value, x.shape)];
  return recordOp(out, 'reshape', [x], back, gaussNewton(back));
}

/** Alias of `reshape` (every tensor is contiguous, so every reshape is a view). */
export const view = reshape;

/** Merges axes startAxis..endAxis (inclusive, default all) into one. */
export function flatten<D extends DType>(x: Tensor<D>, startAxis = 0, endAxis = -1): Tensor<D> {
  checkTensor('flatten', x);
  if (x.rank === 0) return reshape(x, [1]);
  const start = normalizeAxis('flatten', startAxis, x.rank);
  const end = normalizeAxis('flatten', endAxis, x.rank);
  if (start > end)
    throw new ShapeError('flatten', [x.shape], `startAxis (${startAxis}) <= endAxis (${endAxis})`);
  const merged = x.shape.slice(start, end + 1).reduce((p, s) => p * s, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Inserts a size-1 axis at `axis` (in [-rank-1, rank]). */
export function unsqueeze<D extends DType>(x: Tensor<D>, axis: number): Tensor<D> {
  const d = normalizeAxis('unsqueeze', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Removes size-1 axes (all of them, or just `axis`, which must have size 1). */
export function squeeze<D extends DType>(x: Tensor<D>, axis?: number): Tensor<D> {
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((s) => s !== 1),
    );
  const d = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[d] !== 1) throw new ShapeError('squeeze', [x.shape], `size 1 on axis ${d}`);
  return reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]);
}

/** Reorders axes: output axis i is input axis `axes[i]`. */
export function permute<D extends DType>(x: Tensor<D>, axes: readonly number[]): Tensor<D> {
  checkTensor('permute', x);
  const order = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (order.length !== x.rank || new Set(order).size !== x.rank) {
    throw new ShapeError(
      'permute',
      [x.shape],
      `a permutation of ${x.rank} axes, got [${axes.join(', ')}]`,
    );
  }
  const shape = order.map((a) => x.shape[a]);
  const out = Tensor.empty(shape, x.dtype);
  const strides = contiguousStrides(x.shape);
  getBackend().copy({
    shape,
    input: x.kernelData,
    inputOffset: 0,
    inputStrides: order.map((a) => strides[a]),
    output: out.kernelData,
    outputOffset: 0,
    outputStrides: contiguousStrides(shape),
  });
  const inverse = order.map((_, i) => order.indexOf(i));
  const back = (value: Tensor) => [permute(value, inverse)];
  return recordOp(out, 'permute', [x], back, gaussNewton(back));
}

/** Swaps two axes (the last two by default: a matrix transpose). */
export function transpose<D extends DType>(x: Tensor<D>, axis0 = -2, axis1 = -1): Tensor<D> {
  checkTensor('transpose', x);
  if (x.rank < 2 && axis0 === -2 && axis1 === -1) {
    throw new ShapeError('transpose', [x.shape], 'a tensor of rank >= 2');
  }
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const order = x.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

/** Broadcasts `x` to `shape` (NumPy rules), copying. The gradient sums back. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', x);
  const target = checkShape('expand', shape);
  if (!sameShape(broadcastShapes('expand', x.shape, target), target)) {
    throw new ShapeError(
      'expand',
      [x.shape, target],
      'a target shape that the tensor broadcasts to',
    );
  }
  if (sameShape(x.shape, target)) return x;
  const out = Tensor.empty(target);
  getBackend().copy({
    shape: target,
    input: x.kernelData,
    inputOffset: 0,
    inputStrides: broadcastStrides(x.shape, target),
    output: out.kernelData,
    outputOffset: 0,
    outputStrides: contiguousStrides(target),
  });
  const back = (value: Tensor) => [sumTo(value, x.shape)];
  return recordOp(out, 'expand', [x], back, gaussNewton(back));
}

/** Copies the block of `x` that starts at `starts` and has `shape` (no autograd). */
function crop<D extends DType>(
  x: Tensor<D>,
  starts: readonly number[],
  shape: readonly number[],
): Tensor<D> {
  const out = Tensor.empty(shape, x.dtype);
  const strides = contiguousStrides(x.shape);
  getBackend().copy({
    shape,
    input: x.kernelData,
    inputOffset: starts.reduce((offset, start, d) => offset + start * strides[d], 0),
    inputStrides: strides,
    output: out.kernelData,
    outputOffset: 0,
    outputStrides: contiguousStrides(shape),
  });
  return out;
}

/** A tensor of `shape` filled with `value`, with `x` copied in at `starts` (no autograd). */
function placeInto<D extends DType>(
  shape: readonly number[],
  value: number,
  x: Tensor<D>,
  starts: readonly number[],
): Tensor<D> {
  const out = Tensor.empty(shape, x.dtype);
  // Explicitly, even for 0: a replayed program's buffer is not fresh.
  if (x.dtype === 'float32')
    getBackend().fill({ length: out.size, value, output: out.kernelData as Float32Array });
  else if (value !== 0) out.data.fill(value);
  const strides = contiguousStrides(shape);
  getBackend().copy({
    shape: x.shape,
    input: x.kernelData,
    inputOffset: 0,
    inputStrides: contiguousStrides(x.shape),
    output: out.kernelData,
    outputOffset: starts.reduce((offset, start, d) => offset + start * strides[d], 0),
    outputStrides: strides,
  });
  return out;
}

/**
 * Elements start..end-1 along `axis` (default 0: a range of a batch). Negative positions
 * count from the end; `end` defaults to the axis length. Copies.
 */
export function slice<D extends DType>(
  x: Tensor<D>,
  start: number,
  end?: number,
  axis = 0,
): Tensor<D> {
  checkTensor('slice', x);
  const d = normalizeAxis('slice', axis, x.rank);
  const length = x.shape[d];
  const from = start < 0 ? start + length : start;
  const to = end === undefined ? length : end < 0 ? end + length : end;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > length || from > to) {
    throw new RangeError(
      `slice: range [${start}, ${end ?? length}) is not within axis ${d} of length ${length}`,
    );
  }
  const shape = x.shape.map((s, i) => (i === d ? to - from : s));
  const starts = x.shape.map((_, i) => (i === d ? from : 0));
  const out = crop(x, starts, shape);
  const back = (value: Tensor) => [placeInto(x.shape, 0, value, starts)];
  return recordOp(out, 'slice', [x], back, gaussNewton(back));
}

/** Element `i` along axis 0 (one sample of a batch), with that axis removed. */
export function index<D extends DType>(x: Tensor<D>, i: number): Tensor<D> {
  checkTensor('index', x);
  if (x.rank === 0) throw new ShapeError('index', [x.shape], 'a tensor of rank >= 1');
  const length = x.shape[0];
  if (!Number.isInteger(i) || i < -length || i >= length) {
    throw new RangeError(`index: ${i} is out of range for axis 0 of length ${length}`);
  }
  const position = i < 0 ? i + length : i;
  return reshape(slice(x, position, position + 1), x.shape.slice(1));
}

/** Joins tensors along an existing `axis`; all other sizes must agree. */
export function concat<D extends DType>(tensors: readonly Tensor<D>[], axis = 0): Tensor<D> {
  if (!tensors || tensors.length === 0)
    throw new TypeError('concat: expected a non-empty array of tensors');
  for (const t of tensors) checkTensor('concat', t);
  const first = tensors[0];
  const d = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.dtype !== first.dtype)
      throw new DTypeError('concat', t.dtype, `${first.dtype} like the first tensor`);
    if (t.rank !== first.rank || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        tensors.map((x) => x.shape),
        `equal sizes on every axis but ${d}`,
      );
    }
  }
  const shape = first.shape.map((s, i) =>
    i === d ? tensors.reduce((sum, t) => sum + t.shape[d], 0) : s,
  );
  const out = Tensor.empty(shape, first.dtype);
  const outStrides = contiguousStrides(shape);
  const starts: number[] = [];
  let position = 0;
  for (const t of tensors) {
    starts.push(position);
    getBackend().copy({
      shape: t.shape,
      input: t.kernelData,
      inputOffset: 0,
      inputStrides: contiguousStrides(t.shape),
      output: out.kernelData,
      outputOffset: position * outStrides[d],
      outputStrides: outStrides,
    });
    position += t.shape[d];
  }
  const back = (value: Tensor) =>
    tensors.map((t, k) =>
      t.requiresGrad
        ? crop(
            value,
            shape.map((_, i) => (i === d ? starts[k] : 0)),
            t.shape,
          )
        : null,
    );
  return recordOp(out, 'concat', tensors, back, gaussNewton(back));
}

/** Joins equally shaped tensors along a new `axis`. */
export function stack<D extends DType>(tensors: readonly Tensor<D>[], axis = 0): Tensor<D> {
  if (!tensors || tensors.length === 0)
    throw new TypeError('stack: expected a non-empty array of tensors');
  const first = tensors[0];
  for (const t of tensors) {
    checkTensor('stack', t);
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        'stack',
        tensors.map((x) => x.shape),
        'tensors of equal shape',
      );
    }
  }
  const d = normalizeAxis('stack', axis, first.rank + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/**
 * Pads the last `widths.length` axes: widths[i] = [before, after] for the i-th of those axes,
 * outermost first, filled with `value` (default 0). `pad(images, [[2, 2], [2, 2]], -0.1)`
 * turns [N, 1, 28, 28] into [N, 1, 32, 32] with the paper's background level.
 */
export function pad<D extends DType>(
  x: Tensor<D>,
  widths: readonly (readonly [number, number])[],
  value = 0,
): Tensor<D> {
  checkTensor('pad', x);
  if (widths.length > x.rank) {
    throw new ShapeError(
      'pad',
      [x.shape],
      `at most ${x.rank} [before, after] pairs, got ${widths.length}`,
    );
  }
  const lead = x.rank - widths.length;
  const befores = x.shape.map((_, d) => (d < lead ? 0 : widths[d - lead][0]));
  const afters = x.shape.map((_, d) => (d < lead ? 0 : widths[d - lead][1]));
  for (const w of [...befores, ...afters]) {
    if (!Number.isInteger(w) || w < 0)
      throw new RangeError(
        `pad: widths must be non-negative integers, got ${JSON.stringify(widths)}`,
      );
  }
  if (x.dtype === 'int32' && !Number.isInteger(value)) {
    throw new DTypeError('pad', `non-integer value ${value}`, 'an integer for an int32 tensor');
  }
  const shape = x.shape.map((s, d) => s + befores[d] + afters[d]);
  const out = placeInto(shape, value, x, befores);
  const back = (value: Tensor) => [crop(value, befores, x.shape)];
  return recordOp(out, 'pad', [x], back, gaussNewton(back));
}

/** A copy with its own storage; gradients flow through. */
export function clone<D extends DType>(x: Tensor<D>): Tensor<D> {
  checkTensor('clone', x);
  const out = copied(x);
  const back = (value: Tensor) => [value];
  return recordOp(out, 'clone', [x], back, gaussNewton(back));
}

/** The same storage without history: ops on the result are not traced back to `x`. */
export function detach<D extends DType>(x: Tensor<D>): Tensor<D> {
  checkTensor('detach', x);
  return new Tensor<D>(x.storage, x.shape, x.dtype);
}

/** An int32 tensor's values as float32 (e.g. labels as regression targets). */
export function toFloat32(x: Tensor<DType>): Tensor {
  checkTensor('toFloat32', x);
  if (x.dtype === 'float32') return x as Tensor;
  const int = checkInt('toFloat32', x);
  const out = Tensor.empty(x.shape);
  // Not a kernel (kernels copy one element type): a host step, so a compiled replay repeats it.
  hostStep(() => out.data.set(int.data));
  return out;
}

/**
 * Copies all of `source` into `target` (same dtype and size) with the backend's copy kernel,
 * so compiled programs replay it. @internal
 */
export function copyInto<D extends DType>(target: Tensor<D>, source: Tensor<D>): void {
  getBackend().copy({
    shape: [source.size],
    input: source.kernelData,
    inputOffset: 0,
    inputStrides: [1],
    output: target.kernelData,
    outputOffset: 0,
    outputStrides: [1],
  });
}
