// Hostile input: whatever the bytes, readIdx returns a well-formed array or throws
// IdxFormatError. Headers may claim up to 2^32 - 1 elements per axis; the reader must check
// the claim against the file length before allocating, or these cases would exhaust memory
// (a RangeError, which the properties below reject) or time out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gzip } from './gzip.js';
import { IdxFormatError } from './idx-format-error.js';
import { readIdx } from './idx-read.js';
import { IDX_TYPES, type IdxArray } from './idx-types.js';
import { writeIdx } from './idx-write.js';

/** Largest output the gzip path may allocate for `inputLength` compressed bytes (+1 spare). */
const maxGzipOutput = (inputLength: number) => inputLength * 1032 + 1;

function readOrFormatError(bytes: Uint8Array): IdxArray | IdxFormatError {
  try {
    return readIdx(bytes, { fileName: 'fuzz' });
  } catch (error) {
    if (error instanceof IdxFormatError) return error;
    throw error; // any other kind of failure fails the property
  }
}

function checkResult(bytes: Uint8Array, result: IdxArray | IdxFormatError): void {
  if (result instanceof IdxFormatError) {
    expect(result.message.startsWith('fuzz: ')).toBe(true);
    return;
  }
  const info = IDX_TYPES.find((candidate) => candidate.type === result.type)!;
  const elements = result.shape.reduce((a, b) => a * b, 1);
  expect(result.data.length).toBe(elements);
  const limit = bytes[0] === 0x1f && bytes[1] === 0x8b ? maxGzipOutput(bytes.length) : bytes.length;
  expect(result.data.length * info.bytesPerElement).toBeLessThanOrEqual(limit);
}

const typeCode = fc.constantFrom(...IDX_TYPES.map((info) => info.code), 0x00, 0x07, 0x0a, 0xff);

/** A header that looks right (maybe) with sizes anywhere in uint32, then a short payload. */
const plausibleFile = fc
  .tuple(
    typeCode,
    fc.integer({ min: 0, max: 6 }),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.nat({ max: 0xffffffff })), {
      maxLength: 6,
    }),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([code, dimensionCount, sizes, payload]) => {
    const header = new Uint8Array(4 + 4 * sizes.length);
    header[2] = code;
    header[3] = dimensionCount;
    const view = new DataView(header.buffer);
    for (let axis = 0; axis < sizes.length; axis++)
      view.setUint32(4 + 4 * axis, sizes[axis], false);
    const bytes = new Uint8Array(header.length + payload.length);
    bytes.set(header);
    bytes.set(payload, header.length);
    return bytes;
  });

/** A valid file (raw or gzip), then damaged: bytes changed, cut, or appended. */
const mutatedFile = fc
  .tuple(
    fc.constantFrom(...IDX_TYPES),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat()),
    fc.uint8Array({ maxLength: 3 }),
  )
  .map(([info, shape, compressed, edits, cut, appended]) => {
    const length = shape.reduce((a, b) => a * b, 1);
    const data = info.create(length);
    for (let i = 0; i < length; i++) data[i] = (i * 7) % 100;
    const valid = writeIdx({ data, shape }, { gzip: compressed });
    let bytes: Uint8Array = valid.slice();
    for (const [position, value] of edits) bytes[position % bytes.length] = value;
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    const out = new Uint8Array(bytes.length + appended.length);
    out.set(bytes);
    out.set(appended, bytes.length);
    return out;
  });

describe('readIdx on hostile bytes', () => {
  it('random bytes: a valid array or IdxFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        checkResult(bytes, readOrFormatError(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('headers claiming any size in uint32: checked before allocating', () => {
    fc.assert(
      fc.property(plausibleFile, (bytes) => {
        checkResult(bytes, readOrFormatError(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('valid files, raw or gzip, with bytes changed, cut or appended', () => {
    fc.assert(
      fc.property(mutatedFile, (bytes) => {
        checkResult(bytes, readOrFormatError(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('gzip with any trailer size: never allocates beyond the deflate ratio', () => {
    const valid = gzip(writeIdx({ data: new Uint8Array(64).fill(3), shape: [8, 8] }));
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (claimed) => {
        const bytes = valid.slice();
        new DataView(bytes.buffer).setUint32(bytes.length - 4, claimed, true);
        const result = readOrFormatError(bytes);
        if (claimed === 64 + 12) expect(result).not.toBeInstanceOf(IdxFormatError);
        else expect(result).toBeInstanceOf(IdxFormatError);
      }),
      { numRuns: 300 },
    );
  });
});
