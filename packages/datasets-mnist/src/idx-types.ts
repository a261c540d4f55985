/** The six element types of the IDX format, keyed by the type code in the magic number. */

export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

export type IdxTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** An n-d array read from or written to an IDX file (C order: last index fastest). */
export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: IdxTypedArray;
}

interface IdxTypeInfo {
  readonly type: IdxType;
  readonly code: number;
  readonly bytesPerElement: number;
  create(length: number): IdxTypedArray;
}

export const IDX_TYPES: readonly IdxTypeInfo[] = [
  { type: 'ubyte', code: 0x08, bytesPerElement: 1, create: (n) => new Uint8Array(n) },
  { type: 'byte', code: 0x09, bytesPerElement: 1, create: (n) => new Int8Array(n) },
  { type: 'short', code: 0x0b, bytesPerElement: 2, create: (n) => new Int16Array(n) },
  { type: 'int', code: 0x0c, bytesPerElement: 4, create: (n) => new Int32Array(n) },
  { type: 'float', code: 0x0d, bytesPerElement: 4, create: (n) => new Float32Array(n) },
  { type: 'double', code: 0x0e, bytesPerElement: 8, create: (n) => new Float64Array(n) },
];

/**
 * The IDX format allows up to 255 dimensions; every known IDX data set uses at most 3, and
 * the tensors built from them at most 4 ([N, C, H, W]). A larger count in a header is taken
 * as a damaged file rather than a reason to read hundreds of header bytes.
 */
export const MAX_IDX_DIMENSIONS = 4;

export function idxTypeByCode(code: number): IdxTypeInfo | undefined {
  return IDX_TYPES.find((info) => info.code === code);
}

export function idxTypeByName(type: IdxType): IdxTypeInfo {
  const info = IDX_TYPES.find((candidate) => candidate.type === type);
  if (!info) throw new TypeError(`unknown IDX type "${type}"`);
  return info;
}

/** The IDX type that stores `data` without conversion. */
export function idxTypeOfArray(data: IdxTypedArray): IdxType {
  if (data instanceof Uint8Array) return 'ubyte';
  if (data instanceof Int8Array) return 'byte';
  if (data instanceof Int16Array) return 'short';
  if (data instanceof Int32Array) return 'int';
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Float64Array) return 'double';
  throw new TypeError('IDX data must be a Uint8, Int8, Int16, Int32, Float32 or Float64 array');
}
