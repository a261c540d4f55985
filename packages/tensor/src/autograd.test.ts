import { afterEach, describe, expect, it } from 'vitest';
import { assertFinite, isGradEnabled, noGrad, setFiniteChecks } from './autograd.js';
import { tensor } from './creation.js';
import { NonFiniteError, ShapeError } from './errors.js';
import { add, log, mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import type { Tensor } from './tensor.js';

afterEach(() => setFiniteChecks(false));

describe('backward', () => {
  it('differentiates a scalar expression, summing over shared inputs', () => {
    const x = tensor([2, 3], undefined, { requiresGrad: true });
    // y = sum(x * x + x) -> dy/dx = 2x + 1 (x used three times)
    const y = sum(add(mul(x, x), x));
    y.backward();
    expect(x.grad?.toArray()).toEqual([5, 7]);
    expect(y.isLeaf).toBe(false);
    expect(x.isLeaf).toBe(true);
  });

  it('accumulates into .grad over calls until reset', () => {
    const w = tensor([1, -1], undefined, { requiresGrad: true });
    sum(mul(w, 3)).backward();
    const buffer = w.grad;
    sum(mul(w, 3)).backward();
    expect(w.grad?.toArray()).toEqual([6, 6]);
    expect(w.grad).toBe(buffer); // the same buffer, added in place
    w.grad = null;
    sum(mul(w, 2)).backward();
    expect((w.grad as Tensor | null)?.toArray()).toEqual([2, 2]);
  });

  it('keeps leaf gradients private even when an op passes one gradient to two inputs', () => {
    const a = tensor([1], undefined, { requiresGrad: true });
    const b = tensor([1], undefined, { requiresGrad: true });
    sum(add(a, b)).backward();
    sum(add(a, b)).backward();
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad?.toArray()).toEqual([2]);
    expect(b.grad?.toArray()).toEqual([2]);
  });

  it('takes an explicit gradient for non-scalar outputs and refuses to guess', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(ShapeError);
    expect(() => y.backward()).toThrow(/backward: got shape \[3\]; expected a one-element tensor/);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/gradient of the output's shape \[3\]/);
    y.backward(tensor([1, 0, -1]));
    expect(x.grad?.toArray()).toEqual([2, 0, -2]);
  });

  it('keeps non-leaf gradients only when retainGrad() was called', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const hidden = mul(x, 3).retainGrad();
    const other = mul(x, 1);
    sum(mul(add(hidden, other), 2)).backward();
    expect(hidden.grad?.toArray()).toEqual([2, 2]);
    expect(other.grad).toBeNull();
    expect(x.grad?.toArray()).toEqual([8, 8]);
  });

  it('runs twice through a retained graph, and explains a released one', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad?.toArray()).toEqual([4]);
    expect(() => y.backward()).toThrow(/already released by a previous backward\(\)/);
  });

  it('handles a 20,000-op chain without recursion (a recursive sort overflows)', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20_000; i++) y = add(y, 0);
    sum(y).backward();
    expect(x.grad?.item()).toBe(1);
  });

  it('refuses backward on tensors without history', () => {
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });
});

describe('grad mode', () => {
  it('records nothing inside noGrad, and restores the mode after a throw', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(isGradEnabled()).toBe(true);
    expect(mul(x, 2).requiresGrad).toBe(true);
  });

  it('detach() cuts the history', () => {
    const x = tensor([2], undefined, { requiresGrad: true });
    const y = mul(mul(x, 3).detach(), x);
    sum(y).backward();
    expect(x.grad?.item()).toBe(6); // the detached factor is a constant
  });

  it('refuses to turn requiresGrad off on a non-leaf', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    const y = mul(x, 2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/use detach/);
  });
});

describe('finite checks', () => {
  it('assertFinite names the label and position', () => {
    expect(() => assertFinite(tensor([1, Number.NaN]), 'logits')).toThrow(NonFiniteError);
    expect(() => assertFinite(tensor([1, Number.POSITIVE_INFINITY]), 'logits')).toThrow(
      /logits produced a non-finite value: Infinity at flat index 1/,
    );
    expect(() => assertFinite(tensor([1, 2]))).not.toThrow();
  });

  it('in debug mode, names the first op that produced NaN or Infinity', () => {
    setFiniteChecks(true);
    const x = tensor([1, 0, 2]);
    expect(() => sum(log(mul(x, 2)))).toThrow(
      /^log produced a non-finite value: -Infinity at flat index 1/,
    );
    setFiniteChecks(false);
    expect(() => sum(log(mul(x, 2)))).not.toThrow();
  });
});
