import { Generator, mul, sum, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d } from './layers/conv2d.js';
import { Linear } from './layers/linear.js';
import { Sequential } from './layers/sequential.js';
import { Dropout, Flatten } from './layers/shape-layers.js';
import { StateDictError } from './module.js';
import { randomInput } from './testing/helpers.js';

function smallNet() {
  const generator = new Generator(1);
  return new Sequential({
    conv: new Conv2d(1, 2, 3, { activation: 'relu', generator }),
    flatten: new Flatten(),
    drop: new Dropout(0.5),
    head: new Sequential([new Linear(8, 3, { generator })]),
  });
}

describe('Module', () => {
  it('names parameters with dotted paths and lists children', () => {
    const net = smallNet();
    expect(net.namedParameters().map(([name]) => name)).toEqual([
      'conv.weight',
      'conv.bias',
      'head.0.weight',
      'head.0.bias',
    ]);
    expect(net.parameters()).toHaveLength(4);
    expect(net.namedChildren().map(([name]) => name)).toEqual(['conv', 'flatten', 'drop', 'head']);
    expect(net.children()).toHaveLength(4);
    expect(net.parameterCount()).toBe(2 * 9 + 2 + 8 * 3 + 3);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('counts a tensor shared by two modules once', () => {
    const layer = new Linear(2, 2);
    const net = new Sequential([layer, layer]);
    expect(net.parameters()).toHaveLength(2);
    expect(net.parameterCount()).toBe(6);
  });

  it('train() and eval() reach every descendant', () => {
    const net = smallNet().eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('zeroGrad() zeroes accumulated gradients in place', () => {
    const net = smallNet().eval();
    const out = net.forward(randomInput([2, 1, 4, 4]));
    sum(mul(out, out)).backward();
    const grad = net.parameters()[0].grad!;
    expect(grad.data.some((v) => v !== 0)).toBe(true);
    net.zeroGrad();
    expect(net.parameters()[0].grad).toBe(grad);
    expect(grad.data.every((v) => v === 0)).toBe(true);
  });

  it('stateDict() copies values; loadStateDict() restores them into the same tensors', () => {
    const net = smallNet();
    const state = net.stateDict();
    expect([...state.keys()]).toEqual(['conv.weight', 'conv.bias', 'head.0.weight', 'head.0.bias']);
    const weight = net.parameters()[0];
    const original = weight.data.slice();
    weight.data.fill(7);
    expect(Array.from(state.get('conv.weight')!.data)).toEqual(Array.from(original));
    net.loadStateDict(state);
    expect(net.parameters()[0]).toBe(weight);
    expect(Array.from(weight.data)).toEqual(Array.from(original));
  });

  it('loadStateDict() lists every missing, unexpected and mismatched entry in one error', () => {
    const net = smallNet();
    const state = net.stateDict();
    state.delete('conv.bias');
    state.set('extra.weight', { shape: [1], data: new Float32Array(1) });
    state.set('head.0.weight', { shape: [8, 3], data: new Float32Array(24) });
    let error: unknown;
    try {
      net.loadStateDict(state);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const message = (error as Error).message;
    expect(message).toContain('missing: conv.bias');
    expect(message).toContain('unexpected: extra.weight');
    expect(message).toContain(
      'head.0.weight: shape [8, 3] (24 values) in the state, [3, 8] in the model',
    );
    // non-strict: loads what matches, still refuses a wrong shape
    state.set('head.0.weight', { shape: [3, 8], data: new Float32Array(24).fill(1) });
    net.loadStateDict(state, { strict: false });
    expect(net.parameters()[2].data.every((v) => v === 1)).toBe(true);
  });

  it('summary() prints a torchinfo-like table', () => {
    const net = smallNet();
    const text = net.summary([1, 4, 4]);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^Layer \(name\)\s+Output shape\s+Param #$/);
    expect(text).toContain('Conv2d(1 -> 2, kernel 3x3, relu) (conv)');
    expect(text).toMatch(/Linear\(8 -> 3\) \(head\.0\)\s+\[1, 3\]\s+27/);
    expect(text).toContain('Total params: 47');
    expect(() => net.summary()).toThrow(/no input shape/);
    expect(net.toString()).toContain('(head): Sequential');
  });

  it('summary() keeps training mode and leaves the dropout generator untouched', () => {
    const net = smallNet();
    const dropout = net.children()[2] as Dropout;
    const state = dropout.generator.getState();
    net.summary([1, 4, 4]);
    expect(dropout.generator.getState()).toEqual(state);
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('refuses duplicate or dotted names', () => {
    expect(() => new Sequential({ 'a.b': new Flatten() })).toThrow(/invalid name "a.b"/);
  });

  it('loads values from a plain record too', () => {
    const layer = new Linear(1, 1);
    layer.loadStateDict({
      weight: { shape: [1, 1], data: Float32Array.of(2) },
      bias: { shape: [1], data: Float32Array.of(3) },
    });
    expect(layer.forward(tensor([[4]])).item()).toBeAllclose(11);
  });
});
