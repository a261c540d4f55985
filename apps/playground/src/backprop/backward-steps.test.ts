import { toGraph } from '@lenet/autograd-scalar';
import { describe, expect, it } from 'vitest';
import { backwardSteps } from './backward-steps.js';
import { buildValue, parseEquation } from './expression.js';

function stepsAndEngine(source: string, values: Record<string, number>) {
  const root = buildValue(parseEquation(source), values);
  const before = toGraph(root);
  const steps = backwardSteps(before);
  root.backward();
  const after = toGraph(root);
  return { steps, before, engineGrads: after.nodes.map((node) => node.grad) };
}

describe('backwardSteps', () => {
  it('walks z = x*y + x^2 from the root back to the leaves', () => {
    const { steps, before } = stepsAndEngine('z = x*y + x^2', { x: 2, y: 3 });
    const labelOf = (id: number) => before.nodes[id].label || before.nodes[id].op;
    // seed at z, then z (add), then its inputs in reverse topological order: pow, mul
    expect(steps.map((step) => labelOf(step.node))).toEqual(['z', 'z', 'pow', 'mul']);
    const last = steps.at(-1)!.grads;
    const x = before.nodes.findIndex((node) => node.label === 'x');
    const y = before.nodes.findIndex((node) => node.label === 'y');
    expect(last[x]).toBe(7);
    expect(last[y]).toBe(2);
    // after the seed only the root has a gradient
    expect(Array.from(steps[0].grads)).toEqual(before.nodes.map((_, id) => (id === 4 ? 1 : 0)));
  });

  it('ends with exactly the gradients of Value.backward()', () => {
    const cases: [string, Record<string, number>][] = [
      ['o = tanh(x1*w1 + x2*w2 + b)', { x1: 2, x2: 0, w1: -3, w2: 1, b: 6.881373587 }],
      ['L = (a*b + c) * f', { a: 2, b: -3, c: 10, f: -2 }],
      ['q = exp(x) / (1 + exp(x)) - sigmoid(x)', { x: 0.3 }],
      ['r = relu(x - y) + log(x) * (x/y)^3 - -y', { x: 1.5, y: 0.5 }],
      ['s = relu(y - x) + x^0', { x: 1.5, y: 0.5 }],
    ];
    for (const [source, values] of cases) {
      const { steps, engineGrads } = stepsAndEngine(source, values);
      expect(Array.from(steps.at(-1)!.grads)).toBeAllclose(engineGrads, { rtol: 1e-12, atol: 0 });
    }
  });

  it('has nothing to step for a bare leaf but the seed', () => {
    const { steps } = stepsAndEngine('x', { x: 5 });
    expect(steps).toHaveLength(1);
    expect(Array.from(steps[0].grads)).toEqual([1]);
  });
});
