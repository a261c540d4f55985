import { describe, expect, it } from 'vitest';
import { tensor, uniform, zeros } from '../creation.js';
import { ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import { add, mul } from './elementwise.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { transpose } from './shape.js';

describe('linear', () => {
  it('computes x W^T + b', () => {
    const x = tensor([[1, 2, 3]]);
    const w = tensor([
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(linear(x, w, tensor([10, 20])).toArray()).toEqual([[11, 25]]);
    expect(linear(x, w).toArray()).toEqual([[1, 5]]);
  });

  it('matches matmul(x, transpose(W)) + b, forward and gradients, for leading axes', () => {
    const generator = new Generator(5);
    const make = (shape: number[]) => uniform(shape, -1, 1, generator, { requiresGrad: true });
    const x = make([2, 3, 4]);
    const w = make([5, 4]);
    const b = make([5]);
    const r = uniform([2, 3, 5], -1, 1, generator);
    sum(mul(linear(x, w, b), r)).backward();
    const grads = [x, w, b].map((t) => t.grad!.data.slice());
    for (const t of [x, w, b]) t.grad = null;
    const reference = add(matmul(x, transpose(w)), b);
    expect(linear(x, w, b).data).toBeAllclose(reference.data, { rtol: 1e-6, atol: 1e-6 });
    sum(mul(reference, r)).backward();
    for (const [i, t] of [x, w, b].entries()) {
      expect(grads[i]).toBeAllclose(t.grad!.data, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('has gradients that match central finite differences', () => {
    const generator = new Generator(6);
    const x = uniform([3, 4], -1, 1, generator, { requiresGrad: true });
    const w = uniform([2, 4], -1, 1, generator, { requiresGrad: true });
    const b = uniform([2], -1, 1, generator, { requiresGrad: true });
    const r = uniform([3, 2], -1, 1, generator);
    const objective = () => sum(mul(linear(x, w, b), r)).item();
    sum(mul(linear(x, w, b), r)).backward();
    const step = 1e-2; // the objective is linear in each value: differences are exact up to rounding
    for (const t of [x, w, b]) {
      const numeric = Array.from(t.data, (value, i) => {
        t.data[i] = value + step;
        const plus = objective();
        t.data[i] = value - step;
        const minus = objective();
        t.data[i] = value;
        return (plus - minus) / (2 * step);
      });
      expect(t.grad!.data).toBeAllclose(numeric, { rtol: 1e-3, atol: 1e-4 });
    }
  });

  it('names the shapes on mismatch', () => {
    expect(() => linear(zeros([2, 3]), zeros([4, 2]))).toThrow(ShapeError);
    expect(() => linear(zeros([2, 3]), zeros([4, 3]), zeros([3]))).toThrow(/a bias of shape \[4\]/);
  });
});
