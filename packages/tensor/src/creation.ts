// Creation functions: from JavaScript data, constants, ranges, random draws (always from an
// explicit seeded Generator) and image bytes.
import { getBackend } from './backend/registry.js';
import { DTypeError, ShapeError } from './errors.js';
import type { Generator } from './generator.js';
import { checkShape, shapeSize } from './shape-utils.js';
import { type DType, type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions<D extends DType = DType> {
  /** Element type; float32 unless given (or unless the data is an Int32Array). */
  dtype?: D;
  /** Record ops on this tensor for autograd (float32 only). */
  requiresGrad?: boolean;
}

function finish<D extends DType>(t: Tensor<D>, options: CreateOptions<D> | undefined): Tensor<D> {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkDType(op: string, dtype: unknown): DType {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'int32')
    throw new DTypeError(op, String(dtype), 'float32 or int32');
  return dtype;
}

/** Infers the shape of a nested array and checks that it is rectangular. */
function nestedShape(value: NestedArray | readonly NestedArray[]): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flattenInto(
  value: unknown,
  shape: readonly number[],
  dimension: number,
  out: Float32Array | Int32Array,
  position: { index: number },
  intOnly: boolean,
): void {
  if (dimension === shape.length) {
    if (typeof value !== 'number') {
      throw new ShapeError(
        'tensor',
        [shape],
        `a rectangular nested array of numbers (found ${Array.isArray(value) ? 'an array' : typeof value} at depth ${dimension})`,
      );
    }
    if (intOnly && !Number.isInteger(value)) {
      throw new DTypeError('tensor', `non-integer value ${value}`, 'integers for dtype int32');
    }
    out[position.index++] = value;
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[dimension]) {
    throw new ShapeError(
      'tensor',
      [shape],
      `a rectangular nested array (a row at depth ${dimension} has ${Array.isArray(value) ? value.length : 'no'} elements, expected ${shape[dimension]})`,
    );
  }
  for (const element of value) flattenInto(element, shape, dimension + 1, out, position, intOnly);
}

/**
 * A tensor from a number, a nested array or a typed array (copied). An Int32Array gives int32,
 * anything else float32 unless `options.dtype` says otherwise. `shape` defaults to the nested
 * array's shape (or [length] for flat data); its size must match the number of values.
 */
export function tensor(
  data: Int32Array,
  shape?: readonly number[],
  options?: CreateOptions<'int32'>,
): Tensor<'int32'>;
export function tensor<D extends DType = 'float32'>(
  data: NestedArray | readonly NestedArray[] | ArrayLike<number>,
  shape?: readonly number[],
  options?: CreateOptions<D>,
): Tensor<D>;
export function tensor(
  data: NestedArray | readonly NestedArray[] | ArrayLike<number>,
  shape?: readonly number[],
  options?: CreateOptions,
): Tensor<DType> {
  const dtype =
    options?.dtype === undefined && data instanceof Int32Array
      ? 'int32'
      : checkDType('tensor', options?.dtype);
  let values: Float32Array | Int32Array;
  let inferred: number[];
  if (typeof data === 'number' || Array.isArray(data)) {
    inferred = nestedShape(data as NestedArray);
    values =
      dtype === 'int32'
        ? new Int32Array(shapeSize(inferred))
        : new Float32Array(shapeSize(inferred));
    flattenInto(data, inferred, 0, values, { index: 0 }, dtype === 'int32');
  } else if (data && typeof (data as ArrayLike<number>).length === 'number') {
    const flat = data as ArrayLike<number>;
    inferred = [flat.length];
    values = dtype === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat);
  } else {
    throw new TypeError(
      `tensor: expected a number, a nested array or a typed array, got ${typeof data}`,
    );
  }
  const finalShape = shape === undefined ? inferred : checkShape('tensor', shape);
  if (shapeSize(finalShape) !== values.length) {
    throw new ShapeError(
      'tensor',
      [finalShape],
      `a shape of ${values.length} elements to hold the data`,
    );
  }
  const out = Tensor.empty(finalShape, dtype);
  out.data.set(values);
  return finish(out, options);
}

/** A tensor of zeros. */
export function zeros<D extends DType = 'float32'>(
  shape: readonly number[],
  options?: CreateOptions<D>,
): Tensor<D> {
  const dtype = checkDType('zeros', options?.dtype) as D;
  return finish(Tensor.empty(checkShape('zeros', shape), dtype), options);
}

/** A tensor of ones. */
export function ones<D extends DType = 'float32'>(
  shape: readonly number[],
  options?: CreateOptions<D>,
): Tensor<D> {
  return full(shape, 1, options);
}

