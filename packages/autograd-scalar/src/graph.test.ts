import { describe, expect, it } from 'vitest';
import { toDot, toGraph } from './graph.js';
import { Value } from './value.js';

function smallGraph() {
  const x = new Value(2, 'x');
  const y = new Value(-3, 'y');
  const z = x.mul(y).add(x.pow(2));
  z.label = 'z';
  z.backward();
  return { x, y, z };
}

describe('toGraph', () => {
  it('lists every value once, parents first, with data, grad, op and edges', () => {
    const { z } = smallGraph();
    const graph = toGraph(z);
    expect(graph.nodes.map((n) => [n.label, n.op, n.data, n.grad])).toEqual([
      ['x', '', 2, 1],
      ['y', '', -3, 2],
      ['', 'mul', -6, 1],
      ['', 'pow', 4, 1],
      ['z', 'add', -2, 1],
    ]);
    expect(graph.nodes[3].exponent).toBe(2);
    expect(graph.edges).toEqual([
      { from: 0, to: 2, input: 0 },
      { from: 1, to: 2, input: 1 },
      { from: 0, to: 3, input: 0 },
      { from: 2, to: 4, input: 0 },
      { from: 3, to: 4, input: 1 },
    ]);
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  it('handles a graph far deeper than the call stack', () => {
    let value = new Value(1);
    for (let i = 0; i < 200_000; i++) value = value.tanh();
    const graph = toGraph(value);
    expect(graph.nodes).toHaveLength(200_001);
    expect(graph.edges).toHaveLength(200_000);
  });
});

describe('toDot', () => {
  it('draws a record per value with data and grad, and op nodes between', () => {
    const { z } = smallGraph();
    const dot = toDot(z);
    expect(dot.startsWith('digraph autograd {\n  rankdir=LR;')).toBe(true);
    expect(dot).toContain('v0 [shape=record, label="{ x | data 2.0000 | grad 1.0000 }"];');
    expect(dot).toContain('v2 [shape=record, label="{ data -6.0000 | grad 1.0000 }"];');
    expect(dot).toContain('op2 [shape=ellipse, label="*"];');
    expect(dot).toContain('op3 [shape=ellipse, label="^2"];');
    expect(dot).toContain('op4 -> v4;');
    expect(dot).toContain('v0 -> op2;');
    expect(dot).toContain('v3 -> op4;');
    expect(dot.match(/shape=record/g)).toHaveLength(5);
    expect(dot.match(/shape=ellipse/g)).toHaveLength(3);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('escapes labels that contain record syntax', () => {
    const value = new Value(1, 'a|b{c}');
    expect(toDot(value)).toContain('label="{ a\\|b\\{c\\} | data 1.0000 | grad 0.0000 }"');
  });
});
