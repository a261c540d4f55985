// Numeric matchers shared by every package's tests (typed in ./vitest.d.ts).
import { expect } from 'vitest';

type NumericLike = number | ArrayLike<number> | { toArray(): ArrayLike<number> | number };

function toFlatArray(value: NumericLike): number[] {
  if (typeof value === 'number') return [value];
  if (typeof (value as { toArray?: unknown }).toArray === 'function') {
    const array = (value as { toArray(): ArrayLike<number> | number }).toArray();
    return typeof array === 'number' ? [array] : Array.from(array);
  }
  return Array.from(value as ArrayLike<number>);
}

expect.extend({
  toBeAllclose(
    received: NumericLike,
    expected: NumericLike,
    options: { rtol?: number; atol?: number } = {},
  ) {
    const rtol = options.rtol ?? 1e-5;
    const atol = options.atol ?? 1e-7;
    const actual = toFlatArray(received);
    const wanted = toFlatArray(expected);
    if (actual.length !== wanted.length) {
      return {
        pass: false,
        message: () => `expected ${wanted.length} values, received ${actual.length}`,
      };
    }
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i];
      const b = wanted[i];
      const close =
        Number.isNaN(a) && Number.isNaN(b) ? true : Math.abs(a - b) <= atol + rtol * Math.abs(b);
      if (!close) {
        return {
          pass: false,
          message: () =>
            `expected allclose (rtol=${rtol}, atol=${atol}); first mismatch at index ${i}: received ${a}, expected ${b}`,
        };
      }
    }
    return {
      pass: true,
      message: () => `expected values not to be allclose (rtol=${rtol}, atol=${atol})`,
    };
  },
});
