import { describe, expect, it } from 'vitest';
import { spinWhileEqual } from './protocol.js';

describe('spinWhileEqual', () => {
  it('returns true as soon as the word differs, false when it stayed the same', () => {
    const control = new Int32Array(new SharedArrayBuffer(8));
    control[1] = 4;
    expect(spinWhileEqual(control, 1, 3, 0.1)).toBe(true);
    expect(spinWhileEqual(control, 1, 4, 0.1)).toBe(false);
  });
});
