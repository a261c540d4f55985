import { describe, expect, it } from 'vitest';
import { gzip } from './gzip.js';
import { formatCount, IdxFormatError } from './idx-format-error.js';
import { readIdx } from './idx-read.js';
import { IDX_TYPES, type IdxType, type IdxTypedArray } from './idx-types.js';
import { writeIdx } from './idx-write.js';

/** Values that exercise each type's range: extremes, negatives, fractions where allowed. */
function sampleData(type: IdxType, length: number): IdxTypedArray {
  const info = IDX_TYPES.find((candidate) => candidate.type === type)!;
  const data = info.create(length);
  const extremes: Record<IdxType, number[]> = {
    ubyte: [0, 255, 1, 128],
    byte: [-128, 127, -1, 0],
    short: [-32768, 32767, -2, 300],
    int: [-2147483648, 2147483647, -5, 70000],
    float: [-1.5, 3.4028234663852886e38, 1e-38, Number.NaN],
    double: [-1e308, 5e-324, Math.PI, Number.NEGATIVE_INFINITY],
  };
  for (let i = 0; i < length; i++) {
    const pool = extremes[type];
    data[i] = i < pool.length ? pool[i] : (i * 37) % 100;
  }
  return data;
}

describe('IDX round trip', () => {
  const shapes = [[7], [3, 5], [2, 3, 4], [2, 1, 3, 2]];
  for (const { type } of IDX_TYPES) {
    for (const shape of shapes) {
      it(`${type} of shape [${shape}] survives write + read, raw and gzip`, () => {
        const data = sampleData(
          type,
          shape.reduce((a, b) => a * b, 1),
        );
        for (const compressed of [false, true]) {
          const bytes = writeIdx({ data, shape }, { gzip: compressed });
          const parsed = readIdx(bytes);
          expect(parsed.type).toBe(type);
          expect(parsed.shape).toEqual(shape);
          expect(parsed.data.constructor).toBe(data.constructor);
          expect(Array.from(parsed.data)).toEqual(Array.from(data));
        }
      });
    }
  }

  it('writes the header of the IDX spec: zeros, type code, dims, big-endian sizes', () => {
    const bytes = writeIdx({ data: new Int16Array([1, -2]), shape: [1, 2] });
    expect(Array.from(bytes)).toEqual([
      0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0xff, 0xfe,
    ]);
  });

  it('reads the header of an MNIST label file', () => {
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4]);
    expect(readIdx(bytes)).toEqual({ type: 'ubyte', shape: [3], data: new Uint8Array([5, 0, 4]) });
  });

  it('returns ubyte data as a view of the input, not a copy', () => {
    const bytes = writeIdx({ data: new Uint8Array([1, 2, 3]), shape: [3] });
    expect(readIdx(bytes).data.buffer).toBe(bytes.buffer);
  });

  it('accepts an ArrayBuffer and a zero-length dimension', () => {
    const bytes = writeIdx({ data: new Float32Array(0), shape: [0, 28] });
    const parsed = readIdx(bytes.buffer as ArrayBuffer);
    expect(parsed.shape).toEqual([0, 28]);
    expect(parsed.data.length).toBe(0);
  });

  it('rejects writes whose shape and data disagree', () => {
    expect(() => writeIdx({ data: new Uint8Array(5), shape: [2, 3] })).toThrow(
      'shape [2, 3] holds 6 elements, data has 5',
    );
    expect(() => writeIdx({ data: new Uint8Array(1), shape: [1, 1, 1, 1, 1] })).toThrow(
      'expected 1 to 4 dimensions',
    );
    expect(() => writeIdx({ data: new Uint8Array(1), shape: [1], type: 'float' })).toThrow(
      'type "float" does not match a Uint8Array',
    );
  });
});

describe('IdxFormatError', () => {
  const read = (bytes: number[] | Uint8Array) =>
    readIdx(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { fileName: 'f.idx' });
  const message = (bytes: number[] | Uint8Array) => {
    try {
      read(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(IdxFormatError);
      expect((error as IdxFormatError).fileName).toBe('f.idx');
      return (error as Error).message;
    }
    throw new Error('expected an IdxFormatError');
  };

  it('formats counts with thousands separators', () => {
    expect(formatCount(47_040_016)).toBe('47,040,016');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(0)).toBe('0');
  });

  it('names each fault', () => {
    expect(message([0, 0, 8])).toBe(
      'f.idx: too short for an IDX magic number: expected at least 4 bytes, found 3',
    );
    expect(message([0x50, 0x4b, 3, 4])).toBe(
      'f.idx: wrong magic number: IDX files start with two zero bytes, found 0x50 0x4b',
    );
    expect(message([0, 0, 7, 1, 0, 0, 0, 0])).toMatch(
      /^f\.idx: unknown type code 0x07: expected one of 0x08 ubyte, 0x09 byte, 0x0b short/,
    );
    expect(message([0, 0, 8, 0])).toBe('f.idx: zero dimensions: expected between 1 and 4');
    expect(message([0, 0, 8, 5])).toBe('f.idx: 5 dimensions: expected between 1 and 4');
    expect(message([0, 0, 8, 3, 0, 0])).toBe(
      'f.idx: truncated header: expected 16 bytes for 3 dimensions, found 6',
    );
  });

  it('reports a truncated MNIST image file in bytes, with separators', () => {
    const header = writeIdx({ data: new Uint8Array(0), shape: [0, 28, 28] });
    const truncated = new Uint8Array(1000);
    truncated.set(header);
    new DataView(truncated.buffer).setUint32(4, 60_000, false);
    expect(message(truncated)).toBe(
      'f.idx: truncated data for shape [60000, 28, 28] of ubyte: expected 47,040,016 bytes, found 1,000',
    );
  });

  it('rejects trailing bytes', () => {
    expect(message([0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3])).toBe(
      'f.idx: 1 trailing bytes after the data of shape [2] of ubyte: expected 10 bytes, found 11',
    );
  });

  it('rejects damaged gzip: bad stream, wrong CRC, lying trailer', () => {
    const good = gzip(writeIdx({ data: new Uint8Array(100).fill(7), shape: [100] }));
    const badCrc = good.slice();
    badCrc[badCrc.length - 8] ^= 1;
    expect(message(badCrc)).toMatch(
      /^f\.idx: gzip CRC-32 mismatch: expected 0x[0-9a-f]{8}, computed 0x/,
    );
    const bigTrailer = good.slice();
    new DataView(bigTrailer.buffer).setUint32(bigTrailer.length - 4, 0xffffffff, true);
    expect(message(bigTrailer)).toMatch(
      /^f\.idx: gzip trailer claims 4,294,967,295 uncompressed bytes, more than \d+ compressed bytes can hold$/,
    );
    const shortTrailer = good.slice();
    new DataView(shortTrailer.buffer).setUint32(shortTrailer.length - 4, 50, true);
    expect(message(shortTrailer)).toBe(
      'f.idx: gzip data decodes to more than 51 bytes but its trailer says 50',
    );
    expect(message(good.subarray(0, 15))).toBe(
      'f.idx: gzip data too short: expected at least 18 bytes, found 15',
    );
    const badBlock = good.slice();
    badBlock[10] = 0xff; // block type 3 does not exist
    expect(message(badBlock)).toMatch(/^f\.idx: invalid gzip data \(/);
  });
});
