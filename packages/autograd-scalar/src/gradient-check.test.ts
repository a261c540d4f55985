// Every op against central finite differences, on random inputs (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Operand, Value } from './value.js';

/** Central difference of f at x, with a step scaled to x. */
function numericDerivative(f: (x: number) => number, x: number): number {
  const step = 1e-5 * Math.max(1, Math.abs(x));
  return (f(x + step) - f(x - step)) / (2 * step);
}

/** The gradients backward() gives f at `inputs`, and their finite-difference estimates. */
function compareGradients(f: (inputs: Value[]) => Value, inputs: number[]) {
  const values = inputs.map((x) => new Value(x));
  f(values).backward();
  const analytic = values.map((value) => value.grad);
  const numeric = inputs.map((_, i) =>
    numericDerivative((xi) => {
      const shifted = inputs.map((x, j) => new Value(j === i ? xi : x));
      return f(shifted).data;
    }, inputs[i]),
  );
  return { analytic, numeric };
}

const checkTolerance = { rtol: 1e-5, atol: 1e-6 };
const real = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const awayFromZero = (limit: number, gap: number) => fc.oneof(real(-limit, -gap), real(gap, limit));

const unaryCases: [string, (x: Value) => Value, fc.Arbitrary<number>][] = [
  ['neg', (x) => x.neg(), real(-10, 10)],
  ['exp', (x) => x.exp(), real(-5, 5)],
  ['log', (x) => x.log(), real(0.05, 20)],
  ['tanh', (x) => x.tanh(), real(-4, 4)],
  ['sigmoid', (x) => x.sigmoid(), real(-8, 8)],
  ['relu', (x) => x.relu(), awayFromZero(10, 1e-3)],
  ['pow 2', (x) => x.pow(2), real(-5, 5)],
  ['pow 3', (x) => x.pow(3), real(-3, 3)],
  ['pow -1', (x) => x.pow(-1), awayFromZero(5, 0.2)],
  ['pow 0.5', (x) => x.pow(0.5), real(0.1, 10)],
];

const binaryCases: [string, (a: Value, b: Operand) => Value, fc.Arbitrary<number>][] = [
  ['add', (a, b) => a.add(b), real(-10, 10)],
  ['sub', (a, b) => a.sub(b), real(-10, 10)],
  ['mul', (a, b) => a.mul(b), real(-10, 10)],
  ['div', (a, b) => a.div(b), awayFromZero(10, 0.3)],
];

describe('each op matches central finite differences', () => {
  for (const [name, op, domain] of unaryCases) {
    it(name, () => {
      fc.assert(
        fc.property(domain, (x) => {
          // Scale the output so upstream gradients other than 1 are exercised too.
          const { analytic, numeric } = compareGradients(([v]) => op(v).mul(-1.5), [x]);
          expect(analytic).toBeAllclose(numeric, checkTolerance);
        }),
      );
    });
  }

  for (const [name, op, domain] of binaryCases) {
    it(name, () => {
      fc.assert(
        fc.property(real(-10, 10), domain, (a, b) => {
          const { analytic, numeric } = compareGradients(([x, y]) => op(x, y).mul(0.7), [a, b]);
          expect(analytic).toBeAllclose(numeric, checkTolerance);
        }),
      );
    });

    it(`${name} with a plain number on the right`, () => {
      fc.assert(
        fc.property(real(-10, 10), domain, (a, b) => {
          const { analytic, numeric } = compareGradients(([x]) => op(x, b), [a]);
          expect(analytic).toBeAllclose(numeric, checkTolerance);
        }),
      );
    });
  }
});

// A random program over a pool of values: each step applies one smooth op to operands drawn
// from everything computed so far, so subterms are shared along many paths.
type Step = { op: number; left: number; right: number };
const smoothSteps: ((a: Value, b: Value) => Value)[] = [
  (a, b) => a.add(b),
  (a, b) => a.sub(b),
  (a, b) => a.mul(b),
  (a, b) => a.div(b.mul(b).add(1)),
  (a) => a.tanh(),
  (a) => a.sigmoid(),
  (a) => a.tanh().exp(),
  (a) => a.mul(a).add(1).log(),
  (a) => a.pow(2),
  (a) => a.neg(),
];

function runProgram(inputs: Value[], steps: Step[]): Value {
  const pool = [...inputs];
  for (const step of steps) {
    const left = pool[step.left % pool.length];
    const right = pool[step.right % pool.length];
    pool.push(smoothSteps[step.op % smoothSteps.length](left, right));
  }
  // Sum the last three results so several branches reach the output.
  return pool.slice(-3).reduce((sum, value) => sum.add(value));
}

describe('composite expressions with shared subterms', () => {
  it('random programs match central finite differences', () => {
    const step = fc.record({ op: fc.nat(), left: fc.nat(), right: fc.nat() });
    fc.assert(
      fc.property(
        fc.array(real(-1.5, 1.5), { minLength: 1, maxLength: 4 }),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        (inputs, steps) => {
          const f = (values: Value[]) => runProgram(values, steps);
          if (!Number.isFinite(f(inputs.map((x) => new Value(x))).data)) return;
          const { analytic, numeric } = compareGradients(f, inputs);
          expect(analytic).toBeAllclose(numeric, { rtol: 1e-4, atol: 1e-5 });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a value used by many consumers gets the sum of their gradients', () => {
    fc.assert(
      fc.property(real(-2, 2), real(-2, 2), (a, b) => {
        const f = ([x, y]: Value[]) => {
          const shared = x.mul(y).add(x.tanh());
          const squared = shared.mul(shared);
          return squared.add(shared.exp()).div(shared.sigmoid().add(1)).sub(x.pow(2).mul(shared));
        };
        const { analytic, numeric } = compareGradients(f, [a, b]);
        expect(analytic).toBeAllclose(numeric, { rtol: 1e-5, atol: 1e-5 });
      }),
    );
  });
});
