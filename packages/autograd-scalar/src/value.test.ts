import { describe, expect, it } from 'vitest';
import {
  add,
  div,
  exp,
  log,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sub,
  tanh,
  topologicalOrder,
  Value,
} from './value.js';

const tolerance = { atol: 1e-6, rtol: 0 };

describe('acceptance values of the seed notebook', () => {
  it('z = x*y + x^2 at x=2, y=3', () => {
    const x = new Value(2);
    const y = new Value(3);
    const z = x.mul(y).add(x.pow(2));
    z.backward();
    expect(z.data).toBeAllclose(10, tolerance);
    expect(x.grad).toBeAllclose(7, tolerance);
    expect(y.grad).toBeAllclose(2, tolerance);
    expect(z.grad).toBeAllclose(1, tolerance);
  });

  it('relu(-1) = 0, relu(2.5) = 2.5, and their gradients', () => {
    const negative = new Value(-1);
    const positive = new Value(2.5);
    const left = negative.relu();
    const right = positive.relu();
    expect(left.data).toBeAllclose(0, tolerance);
    expect(right.data).toBeAllclose(2.5, tolerance);
    left.add(right).backward();
    expect(negative.grad).toBeAllclose(0, tolerance);
    expect(positive.grad).toBeAllclose(1, tolerance);
  });

  it('c = a/b at a=3, b=2', () => {
    const a = new Value(3);
    const b = new Value(2);
    const c = a.div(b);
    c.backward();
    expect(c.data).toBeAllclose(1.5, tolerance);
    expect(a.grad).toBeAllclose(0.5, tolerance);
    expect(b.grad).toBeAllclose(-0.75, tolerance);
  });

  // The issue lists du/dz = 3; the true value is 4: u = (x - y/z) z = xz - y where x > y/z,
  // so du/dz = x. Central differences agree (checked below), so 4 is what we pin.
  it('u = relu(x - y/z) * z at x=4, y=1, z=2', () => {
    const x = new Value(4);
    const y = new Value(1);
    const z = new Value(2);
    const u = x.sub(y.div(z)).relu().mul(z);
    u.backward();
    expect(u.data).toBeAllclose(7, tolerance);
    expect(x.grad).toBeAllclose(2, tolerance);
    expect(y.grad).toBeAllclose(-1, tolerance);
    expect(z.grad).toBeAllclose(4, tolerance);
    const u2 = (zValue: number) => Math.max(0, 4 - 1 / zValue) * zValue;
    expect((u2(2 + 1e-6) - u2(2 - 1e-6)) / 2e-6).toBeAllclose(4, tolerance);
  });
});

describe('faults of the seed notebook, pinned', () => {
  it('pow applies the chain rule and uses the base: d(2 x^3)/dx = 6 x^2', () => {
    const x = new Value(2);
    x.pow(3).mul(2).backward();
    // The faulty rule gave 3 (ignoring the base) or 12 (ignoring out.grad).
    expect(x.grad).toBeAllclose(24, tolerance);
  });

  it('relu passes a negative upstream gradient where its input is positive', () => {
    const x = new Value(2);
    x.relu().mul(-3).backward();
    // The faulty rule passed max(0, out.grad) = 0.
    expect(x.grad).toBe(-3);
  });

  it('relu passes nothing where its input is not positive, whatever the upstream gradient', () => {
    const x = new Value(-1);
    x.relu().mul(5).backward();
    expect(x.grad).toBe(0);
    const zero = new Value(0);
    zero.relu().mul(5).backward();
    expect(zero.grad).toBe(0);
  });

  it('a node propagates only after all its consumers have (reverse post-order)', () => {
    // a feeds c directly and through b = 3a. A pre-order walk reaches a before b has added
    // its share and gives dc/dx = 2 instead of 8.
    const x = new Value(1);
    const a = x.mul(2);
    const c = a.add(a.mul(3));
    c.backward();
    expect(x.grad).toBe(8);
    const order = topologicalOrder(c);
    expect(order.indexOf(a)).toBeLessThan(order.indexOf(c));
    expect(order[order.length - 1]).toBe(c);
  });

  it('every binary op takes a plain number on either side as a constant leaf', () => {
    const x = new Value(3);
    const results = [
      x.add(2),
      add(2, x),
      x.sub(2),
      sub(2, x),
      x.mul(2),
      mul(2, x),
      x.div(2),
      div(2, x),
    ];
    expect(results.map((r) => r.data)).toEqual([5, 5, 1, -1, 6, 6, 1.5, 2 / 3]);
    for (const result of results) {
      const constant = result.parents.find((parent) => parent !== x)!;
      expect(constant.op).toBe('');
      expect(constant.parents).toEqual([]);
      expect(constant.data).toBe(2);
    }
    const y = new Value(3);
    mul(2, y).add(div(6, y)).backward();
    expect(y.grad).toBeAllclose(2 - 6 / 9, tolerance);
  });
});

