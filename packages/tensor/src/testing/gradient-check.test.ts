import { expect, it } from 'vitest';
import { recordOp } from '../autograd.js';
import { tensor } from '../creation.js';
import { mul } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from './gradient-check.js';

it('agrees with a correct gradient and catches a wrong one', () => {
  const x = () => tensor([0.5, -1, 2]);
  // square with the right rule (2x) and with a wrong one (x)
  const square = (t: Tensor) => mul(t, t);
  const wrongSquare = (t: Tensor) => {
    const out = tensor(Array.from(t.data, (v) => v * v));
    return recordOp(out, 'wrongSquare', [t], (g) => [mul(g, t)]);
  };
  const [right] = compareGradients(square, [x()]);
  expect(right.analytic).toBeAllclose(right.numeric, { rtol: 1e-3, atol: 1e-4 });
  const [wrong] = compareGradients(wrongSquare, [x()]);
  expect(() =>
    expect(wrong.analytic).toBeAllclose(wrong.numeric, { rtol: 2e-2, atol: 2e-3 }),
  ).toThrow(/expected allclose/);
});
