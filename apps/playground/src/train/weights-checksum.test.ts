import { describe, expect, it } from 'vitest';
import { weightsChecksum } from './weights-checksum.js';

describe('weightsChecksum', () => {
  it('is FNV-1a over the float32 bytes in parameter order', () => {
    // 1.0f is 00 00 80 3f (little-endian); FNV-1a 32 of those four bytes:
    let hash = 0x811c9dc5;
    for (const byte of [0x00, 0x00, 0x80, 0x3f]) hash = Math.imul(hash ^ byte, 0x01000193);
    expect(weightsChecksum([{ data: new Float32Array([1]) }])).toBe(
      (hash >>> 0).toString(16).padStart(8, '0'),
    );
    expect(weightsChecksum([])).toBe('811c9dc5');
  });

  it('changes with one flipped bit, with the order, and not with how weights are grouped', () => {
    const weights = new Float32Array([0.5, -1.25, 3, 1e-7]);
    const base = weightsChecksum([{ data: weights }]);
    expect(weightsChecksum([{ data: weights.subarray(0, 1) }, { data: weights.subarray(1) }])).toBe(
      base,
    );
    const flipped = weights.slice();
    new Uint32Array(flipped.buffer)[3] ^= 1;
    expect(weightsChecksum([{ data: flipped }])).not.toBe(base);
    expect(weightsChecksum([{ data: weights.slice().reverse() }])).not.toBe(base);
  });
});
