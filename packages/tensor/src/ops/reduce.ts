// Reductions along axes (sum, mean, max, argmax), sum-to-shape for broadcast gradients, and
// the numerically stable log-softmax / softmax / log-sum-exp, each with its gradient and
// curvature rule (src/autograd.ts). Data is viewed as [outer, axis, inner].
import { gaussNewton, recordOp, withOwnTerm } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { copied, filled } from '../kernel-calls.js';
import { normalizeAxis, sameShape } from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { add, exp, log, mul, neg, relu, square, sub } from './elementwise.js';
import { expand, permute, reshape } from './shape.js';

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
      input: current.kernelData,
      output: next.kernelData,
    });
    current = next;
    shape = nextShape;
    end = start - 1;
  }
  return current === x ? copied(x) : current;
}

/** Sum over `axis` (a number, a list, or all axes), dropping reduced axes unless keepDim. */
export function sum(input: Tensor, axis?: number | readonly number[], keepDim = false): Tensor {
  const x = checkFloat('sum', input);
  const axes = resolveAxes('sum', axis, x.rank);
  const kept = sumKeepDim(x, axes);
  const out = keepDim
    ? kept
    : new Tensor(kept.storage, reducedShape(x.shape, axes, false), 'float32');
  // Linear with Jacobian entries 1: gradient and curvature are both broadcast back.
  const broadcastBack = (value: Tensor) => [expand(reshape(value, kept.shape), x.shape)];
  return recordOp(out, 'sum', [x], broadcastBack, gaussNewton(broadcastBack));
}

/** Mean over `axis` (a number, a list, or all axes): a sum scaled by 1/n, so h scales by 1/n^2. */
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
  getBackend().reduce({
    op: 'max',
    outer,
    axis: length,
    inner,
    input: x.kernelData,
    output: out.kernelData,
  });
  // The Jacobian entries are 1 at the first maximum, 0 elsewhere: gradient and curvature alike
  // go to the maximum, into an explicitly zeroed buffer (scatterAdd accumulates).
  const toMaximum = (value: Tensor) => {
    const indices = Tensor.empty([outer * inner], 'int32');
    const result = filled(x.shape, 0);
    getBackend().argmax({
      outer,
      axis: length,
      inner,
      input: x.kernelData,
      output: indices.kernelData,
    });
    getBackend().scatterAdd({
      outer,
      axis: length,
      count: 1,
      inner,
      source: value.kernelData,
      indices: indices.kernelData,
      output: result.kernelData,
    });
    return [result];
  };
  return recordOp(out, 'max', [x], toMaximum, gaussNewton(toMaximum));
}

