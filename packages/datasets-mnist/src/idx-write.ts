import { gzip } from './gzip.js';
import {
  type IdxType,
  type IdxTypedArray,
  idxTypeByName,
  idxTypeOfArray,
  MAX_IDX_DIMENSIONS,
} from './idx-types.js';

export interface WriteIdxOptions {
  /** Compress the result with gzip (readIdx detects it by its magic bytes). */
  gzip?: boolean;
}

/**
 * Encodes an n-d array as IDX bytes (big-endian header and data). The element type follows
 * the typed array (`Uint8Array` -> ubyte, `Float32Array` -> float, ...); a `type` given
 * alongside must agree with it.
 */
export function writeIdx(
  array: { data: IdxTypedArray; shape: readonly number[]; type?: IdxType },
  options: WriteIdxOptions = {},
): Uint8Array {
  const { data, shape } = array;
  const type = idxTypeOfArray(data);
  if (array.type !== undefined && array.type !== type) {
    throw new TypeError(`writeIdx: type "${array.type}" does not match a ${data.constructor.name}`);
  }
  if (shape.length < 1 || shape.length > MAX_IDX_DIMENSIONS) {
    throw new RangeError(
      `writeIdx: expected 1 to ${MAX_IDX_DIMENSIONS} dimensions, got shape [${shape.join(', ')}]`,
    );
  }
  let elementCount = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
      throw new RangeError(
        `writeIdx: dimensions must be integers in [0, 2^32), got shape [${shape.join(', ')}]`,
      );
    }
    elementCount *= size;
  }
  if (elementCount !== data.length) {
    throw new RangeError(
      `writeIdx: shape [${shape.join(', ')}] holds ${elementCount} elements, data has ${data.length}`,
    );
  }

  const { code, bytesPerElement } = idxTypeByName(type);
  const headerLength = 4 + 4 * shape.length;
  const out = new Uint8Array(headerLength + data.length * bytesPerElement);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  for (let axis = 0; axis < shape.length; axis++) view.setUint32(4 + 4 * axis, shape[axis], false);
  encode(data, type, out, view, headerLength);
  return options.gzip ? gzip(out) : out;
}

function encode(
  data: IdxTypedArray,
  type: IdxType,
  out: Uint8Array,
  view: DataView,
  offset: number,
): void {
  switch (type) {
    case 'ubyte':
      out.set(data as Uint8Array, offset);
      return;
    case 'byte':
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.length), offset);
      return;
    case 'short':
      for (let i = 0; i < data.length; i++) view.setInt16(offset + 2 * i, data[i], false);
      return;
    case 'int':
      for (let i = 0; i < data.length; i++) view.setInt32(offset + 4 * i, data[i], false);
      return;
    case 'float':
      for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i], false);
      return;
    case 'double':
      for (let i = 0; i < data.length; i++) view.setFloat64(offset + 8 * i, data[i], false);
      return;
  }
}