/** A tensor filled with `value`. */
export function full<D extends DType = 'float32'>(
  shape: readonly number[],
  value: number,
  options?: CreateOptions<D>,
): Tensor<D> {
  const dtype = checkDType('full', options?.dtype) as D;
  if (dtype === 'int32' && !Number.isInteger(value)) {
    throw new DTypeError('full', `non-integer value ${value}`, 'an integer for dtype int32');
  }
  const out = Tensor.empty(checkShape('full', shape), dtype);
  fillWith(out, value);
  return finish(out, options);
}

/** Float32 values are set by the backend's fill kernel (a call a traced program replays). */
function fillWith(out: Tensor<DType>, value: number): void {
  if (out.dtype === 'float32') {
    getBackend().fill({ length: out.size, value, output: out.kernelData as Float32Array });
  } else {
    out.data.fill(value);
  }
}

/** A tensor of zeros with the shape (and dtype) of `like`. */
export function zerosLike<D extends DType>(like: Tensor<D>): Tensor<D> {
  return Tensor.empty(like.shape, like.dtype);
}

/** A tensor of ones with the shape (and dtype) of `like`. */
export function onesLike<D extends DType>(like: Tensor<D>): Tensor<D> {
  const out = Tensor.empty(like.shape, like.dtype);
  fillWith(out, 1);
  return out;
}

/**
 * Values start, start + step, ... below stop (NumPy `arange`), as a 1-D tensor.
 * `arange(5)` is [0, 1, 2, 3, 4].
 */
export function arange<D extends DType = 'float32'>(
  start: number,
  stop?: number,
  step = 1,
  options?: CreateOptions<D>,
): Tensor<D> {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new RangeError(
      `arange: start, stop and step must be finite and step nonzero (got ${start}, ${stop}, ${step})`,
    );
  }
  const dtype = checkDType('arange', options?.dtype) as D;
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const out = Tensor.empty([length], dtype);
  const data = out.data;
  for (let i = 0; i < length; i++) data[i] = start + i * step;
  return finish(out, options);
}

function randomOptions(
  options: Omit<CreateOptions, 'dtype'> | undefined,
): CreateOptions<'float32'> {
  return { requiresGrad: options?.requiresGrad };
}

/** Uniform values in [0, 1) drawn from `generator`. */
export function rand(
  shape: readonly number[],
  generator: Generator,
  options?: Omit<CreateOptions, 'dtype'>,
): Tensor {
  return uniform(shape, 0, 1, generator, options);
}

/** Uniform values in [low, high) drawn from `generator`. */
export function uniform(
  shape: readonly number[],
  low: number,
  high: number,
  generator: Generator,
  options?: Omit<CreateOptions, 'dtype'>,
): Tensor {
  checkGenerator('uniform', generator);
  const out = Tensor.empty(checkShape('uniform', shape));
  generator.fillUniform(out.data, low, high);
  return finish(out, randomOptions(options));
}

/** Normal values (mean 0, std 1 unless given) drawn from `generator`. */
export function randn(
  shape: readonly number[],
  generator: Generator,
  options?: Omit<CreateOptions, 'dtype'> & { mean?: number; std?: number },
): Tensor {
  checkGenerator('randn', generator);
  const out = Tensor.empty(checkShape('randn', shape));
  generator.fillNormal(out.data, options?.mean ?? 0, options?.std ?? 1);
  return finish(out, randomOptions(options));
}

function checkGenerator(op: string, generator: Generator): void {
  if (!generator || typeof generator.fillUniform !== 'function') {
    throw new TypeError(
      `${op}: expected a Generator (the project's seeded RNG), got ${String(generator)}`,
    );
  }
}

/**
 * A float32 tensor from bytes (e.g. MNIST pixels): byte 0 maps to `low`, 255 to `high`
 * (defaults 0 and 1). The paper's input scaling is { low: -0.1, high: 1.175 }.
 */
export function fromUint8(
  bytes: Uint8Array,
  shape: readonly number[],
  options?: { low?: number; high?: number },
): Tensor {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('fromUint8: expected a Uint8Array');
  const finalShape = checkShape('fromUint8', shape);
  if (shapeSize(finalShape) !== bytes.length) {
    throw new ShapeError(
      'fromUint8',
      [finalShape],
      `a shape of ${bytes.length} elements (the byte count)`,
    );
  }
  const low = options?.low ?? 0;
  const scale = ((options?.high ?? 1) - low) / 255;
  const out = Tensor.empty(finalShape);
  const data = out.data;
  for (let i = 0; i < bytes.length; i++) data[i] = low + bytes[i] * scale;
  return out;
}