/** Index of the first maximum along one axis (or of the flattened tensor), as int32. */
export function argmax(input: Tensor, axis?: number, keepDim = false): Tensor<'int32'> {
  const x = checkFloat('argmax', input);
  const { outer, length, inner, axis: d } = aroundAxis(x, axis, 'argmax');
  if (length === 0) throw new ShapeError('argmax', [x.shape], 'a non-empty axis');
  const out = Tensor.empty(reducedOneAxisShape(x, d, keepDim), 'int32');
  getBackend().argmax({ outer, axis: length, inner, input: x.kernelData, output: out.kernelData });
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

/** Runs `op` on x with `axis` moved last (where the kernels work), and moves it back. */
function alongLastAxis(x: Tensor, d: number, op: (lastAxis: Tensor) => Tensor): Tensor {
  if (d === x.rank - 1) return op(x);
  const order = x.shape.map((_, i) => i).filter((i) => i !== d);
  order.push(d);
  const inverse = order.map((_, i) => order.indexOf(i));
  return permute(op(permute(x, order)), inverse);
}

/** log-softmax of the rows of x [..., columns] with the kernel: [rows, columns, output]. */
function logSoftmaxRows(x: Tensor): { rows: number; columns: number; out: Tensor } {
  const columns = x.shape[x.rank - 1];
  const rows = columns === 0 ? 0 : x.size / columns;
  const out = Tensor.empty(x.shape);
  getBackend().logSoftmax({ rows, columns, input: x.kernelData, output: out.kernelData });
  return { rows, columns, out };
}

/**
 * log(softmax(x)) along `axis` (default last), computed stably as x - max - log(sum(exp(x - max))).
 * Curvature, with p = softmax(x): d lp_i/dx_k = [i = k] - p_k, so the Gauss-Newton term is
 * h_k (1 - 2 p_k) + p_k^2 sum_i h_i; d2 lp_i/dx_k^2 = -p_k (1 - p_k) gives the own term
 * -(sum_i g_i) p_k (1 - p_k), clamped at 0. With nll on top (h = 0, g = -onehot) the own term
 * is the whole curvature p_k (1 - p_k), as for cross-entropy on logits.
 */
export function logSoftmax(input: Tensor, axis = -1): Tensor {
  const x = checkFloat('logSoftmax', input);
  if (x.rank === 0) throw new ShapeError('logSoftmax', [x.shape], 'a tensor of rank >= 1');
  const d = normalizeAxis('logSoftmax', axis, x.rank);
  if (d !== x.rank - 1) return alongLastAxis(x, d, (t) => logSoftmax(t, -1));
  const { rows, columns, out } = logSoftmaxRows(x);
  return recordOp(
    out,
    'logSoftmax',
    [x],
    (g) => {
      const gradInput = Tensor.empty(x.shape);
      getBackend().logSoftmaxBackward({
        rows,
        columns,
        output: out.kernelData,
        gradOutput: g.kernelData,
        gradInput: gradInput.kernelData,
      });
      return [gradInput];
    },
    withOwnTerm((h, g) => {
      const p = exp(out);
      const gaussNewtonTerm = add(mul(h, sub(1, mul(p, 2))), mul(square(p), sum(h, -1, true)));
      const ownTerm = mul(neg(sum(g, -1, true)), mul(p, sub(1, p)));
      return [add(gaussNewtonTerm, relu(ownTerm))];
    }),
  );
}

/**
 * softmax along `axis` (default last): exp(logSoftmax(x)), stable for large logits. Its
 * curvature treats it as a squashing function (eq. 27, own term dropped): with
 * dp_i/dx_k = p_i ([i = k] - p_k), h_k = p_k^2 (1 - p_k)^2 h_k + p_k^2 sum_{i != k} p_i^2 h_i.
 */
export function softmax(input: Tensor, axis = -1): Tensor {
  const x = checkFloat('softmax', input);
  if (x.rank === 0) throw new ShapeError('softmax', [x.shape], 'a tensor of rank >= 1');
  const d = normalizeAxis('softmax', axis, x.rank);
  if (d !== x.rank - 1) return alongLastAxis(x, d, (t) => softmax(t, -1));
  const { out: logProbabilities } = logSoftmaxRows(x);
  const out = Tensor.empty(x.shape);
  getBackend().unary({
    op: 'exp',
    length: x.size,
    input: logProbabilities.kernelData,
    output: out.kernelData,
  });
  return recordOp(
    out,
    'softmax',
    [x],
    // dp_k: p_k (g_k - sum_i g_i p_i)
    (g) => [mul(out, sub(g, sum(mul(g, out), -1, true)))],
    gaussNewton((h) => {
      const squared = square(out);
      const weighted = mul(squared, h); // p_i^2 h_i
      const others = sub(sum(weighted, -1, true), weighted);
      return [add(mul(weighted, square(sub(1, out))), mul(squared, others))];
    }),
  );
}

/**
 * log(sum(exp(x))) along `axis` (default last), stable: m + log(sum(exp(x - m))) with m the
 * maximum. Gradient g p with p = softmax(x); curvature, exact on the diagonal: the Gauss-Newton
 * term p_k^2 h plus the own term g p_k (1 - p_k), clamped at 0.
 */
export function logSumExp(input: Tensor, axis = -1, keepDim = false): Tensor {
  const x = checkFloat('logSumExp', input);
  if (x.rank === 0) throw new ShapeError('logSumExp', [x.shape], 'a tensor of rank >= 1');
  const d = normalizeAxis('logSumExp', axis, x.rank);
  if (x.shape[d] === 0) throw new ShapeError('logSumExp', [x.shape], `a non-empty axis ${d}`);
  const { outer, length, inner } = aroundAxis(x, d, 'logSumExp');
  const keptShape = reducedShape(x.shape, [d], true);
  const maximum = Tensor.empty(keptShape);
  const backend = getBackend();
  backend.reduce({
    op: 'max',
    outer,
    axis: length,
    inner,
    input: x.kernelData,
    output: maximum.kernelData,
  });
  // On a detached view of x: these intermediate ops are not recorded (the op is one node).
  const shifted = exp(sub(detachedView(x), maximum));
  const kept = add(log(sum(shifted, d, true)), maximum);
  const out = new Tensor(kept.storage, reducedShape(x.shape, [d], keepDim), 'float32');
  const probabilities = () => exp(sub(x, reshape(kept, keptShape)));
  return recordOp(
    out,
    'logSumExp',
    [x],
    (g) => [mul(reshape(g, keptShape), probabilities())],
    withOwnTerm((h, g) => {
      const p = probabilities();
      const gaussNewtonTerm = mul(reshape(h, keptShape), square(p));
      const ownTerm = mul(reshape(g, keptShape), mul(p, sub(1, p)));
      return [add(gaussNewtonTerm, relu(ownTerm))];
    }),
  );
}

/** x's storage without its history, so the forward's helper ops are not recorded. */
function detachedView(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape, 'float32');
}