describe("micrograd's test vectors", () => {
  it('README example: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773', () => {
    const a = new Value(-4);
    const b = new Value(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(add(1, c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(mul(3, d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(div(10, f));
    g.backward();
    expect(g.data).toBeAllclose(24.70408163265306, { atol: 1e-9 });
    expect(a.grad).toBeAllclose(138.83381924198252, { atol: 1e-9 });
    expect(b.grad).toBeAllclose(645.5772594752186, { atol: 1e-9 });
  });

  it('sanity check: y = h + q + q*x with shared subterms at x = -4', () => {
    const x = new Value(-4);
    const z = mul(2, x).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.data).toBe(-20);
    expect(x.grad).toBe(46);
  });
});

describe('backward', () => {
  it('walks a 1,000,000-node chain without overflowing the stack', () => {
    const x = new Value(1);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.neg();
    y.backward();
    expect(y.data).toBe(1);
    expect(x.grad).toBe(1);
    expect(topologicalOrder(y)).toHaveLength(1_000_001);
    y.zeroGrad();
    expect(x.grad).toBe(0);
  });

  it('accumulates gradients across paths and across calls, on leaves', () => {
    const x = new Value(3);
    const y = x.mul(x); // two paths into x
    y.backward();
    expect(x.grad).toBe(6);
    y.backward();
    expect(x.grad).toBe(12);
    // Inner nodes hold the latest call's gradient, so a chain does not compound.
    const w = new Value(1);
    const chain = w.mul(2).mul(3);
    chain.backward();
    chain.backward();
    expect(w.grad).toBe(12);
    expect(chain.grad).toBe(1);
  });

  it('accumulates into leaves shared by two outputs', () => {
    const x = new Value(2);
    x.mul(3).backward();
    x.pow(2).backward();
    expect(x.grad).toBe(3 + 4);
  });

  it('zeroGrad resets every value in the graph', () => {
    const x = new Value(2);
    const y = new Value(5);
    const z = x.mul(y).tanh();
    z.backward();
    expect(x.grad).not.toBe(0);
    z.zeroGrad();
    expect([x.grad, y.grad, z.grad]).toEqual([0, 0, 0]);
  });

  it('on a leaf seeds its own gradient', () => {
    const x = new Value(7);
    x.backward();
    expect(x.grad).toBe(1);
  });

  it('gives pow(x, 0) a zero gradient even at x = 0', () => {
    const x = new Value(0);
    x.pow(0).backward();
    expect(x.grad).toBe(0);
  });
});

describe('ops', () => {
  it('compute their forward values', () => {
    const x = new Value(0.5);
    expect(neg(x).data).toBe(-0.5);
    expect(pow(x, 3).data).toBe(0.125);
    expect(exp(x).data).toBe(Math.exp(0.5));
    expect(log(x).data).toBe(Math.log(0.5));
    expect(tanh(x).data).toBe(Math.tanh(0.5));
    expect(sigmoid(x).data).toBeAllclose(1 / (1 + Math.exp(-0.5)), { atol: 1e-15 });
    expect(relu(x).data).toBe(0.5);
    expect(relu(-2).data).toBe(0);
  });

  it('sigmoid stays finite and exact at extreme inputs', () => {
    expect(sigmoid(-1000).data).toBe(0);
    expect(sigmoid(1000).data).toBe(1);
    expect(sigmoid(-40).data).toBeGreaterThan(0);
  });

  it('record their op and parents', () => {
    const x = new Value(2, 'x');
    const y = x.pow(3);
    expect(y.op).toBe('pow');
    expect(y.exponent).toBe(3);
    expect(y.parents).toEqual([x]);
    expect(x.label).toBe('x');
    expect(x.op).toBe('');
    expect(String(x)).toBe('Value(data=2, grad=0)');
  });

  it('reject operands that are neither Values nor numbers', () => {
    const x = new Value(1);
    expect(() => x.add('2' as unknown as number)).toThrow(
      'add: expected a Value or a number, got string 2',
    );
    expect(() => mul(null as unknown as number, x)).toThrow(
      'mul: expected a Value or a number, got null',
    );
    expect(() => x.pow(Number.NaN)).toThrow('pow: exponent must be a finite number');
    expect(() => new Value('1' as unknown as number)).toThrow('Value: data must be a number');
  });
});
