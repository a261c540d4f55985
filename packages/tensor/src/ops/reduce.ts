// Reductions along axes (sum, mean, max, argmax), sum-to-shape for broadcast gradients, and
// the numerically stable log-softmax / softmax. Data is viewed as [outer, axis, inner].
import { recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { normalizeAxis, sameShape } from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { exp, mul } from './elementwise.js';
import { copyInto, expand, permute, reshape } from './shape.js';

/** Sorted, distinct, non-negative axes; all axes when `axis` is undefined. */
function resolveAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, d) => d);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const axes = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((a, b) => a - b);
  return axes;
}

function product(values: readonly number[]): number {
  let p = 1;
  for (const v of values) p *= v;
  return p;
}

/** The shape with `axes` set to 1 (keepDim) or removed. */
function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDim: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((size, d) => {
    if (!axes.includes(d)) out.push(size);
    else if (keepDim) out.push(1);
  });
  return out;
}

/** Sums over `axes` with a sum kernel call per run of neighbouring axes; keeps dims as 1. */
function sumKeepDim(x: Tensor, axes: readonly number[]): Tensor {
  let current = x;
  let shape = [...x.shape];
  // Runs of consecutive axes, right to left (each call leaves the shape's rank unchanged).
  let end = axes.length - 1;
  while (end >= 0) {
    let start = end;
    while (start > 0 && axes[start - 1] === axes[start] - 1) start--;
    const first = axes[start];
    const last = axes[end];
    const outer = product(shape.slice(0, first));
    const axisLength = product(shape.slice(first, last + 1));
    const inner = product(shape.slice(last + 1));
    const nextShape = shape.map((size, d) => (d >= first && d <= last ? 1 : size));
    const next = Tensor.empty(nextShape);
    getBackend().reduce({
      op: 'sum',
      outer,
      axis: axisLength,
      inner,
      input: current.data,
      output: next.data,
    });
    current = next;
    shape = nextShape;
    end = start - 1;
  }
  return current === x ? copyOf(x) : current;
}

function copyOf(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  copyInto(out, x);
  return out;
}

/** Sum over `axis` (a number, a list, or all axes), dropping reduced axes unless keepDim. */
export function sum(input: Tensor, axis?: number | readonly number[], keepDim = false): Tensor {
  const x = checkFloat('sum', input);
  const axes = resolveAxes('sum', axis, x.rank);
  const kept = sumKeepDim(x, axes);
  const out = keepDim
    ? kept
    : new Tensor(kept.storage, reducedShape(x.shape, axes, false), 'float32');
  return recordOp(out, 'sum', [x], (g) => [expand(reshape(g, kept.shape), x.shape)]);
}

/** Mean over `axis` (a number, a list, or all axes). */
export function mean(input: Tensor, axis?: number | readonly number[], keepDim = false): Tensor {
  const x = checkFloat('mean', input);
  const axes = resolveAxes('mean', axis, x.rank);
  const count = product(axes.map((d) => x.shape[d]));
  return mul(sum(x, axes, keepDim), 1 / count);
}

/** [outer, axis, inner] sizes of x around one axis, or of the flattened x when axis is undefined. */
function aroundAxis(x: Tensor<DType>, axis: number | undefined, op: string) {
  if (axis === undefined) return { outer: 1, length: x.size, inner: 1, axis: -1 };
  const d = normalizeAxis(op, axis, x.rank);
  return {
    outer: product(x.shape.slice(0, d)),
    length: x.shape[d],
    inner: product(x.shape.slice(d + 1)),
    axis: d,
  };
}

function reducedOneAxisShape(x: Tensor<DType>, axis: number, keepDim: boolean): number[] {
  if (axis < 0) return keepDim ? x.shape.map(() => 1) : [];
  return reducedShape(x.shape, [axis], keepDim);
}

/**
 * Maximum along one axis (or over all elements). NaN propagates. The gradient flows to the
 * first maximal element only.
 */
export function max(input: Tensor, axis?: number, keepDim = false): Tensor {
  const x = checkFloat('max', input);
  const { outer, length, inner, axis: d } = aroundAxis(x, axis, 'max');
  if (length === 0)
    throw new ShapeError('max', [x.shape], 'a non-empty axis to take the maximum of');
  const out = Tensor.empty(reducedOneAxisShape(x, d, keepDim));
  getBackend().reduce({ op: 'max', outer, axis: length, inner, input: x.data, output: out.data });
  return recordOp(out, 'max', [x], (g) => {
    const indices = new Int32Array(outer * inner);
    const gradInput = Tensor.empty(x.shape);
    getBackend().argmax({ outer, axis: length, inner, input: x.data, output: indices });
    getBackend().scatterAdd({
      outer,
      axis: length,
      count: 1,
      inner,
      source: g.data,
      indices,
      output: gradInput.data,
    });
    return [gradInput];
  });
}

/** Index of the first maximum along one axis (or of the flattened tensor), as int32. */
export function argmax(input: Tensor, axis?: number, keepDim = false): Tensor<'int32'> {
  const x = checkFloat('argmax', input);
  const { outer, length, inner, axis: d } = aroundAxis(x, axis, 'argmax');
  if (length === 0) throw new ShapeError('argmax', [x.shape], 'a non-empty axis');
  const out = Tensor.empty(reducedOneAxisShape(x, d, keepDim), 'int32');
  getBackend().argmax({ outer, axis: length, inner, input: x.data, output: out.data });
  return recordOp(out, 'argmax', [], () => []);
}

/**
 * Sums `g` down to `shape`, the shape of an operand that was broadcast to g's shape: the
 * gradient rule of every broadcasting op.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.rank; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  }
  return reshape(sum(g, axes, true), shape);
}

/** log(softmax(x)) along `axis` (default last), computed stably as x - max - log(sum(exp(x - max))). */
export function logSoftmax(input: Tensor, axis = -1): Tensor {
  const x = checkFloat('logSoftmax', input);
  if (x.rank === 0) throw new ShapeError('logSoftmax', [x.shape], 'a tensor of rank >= 1');
  const d = normalizeAxis('logSoftmax', axis, x.rank);
  if (d !== x.rank - 1) {
    // Move the axis last, where the kernel works, and back.
    const order = x.shape.map((_, i) => i).filter((i) => i !== d);
    order.push(d);
    const inverse = order.map((_, i) => order.indexOf(i));
    return permute(logSoftmax(permute(x, order), -1), inverse);
  }
  const columns = x.shape[d];
  const rows = columns === 0 ? 0 : x.size / columns;
  const out = Tensor.empty(x.shape);
  getBackend().logSoftmax({ rows, columns, input: x.data, output: out.data });
  return recordOp(out, 'logSoftmax', [x], (g) => {
    const gradInput = Tensor.empty(x.shape);
    getBackend().logSoftmaxBackward({
      rows,
      columns,
      output: out.data,
      gradOutput: g.data,
      gradInput: gradInput.data,
    });
    return [gradInput];
  });
}

/** softmax along `axis` (default last): exp(logSoftmax(x)), stable for large logits. */
export function softmax(input: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(input, axis));
}
