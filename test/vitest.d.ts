import 'vitest';

interface AllcloseOptions {
  rtol?: number;
  atol?: number;
}

interface NumericMatchers<R = unknown> {
  /** |received - expected| <= atol + rtol * |expected|, elementwise (defaults rtol 1e-5, atol 1e-7). */
  toBeAllclose(expected: unknown, options?: AllcloseOptions): R;
}

declare module 'vitest' {
  interface Matchers<T = any> extends NumericMatchers<T> {}
}
