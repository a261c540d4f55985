import { describe, expect, it } from 'vitest';
import {
  buildValue,
  ExpressionError,
  parseAssignments,
  parseEquation,
  variablesOf,
} from './expression.js';

function evaluate(source: string, values: Record<string, number>) {
  const root = buildValue(parseEquation(source), values);
  root.backward();
  return root;
}

describe('parseEquation', () => {
  it('reads z = x*y + x^2 with the usual precedence', () => {
    const { name, expression } = parseEquation('z = x*y + x^2');
    expect(name).toBe('z');
    expect(expression).toEqual({
      kind: 'binary',
      op: '+',
      left: {
        kind: 'binary',
        op: '*',
        left: { kind: 'variable', name: 'x' },
        right: { kind: 'variable', name: 'y' },
      },
      right: { kind: 'power', base: { kind: 'variable', name: 'x' }, exponent: 2 },
    });
    expect(variablesOf(expression)).toEqual(['x', 'y']);
  });

  it('binds minus and powers like mathematics: -x^2 is -(x^2), a-b-c is (a-b)-c', () => {
    expect(evaluate('-x^2', { x: 3 }).data).toBe(-9);
    expect(evaluate('a - b - c', { a: 10, b: 3, c: 2 }).data).toBe(5);
    expect(evaluate('a / b / c', { a: 12, b: 3, c: 2 }).data).toBe(2);
    expect(evaluate('x ** -1', { x: 4 }).data).toBe(0.25);
  });

  it('names the output "out" without an equals sign', () => {
    expect(parseEquation('tanh(x)').name).toBe('out');
  });

  it('explains what is wrong and where', () => {
    expect(() => parseEquation('x + * y')).toThrow(
      /expected a number, a variable.*at 5, found '\*'/,
    );
    expect(() => parseEquation('x ^ y')).toThrow(/exponent at 5 must be a number/);
    expect(() => parseEquation('foo(x)')).toThrow(/unknown function 'foo'/);
    expect(() => parseEquation('(x + y')).toThrow(/expected '\)' at 7, found the end/);
    expect(() => parseEquation('x $ y')).toThrow(ExpressionError);
    expect(() => parseEquation('x y')).toThrow(/unexpected 'y' at 3/);
  });
});

describe('buildValue', () => {
  it('gives dz/dx = y + 2x = 7 and dz/dy = x = 2 at x=2, y=3', () => {
    const root = evaluate('z = x*y + x^2', { x: 2, y: 3 });
    expect(root.data).toBe(10);
    expect(root.label).toBe('z');
    const leaves = new Map<string, number>();
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.op === '') leaves.set(node.label, node.grad);
      stack.push(...node.parents);
    }
    expect(leaves.get('x')).toBe(7);
    expect(leaves.get('y')).toBe(2);
  });

  it('computes every function like Math', () => {
    const x = 0.7;
    expect(evaluate('exp(x) + log(x) + tanh(x) + sigmoid(x) + relu(-x)', { x }).data).toBeCloseTo(
      Math.exp(x) + Math.log(x) + Math.tanh(x) + 1 / (1 + Math.exp(-x)),
      12,
    );
  });

  it('asks for missing values by name', () => {
    expect(() => buildValue(parseEquation('x*y'), { x: 1 })).toThrow(/no value for 'y'/);
  });
});

describe('parseAssignments', () => {
  it('reads name=value pairs separated by commas or spaces', () => {
    expect(parseAssignments('x=2, y=-3.5 w1=1e-2')).toEqual({ x: 2, y: -3.5, w1: 0.01 });
    expect(parseAssignments('  ')).toEqual({});
  });

  it('rejects anything else', () => {
    expect(() => parseAssignments('x=2, y')).toThrow(/expected name=number, found 'y'/);
    expect(() => parseAssignments('x=abc')).toThrow(/found 'x=abc'/);
  });
});
