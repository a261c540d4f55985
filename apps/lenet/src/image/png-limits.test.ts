import { deflateSync } from 'node:zlib';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePngToGray } from './png-gray.js';
import { pngSizeProblem } from './png-limits.js';

/** A 28x28 gray PNG whose IDAT inflates to `inflatedBytes` (a "zip bomb" when large). */
function pngWithImageData(inflatedBytes: number): Uint8Array {
  const small = encode({ width: 28, height: 28, data: new Uint8Array(784), channels: 1, depth: 8 });
  const idat = deflateSync(new Uint8Array(inflatedBytes));
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    return out; // CRC left 0: the size check runs before the CRC check
  };
  const head = small.subarray(0, 8 + 25); // signature + IHDR chunk
  const parts = [head, chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

describe('pngSizeProblem', () => {
  it('accepts a normal PNG and refuses image data that inflates past what the size needs', () => {
    const png = encode({ width: 28, height: 28, data: new Uint8Array(784), channels: 1, depth: 8 });
    expect(pngSizeProblem(png)).toBeNull();
    const bomb = pngWithImageData(20_000_000);
    expect(bomb.length).toBeLessThan(100_000);
    expect(pngSizeProblem(bomb)).toBe(
      'its image data inflates to more than the 812 bytes a 28x28 image needs',
    );
    expect(() => decodePngToGray(bomb, 'bomb.png')).toThrow(
      'bomb.png: image too large: its image data inflates to more than the 812 bytes a 28x28 image needs',
    );
  });
});
