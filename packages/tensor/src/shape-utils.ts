// Small helpers on shapes: validation, sizes, strides, axes, broadcasting.
import { AxisError, ShapeError } from './errors.js';

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0)) {
    throw new ShapeError(
      op,
      [Array.isArray(shape) ? shape : []],
      `a list of non-negative integers (got ${String(shape)})`,
    );
  }
  return [...shape];
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, d) => size === b[d]);
}

/** Resolves a possibly negative axis against `rank`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new AxisError(op, axis, rank);
  return axis < 0 ? axis + rank : axis;
}

/** The NumPy broadcast of two shapes, or a ShapeError naming `op`. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const sizeA = a[a.length - rank + d] ?? 1;
    const sizeB = b[b.length - rank + d] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      throw new ShapeError(
        op,
        [a, b],
        `shapes that broadcast (each dimension equal or 1; dimension ${d} has ${sizeA} and ${sizeB})`,
      );
    }
    out[d] = sizeA === 1 ? sizeB : sizeA;
  }
  return out;
}

/** Strides to read a tensor of `shape` as if it had the (broadcast) shape `target`: 0 where broadcast. */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const offset = target.length - shape.length;
  return target.map((_, d) => {
    const source = d - offset;
    if (source < 0 || shape[source] === 1) return 0;
    return own[source];
  });
}
