// NumPy-style printing: values right-aligned to a common width, rows on their own lines,
// blank lines between higher-dimensional blocks, and `...` past 1000 elements.
import { isReadable } from './sync.js';
import type { DType, Tensor } from './tensor.js';

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

export function formatTensor(tensor: Tensor<DType>): string {
  const { shape, dtype } = tensor;
  if (!isReadable(tensor)) {
    return `tensor(<on the device; await t.sync() to read>, shape=[${shape.join(', ')}], dtype=${dtype})`;
  }
  const data = tensor.data;
  const summarise = tensor.size > SUMMARY_THRESHOLD;
  const formatValue = valueFormatter(data, dtype);
  const width = Math.max(
    1,
    ...shownIndices(data.length, summarise).map((i) => formatValue(data[i]).length),
  );
  const prefix = 'tensor(';
  const strides: number[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  const render = (dimension: number, offset: number): string => {
    if (dimension === shape.length) return formatValue(data[offset]).padStart(width);
    const size = shape[dimension];
    const indices =
      summarise && size > 2 * EDGE_ITEMS
        ? [...range(0, EDGE_ITEMS), -1, ...range(size - EDGE_ITEMS, size)]
        : range(0, size);
    const parts = indices.map((i) =>
      i < 0 ? '...' : render(dimension + 1, offset + i * strides[dimension]),
    );
    if (dimension === shape.length - 1) return `[${parts.join(', ')}]`;
    const indent = ' '.repeat(prefix.length + dimension + 1);
    const separator = `,${'\n'.repeat(shape.length - dimension - 1)}${indent}`;
    return `[${parts.join(separator)}]`;
  };
  const body = tensor.size === 0 ? `[]` : render(0, 0);
  const extras: string[] = [];
  if (tensor.size === 0 && shape.length > 1) extras.push(`shape=[${shape.join(', ')}]`);
  if (dtype !== 'float32') extras.push(`dtype=${dtype}`);
  if (tensor.requiresGrad) extras.push('requiresGrad=true');
  return `${prefix}${body}${extras.map((extra) => `, ${extra}`).join('')})`;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

function shownIndices(length: number, summarise: boolean): number[] {
  if (!summarise) return range(0, length);
  return [...range(0, EDGE_ITEMS), ...range(length - EDGE_ITEMS, length)];
}

/** Integers print as `3.` (float) or `3` (int32); otherwise 4 decimals, or exponents for extremes. */
function valueFormatter(data: ArrayLike<number>, dtype: DType): (value: number) => string {
  if (dtype === 'int32') return (value) => String(value);
  let allIntegers = true;
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (!Number.isFinite(value)) continue;
    if (!Number.isInteger(value)) allIntegers = false;
    const magnitude = Math.abs(value);
    if (magnitude > maxAbs) maxAbs = magnitude;
    if (magnitude > 0 && magnitude < minAbs) minAbs = magnitude;
  }
  const special = (value: number) => (Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf');
  if (allIntegers && maxAbs < 1e8) {
    return (value) => (Number.isFinite(value) ? `${value}.` : special(value));
  }
  const exponential = maxAbs >= 1e8 || minAbs < 1e-4;
  return (value) => {
    if (!Number.isFinite(value)) return special(value);
    return exponential ? value.toExponential(4) : value.toFixed(4);
  };
}
