import { afterEach, describe, expect, it } from 'vitest';
import { backendNames, getBackend, setBackend } from './backend/registry.js';
import { tensor } from './creation.js';
import { DTypeError, ShapeError } from './errors.js';
import { adamUpdate_ } from './inplace.js';

const initial = getBackend().name;
afterEach(() => {
  setBackend(initial);
});

describe.each(backendNames())('in-place updates on %s', (name) => {
  it('add_: this = beta this + alpha other, in the same storage, products rounded to float32', () => {
    setBackend(name);
    const y = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const storage = y.storage;
    const x = tensor([9, 8, 7, 6, 5, 4, 3, 2, 0.1]);
    expect(y.add_(x, { alpha: -0.5, beta: 0.9 })).toBe(y);
    expect(y.storage).toBe(storage);
    const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((value, i) =>
      Math.fround(
        Math.fround(Math.fround(-0.5) * Math.fround([9, 8, 7, 6, 5, 4, 3, 2, 0.1][i])) +
          Math.fround(Math.fround(0.9) * value),
      ),
    );
    expect(Array.from(y.data)).toEqual(expected);
    y.add_(x); // alpha and beta 1
    expect(y.data[8]).toBe(Math.fround(expected[8] + Math.fround(0.1)));
  });

  it('add_ takes host values; beta 0 ignores what the tensor held', () => {
    setBackend(name);
    const y = tensor([Number.NaN, Number.NaN, 1]);
    y.add_(new Float32Array([1, 2, 3]), { alpha: 2, beta: 0 });
    expect(Array.from(y.data)).toEqual([2, 4, 6]);
  });

  it('fill_ overwrites every element, NaN included (zeroing a gradient)', () => {
    setBackend(name);
    const g = tensor([Number.NaN, 3, -1, 7, 2]);
    expect(g.fill_(0)).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(g.fill_(0.25).data)).toEqual([0.25, 0.25, 0.25, 0.25, 0.25]);
  });

  it('mul_ scales in place; subtractProduct_ subtracts the rounded product', () => {
    setBackend(name);
    const y = tensor([1, -2, 3]);
    y.mul_(0.5);
    expect(Array.from(y.data)).toEqual([0.5, -1, 1.5]);
    const w = tensor([1, 1, 1]);
    w.subtractProduct_(tensor([0.1, 0.2, 0.3]), tensor([2, 3, 4]));
    expect(Array.from(w.data)).toEqual(
      [0.1 * 2, 0.2 * 3, 0.3 * 4].map((_, i) =>
        Math.fround(1 - Math.fround(Math.fround([0.1, 0.2, 0.3][i]) * [2, 3, 4][i])),
      ),
    );
  });

  it.each([false, true])(
    'adamUpdate_ (decoupled %s) gives the float64 formula, stored as float32',
    (decoupled) => {
      setBackend(name);
      const w0 = [0.5, -1, 2, 0.25, -0.75];
      const g0 = [0.1, -2, 0.5, 0, 3];
      const weights = tensor(w0);
      const first = tensor([0.01, 0, -0.02, 0.03, 0]);
      const second = tensor([0.001, 0, 0.002, 0.0001, 0]);
      const m0 = Array.from(first.data);
      const v0 = Array.from(second.data);
      const options = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3 };
      adamUpdate_(weights, tensor(g0), first, second, { ...options, weightDecay: 0.1, decoupled });
      const stepSize = 0.01 / (1 - 0.9 ** 3);
      const correction2 = 1 - 0.999 ** 3;
      const expected = w0.map((w, i) => {
        const wf = Math.fround(w);
        const g = Math.fround(g0[i]) + (decoupled ? 0 : 0.1) * wf;
        const m = 0.9 * m0[i] + (1 - 0.9) * g;
        const v = 0.999 * v0[i] + (1 - 0.999) * g * g;
        const scale = decoupled ? 1 - 0.01 * 0.1 : 1;
        return Math.fround(wf * scale - (stepSize * m) / (Math.sqrt(v / correction2) + 1e-8));
      });
      expect(Array.from(weights.data)).toEqual(expected);
    },
  );
});

it('in-place updates name the op and what was expected', () => {
  expect(() => tensor([1, 2]).add_(tensor([1, 2, 3]))).toThrow(ShapeError);
  expect(() => tensor([1, 2]).add_(tensor([1, 2, 3]))).toThrow(/add_: got shapes \[2\], \[3\]/);
  expect(() => tensor([1, 2]).add_(new Float32Array(3))).toThrow(
    /as many elements as the tensor \(2\)/,
  );
  expect(() =>
    (tensor(new Int32Array([1, 2])) as never as ReturnType<typeof tensor>).mul_(2),
  ).toThrow(DTypeError);
  const w = tensor([1, 2]);
  expect(() => w.subtractProduct_(w, tensor([1, 1]))).toThrow(/must not be the tensor/);
  expect(() => w.subtractProduct_(tensor([1]), tensor([1, 1]))).toThrow(
    /subtractProduct_: got shapes/,
  );
});
