import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, uniform } from '../creation.js';
import { DTypeError, ShapeError } from '../errors.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { compareGradients } from '../testing/gradient-check.js';
import {
  abs,
  add,
  addBiasActivation,
  allClose,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  scaledTanh,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
} from './elementwise.js';

const tolerance = { rtol: 2e-2, atol: 2e-3 };

function expectGradientsMatch(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const { analytic, numeric } of compareGradients(fn, inputs)) {
    expect(analytic).toBeAllclose(numeric, tolerance);
  }
}

/** An output shape and two operand shapes that broadcast to it (dropped leading axes, 1s). */
const broadcastShapes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 })
  .chain((shape) => fc.tuple(fc.constant(shape), operandShape(shape), operandShape(shape)));

function operandShape(shape: number[]) {
  return fc
    .tuple(
      fc.integer({ min: 0, max: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([drop, ones]) => shape.slice(drop).map((size, d) => (ones[d + drop] ? 1 : size)));
}

describe('element-wise values', () => {
  it('computes binary ops with broadcasting', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    expect(add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(sub(a, 1).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(mul(tensor([[2], [3]]), b).toArray()).toEqual([
      [20, 40, 60],
      [30, 60, 90],
    ]);
    expect(div(b, 10).data).toBeAllclose([1, 2, 3]);
    expect(pow(a, 2).data).toBeAllclose([1, 4, 9, 16, 25, 36]);
    expect(maximum(a, 3.5).data).toBeAllclose([3.5, 3.5, 3.5, 4, 5, 6]);
    expect(minimum(a, tensor([[2], [5]])).data).toBeAllclose([1, 2, 2, 4, 5, 5]);
  });

  it('computes unary ops, including the paper squashing function', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2]);
    expect(neg(x).data).toBeAllclose([2, 0.5, -0, -0.5, -2]);
    expect(exp(x).data).toBeAllclose([-2, -0.5, 0, 0.5, 2].map(Math.exp));
    expect(abs(x).data).toBeAllclose([2, 0.5, 0, 0.5, 2]);
    expect(square(x).data).toBeAllclose([4, 0.25, 0, 0.25, 4]);
    expect(tanh(x).data).toBeAllclose([-2, -0.5, 0, 0.5, 2].map(Math.tanh));
    expect(sigmoid(tensor([-800, 0, 800])).data).toBeAllclose([0, 0.5, 1]);
    expect(relu(x).data).toBeAllclose([0, 0, 0, 0.5, 2]);
    expect(log(tensor([1, Math.E])).data).toBeAllclose([0, 1]);
    expect(sqrt(tensor([4, 9])).data).toBeAllclose([2, 3]);
    // f(1) = 1.7159 tanh(2/3) = 1.0000 (the paper chose A and S for f(+-1) = +-1)
    expect(scaledTanh(tensor([1, -1, 0])).data).toBeAllclose([1, -1, 0], { atol: 1e-4 });
  });

  it('fuses bias and activation over channels', () => {
    const x = tensor([[[1, -1]], [[2, -2]]]).reshape([2, 1, 2]); // [N=2, C=1, inner=2]
    const out = addBiasActivation(x, tensor([0.5]), 'relu');
    expect(out.data).toBeAllclose([1.5, 0, 2.5, 0]);
    const dense = addBiasActivation(
      tensor([
        [0, 0],
        [1, 1],
      ]),
      tensor([1, -1]),
      'identity',
    );
    expect(dense.data).toBeAllclose([1, -1, 2, 0]);
  });

  it('names the op and shapes on broadcast and dtype errors', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/add: got shapes \[3\], \[2\]/);
    expect(() => mul(tensor(new Int32Array([1])) as never, 2)).toThrow(DTypeError);
    expect(() => addBiasActivation(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(
      /addBiasActivation/,
    );
  });

  it('allClose compares shapes and values', () => {
    expect(allClose(tensor([1, 2]), tensor([1, 2 + 1e-7]))).toBe(true);
    expect(allClose(tensor([1, 2]), tensor([1, 2.1]))).toBe(false);
    expect(allClose(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
  });
});

describe('element-wise gradients (central differences)', () => {
  const generator = new Generator(11);
  const binaryOps: [
    string,
    (a: Tensor, b: Tensor) => Tensor,
    [number, number],
    [number, number],
  ][] = [
    ['add', add, [-1, 1], [-1, 1]],
    ['sub', sub, [-1, 1], [-1, 1]],
    ['mul', mul, [-1, 1], [-1, 1]],
    ['div', div, [-1, 1], [0.5, 2]],
    ['pow', pow, [0.5, 2], [-1.5, 1.5]],
  ];
  for (const [name, op, aRange, bRange] of binaryOps) {
    it(`${name} over random broadcast shapes`, () => {
      fc.assert(
        fc.property(broadcastShapes, ([, aShape, bShape]) => {
          const a = uniform(aShape, aRange[0], aRange[1], generator);
          const b = uniform(bShape, bRange[0], bRange[1], generator);
          expectGradientsMatch(op, [a, b]);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('maximum and minimum away from ties', () => {
    const a = tensor([
      [0.1, 0.9, -0.7],
      [0.4, -0.2, 0.6],
    ]);
    const b = tensor([0.5, 0.3, -0.1]);
    expectGradientsMatch(maximum, [a, b]);
    expectGradientsMatch(minimum, [a, b]);
  });

  const unaryOps: [string, (x: Tensor) => Tensor, [number, number]][] = [
    ['neg', neg, [-2, 2]],
    ['exp', exp, [-2, 2]],
    ['log', log, [0.5, 3]],
    ['sqrt', sqrt, [0.5, 3]],
    ['abs', abs, [0.1, 2]],
    ['square', square, [-2, 2]],
    ['tanh', tanh, [-2, 2]],
    ['sigmoid', sigmoid, [-3, 3]],
    ['relu', relu, [0.1, 2]],
    ['scaledTanh', scaledTanh, [-2, 2]],
  ];
  for (const [name, op, [low, high]] of unaryOps) {
    it(`${name} over random shapes`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
          fc.boolean(),
          (shape, negate) => {
            // abs and relu: both sides of the kink, never near it
            const x = uniform(shape, low, high, generator);
            const input = negate && (name === 'abs' || name === 'relu') ? neg(x).detach() : x;
            expectGradientsMatch(op, [input]);
          },
        ),
        { numRuns: 15 },
      );
    });
  }

  for (const activation of ['identity', 'relu', 'tanh', 'sigmoid', 'scaledTanh'] as const) {
    it(`addBiasActivation(${activation}) for input and bias`, () => {
      const x = uniform([2, 3, 4], -2, 2, generator);
      const bias = uniform([3], -0.5, 0.5, generator);
      // keep relu's pre-activations away from 0
      if (activation === 'relu') {
        for (let i = 0; i < x.size; i++)
          if (Math.abs(x.data[i] + bias.data[(i >> 2) % 3]) < 0.1) x.data[i] += 0.3;
      }
      expectGradientsMatch((input, b) => addBiasActivation(input, b, activation), [x, bias]);
    });
  }
});
