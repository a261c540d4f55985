import { gunzip, isGzip } from './gzip.js';
import { formatCount, IdxFormatError } from './idx-format-error.js';
import {
  IDX_TYPES,
  type IdxArray,
  type IdxTypedArray,
  idxTypeByCode,
  MAX_IDX_DIMENSIONS,
} from './idx-types.js';

export interface ReadIdxOptions {
  /** Named in every error message; defaults to "<bytes>". */
  fileName?: string;
}

/**
 * Parses an IDX file (gzip-compressed or not: detected by its magic bytes, not its name).
 *
 * Unsigned and signed byte data is returned as a view into `bytes` (no copy of a 47 MB image
 * file); wider types are decoded from big-endian into a new array of exactly the size the
 * header declares, after checking that the file holds that many bytes.
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer, options: ReadIdxOptions = {}): IdxArray {
  const fileName = options.fileName ?? '<bytes>';
  let raw = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (isGzip(raw)) raw = gunzip(raw, fileName);

  if (raw.length < 4) {
    throw new IdxFormatError(
      fileName,
      `too short for an IDX magic number: expected at least 4 bytes, found ${formatCount(raw.length)}`,
    );
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new IdxFormatError(
      fileName,
      `wrong magic number: IDX files start with two zero bytes, found 0x${hexByte(raw[0])} 0x${hexByte(raw[1])}`,
    );
  }
  const typeInfo = idxTypeByCode(raw[2]);
  if (!typeInfo) {
    const known = IDX_TYPES.map((info) => `0x${hexByte(info.code)} ${info.type}`).join(', ');
    throw new IdxFormatError(
      fileName,
      `unknown type code 0x${hexByte(raw[2])}: expected one of ${known}`,
    );
  }
  const dimensionCount = raw[3];
  if (dimensionCount === 0) {
    throw new IdxFormatError(fileName, 'zero dimensions: expected between 1 and 4');
  }
  if (dimensionCount > MAX_IDX_DIMENSIONS) {
    throw new IdxFormatError(
      fileName,
      `${dimensionCount} dimensions: expected between 1 and ${MAX_IDX_DIMENSIONS}`,
    );
  }
  const headerLength = 4 + 4 * dimensionCount;
  if (raw.length < headerLength) {
    throw new IdxFormatError(
      fileName,
      `truncated header: expected ${formatCount(headerLength)} bytes for ${dimensionCount} dimensions, found ${formatCount(raw.length)}`,
    );
  }

  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let elementCount = 1;
  for (let axis = 0; axis < dimensionCount; axis++) {
    const size = view.getUint32(4 + 4 * axis, false);
    shape.push(size);
    elementCount *= size; // exact below 2^53; larger products fail the length check anyway
  }
  const expectedLength = headerLength + elementCount * typeInfo.bytesPerElement;
  if (raw.length < expectedLength) {
    throw new IdxFormatError(
      fileName,
      `truncated data for shape [${shape.join(', ')}] of ${typeInfo.type}: expected ${formatCount(expectedLength)} bytes, found ${formatCount(raw.length)}`,
    );
  }
  if (raw.length > expectedLength) {
    throw new IdxFormatError(
      fileName,
      `${formatCount(raw.length - expectedLength)} trailing bytes after the data of shape [${shape.join(', ')}] of ${typeInfo.type}: expected ${formatCount(expectedLength)} bytes, found ${formatCount(raw.length)}`,
    );
  }

  return {
    type: typeInfo.type,
    shape,
    data: decode(raw, headerLength, elementCount, typeInfo.type),
  };
}

function decode(
  raw: Uint8Array,
  offset: number,
  count: number,
  type: IdxArray['type'],
): IdxTypedArray {
  if (type === 'ubyte') return raw.subarray(offset, offset + count);
  if (type === 'byte') return new Int8Array(raw.buffer, raw.byteOffset + offset, count);
  const view = new DataView(raw.buffer, raw.byteOffset + offset);
  switch (type) {
    case 'short': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'double': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0');
}
