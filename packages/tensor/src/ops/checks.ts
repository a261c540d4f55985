// Argument checks shared by the ops.
import { DTypeError } from '../errors.js';
import { filled } from '../kernel-calls.js';
import { type DType, Tensor } from '../tensor.js';

/** A number becomes a scalar float32 tensor; tensors must be float32. */
export function floatOperand(op: string, value: Tensor<DType> | number): Tensor {
  if (typeof value === 'number') return filled([], value);
  return checkFloat(op, value);
}

/** Throws a DTypeError unless `t` is a float32 tensor. */
export function checkFloat(op: string, t: Tensor<DType>): Tensor {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  if (t.dtype !== 'float32') {
    throw new DTypeError(op, t.dtype, 'float32 (convert int32 tensors with toFloat32())');
  }
  return t as Tensor;
}

/** Throws a DTypeError unless `t` is an int32 tensor. */
export function checkInt(op: string, t: Tensor<DType>): Tensor<'int32'> {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  if (t.dtype !== 'int32') throw new DTypeError(op, t.dtype, 'int32 (labels or indices)');
  return t as Tensor<'int32'>;
}

/** A positive integer or a pair of them, as [height, width]. */
export function pair(
  op: string,
  name: string,
  value: number | readonly [number, number],
  minimum = 1,
): [number, number] {
  const values: [number, number] =
    typeof value === 'number' ? [value, value] : [value[0], value[1]];
  for (const v of values) {
    if (!Number.isInteger(v) || v < minimum) {
      throw new RangeError(
        `${op}: ${name} must be an integer >= ${minimum} or a pair of them, got ${JSON.stringify(value)}`,
      );
    }
  }
  return values;
}
