import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.js';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Builds a file from a raw header object and data bytes, without any validation. */
function rawFile(header: unknown, data: number[] | Uint8Array, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

describe('encodeSafetensors', () => {
  it('writes the hand-computed bytes of a tiny file', () => {
    const bytes = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1, -2]) } });
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes
    const expected = [
      ...[56, 0, 0, 0, 0, 0, 0, 0], // header length, padded from 54 to a multiple of 8
      ...ascii(header),
      0x20,
      0x20,
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f little-endian
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0f little-endian
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('writes __metadata__ first and tensors contiguously in the given order', () => {
    const bytes = encodeSafetensors(
      [
        ['w', { shape: [2, 1], data: new Float32Array([3, 4]) }],
        ['b', { shape: [], data: new Float32Array([5]) }],
      ],
      { model: 'tiny' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)).trimEnd();
    expect(text).toBe(
      '{"__metadata__":{"model":"tiny"},"w":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}',
    );
    const data = new Float32Array(bytes.slice(8 + headerLength).buffer);
    expect(Array.from(data)).toEqual([3, 4, 5]);
  });

  it('refuses a shape that disagrees with the data length', () => {
    expect(() => encodeSafetensors({ a: { shape: [3], data: new Float32Array(2) } })).toThrow(
      /shape \[3\] but 2 values/,
    );
  });
});

describe('decodeSafetensors', () => {
  it('round-trips tensors, shapes and metadata', () => {
    const tensors = {
      'c1.weight': { shape: [2, 1, 2, 2], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8.5]) },
      'c1.bias': { shape: [2], data: new Float32Array([-0.25, 1e-8]) },
      empty: { shape: [0, 3], data: new Float32Array(0) },
    };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt' }));
    expect(decoded.metadata).toEqual({ format: 'pt' });
    expect([...decoded.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, tensor] of Object.entries(tensors)) {
      expect(decoded.tensors.get(name)!.shape).toEqual(tensor.shape);
      expect(Array.from(decoded.tensors.get(name)!.data)).toEqual(Array.from(tensor.data));
    }
  });

  it('reads a file whose header is not padded and whose buffer is a subarray', () => {
    const file = rawFile(
      { x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      [0, 0, 0x80, 0xbf],
    );
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    const decoded = decodeSafetensors(padded.subarray(3));
    expect(Array.from(decoded.tensors.get('x')!.data)).toEqual([-1]);
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5), /too short/],
    [
      'a header length larger than the file',
      (() => {
        const bytes = new Uint8Array(16);
        new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
        return bytes;
      })(),
      /header length 4611686018427387904 is larger than the 8 bytes after it/,
    ],
    ['invalid JSON', rawFile(null, [], '{"a": '), /not valid JSON/],
    ['a JSON array header', rawFile([1, 2], []), /must be a JSON object/],
    [
      'an unknown dtype',
      rawFile({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]),
      /unknown dtype "Q7"/,
    ],
    [
      'a known but unsupported dtype',
      rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /dtype F64; only F32/,
    ],
    [
      'offsets beyond the data',
      rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, [0, 0, 0, 0]),
      /out of range for 4 data bytes/,
    ],
    [
      'overlapping tensors',
      rawFile(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        new Uint8Array(8),
      ),
      /overlapping/,
    ],
    [
      'a shape disagreeing with the byte length',
      rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /needs 12 bytes but data_offsets span 8/,
    ],
    [
      'a gap between tensors',
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /unused bytes 0..4/,
    ],
    [
      'trailing bytes after the last tensor',
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)),
      /cover 4 data bytes but the file has 8/,
    ],
    [
      'negative dimensions',
      rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /non-negative integers/,
    ],
    [
      'a shape whose product overflows',
      rawFile(
        { a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } },
        new Uint8Array(4),
      ),
      /needs too many bytes/,
    ],
    ['non-string metadata', rawFile({ __metadata__: { a: 1 } }, []), /must be a string/],
    ['invalid UTF-8', rawFile(null, [], undefined).fill(0xff, 8), /not valid UTF-8/],
  ];
  it.each(cases)('rejects %s with a clear error', (_label, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  const valid = encodeSafetensors(
    {
      'f.weight': { shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      'f.bias': { shape: [3], data: new Float32Array([7, 8, 9]) },
    },
    { model: 'mlp' },
  );

  it('never fails with anything but SafetensorsError on mutated bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.oneof(fc.constant(valid.length), fc.nat(valid.length)),
        (edits, cut) => {
          const bytes = valid.slice(0, cut);
          for (const [position, value] of edits)
            if (position < bytes.length) bytes[position] = value;
          try {
            const decoded = decodeSafetensors(bytes);
            for (const tensor of decoded.tensors.values()) {
              expect(tensor.data.length).toBe(tensor.shape.reduce((a, b) => a * b, 1));
            }
          } catch (error) {
            expect(error).toBeInstanceOf(SafetensorsError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never fails with anything but SafetensorsError on mutated headers (property)', () => {
    const anyJson = fc.oneof(
      fc.integer({ min: -10, max: 2 ** 53 }),
      fc.constantFrom('F32', 'F16', 'I64', 'x', ''),
      fc.array(fc.integer({ min: -3, max: 40 }), { maxLength: 4 }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('f.weight', 'f.bias', 'other', '__metadata__'),
        fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra'),
        anyJson,
        (name, field, value) => {
          const header: Record<string, any> = {
            'f.weight': { dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] },
            'f.bias': { dtype: 'F32', shape: [3], data_offsets: [24, 36] },
          };
          header[name] = { ...(header[name] ?? {}), [field]: value };
          try {
            decodeSafetensors(rawFile(header, valid.subarray(valid.length - 36)));
          } catch (error) {
            expect(error).toBeInstanceOf(SafetensorsError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
