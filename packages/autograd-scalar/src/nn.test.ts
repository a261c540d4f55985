import { describe, expect, it } from 'vitest';
import { Layer, MLP, Neuron } from './nn.js';
import { Random } from './random.js';

describe('Neuron', () => {
  it('computes activation(w . x + b) for every activation', () => {
    const expected = {
      linear: 0.25,
      tanh: Math.tanh(0.25),
      relu: 0.25,
      sigmoid: 1 / (1 + Math.exp(-0.25)),
    };
    for (const [activation, value] of Object.entries(expected)) {
      const neuron = new Neuron(2, { activation: activation as keyof typeof expected });
      neuron.weights[0].data = 0.5;
      neuron.weights[1].data = -0.25;
      neuron.bias.data = 0.5;
      expect(neuron.forward([1, 3]).data).toBeAllclose(value, { atol: 1e-12 });
    }
    const relu = new Neuron(1);
    relu.weights[0].data = 1;
    expect(relu.forward([-2]).data).toBe(0);
  });

  it('starts with weights in [-initRange, initRange] and a zero bias', () => {
    const neuron = new Neuron(200, { random: new Random(1), initRange: 0.3 });
    const weights = neuron.weights.map((w) => w.data);
    expect(Math.max(...weights)).toBeLessThanOrEqual(0.3);
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(-0.3);
    expect(Math.max(...weights)).toBeGreaterThan(0.25);
    expect(neuron.bias.data).toBe(0);
  });

  it('rejects bad sizes, activations and inputs with clear errors', () => {
    expect(() => new Neuron(0)).toThrow('Neuron: inputCount must be a positive integer, got 0');
    expect(() => new Neuron(2, { activation: 'gelu' as 'relu' })).toThrow(
      "Neuron: activation must be one of linear, tanh, relu, sigmoid, got 'gelu'",
    );
    expect(() => new Neuron(2).forward([1])).toThrow('Neuron: expected 2 inputs, got 1');
  });
});

describe('Layer and MLP', () => {
  it('has micrograd parameter counts: MLP(2, [16, 16, 1]) has 337', () => {
    expect(new Layer(3, 4).parameters()).toHaveLength(16);
    expect(new MLP(2, [16, 16, 1]).parameters()).toHaveLength(337);
  });

  it('uses ReLU hidden layers and a linear output by default', () => {
    const model = new MLP(3, [4, 2]);
    expect(model.layers[0].neurons[0].activation).toBe('relu');
    expect(model.layers[1].neurons[0].activation).toBe('linear');
    const tanhModel = new MLP(3, [4, 2], { activation: 'tanh', outputActivation: 'sigmoid' });
    expect(tanhModel.layers[0].neurons[0].activation).toBe('tanh');
    expect(tanhModel.layers[1].neurons[0].activation).toBe('sigmoid');
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const weights = (seed: number) => new MLP(2, [3, 1], { seed }).parameters().map((p) => p.data);
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });

  it('returns one output per unit of the last layer, with gradients for every parameter', () => {
    const model = new MLP(2, [3, 2], { activation: 'tanh', seed: 3 });
    const outputs = model.forward([0.5, -1]);
    expect(outputs).toHaveLength(2);
    outputs[0].add(outputs[1]).backward();
    expect(model.parameters().every((p) => Number.isFinite(p.grad))).toBe(true);
    expect(model.parameters().some((p) => p.grad !== 0)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === 0)).toBe(true);
  });

  it('rejects an empty size list', () => {
    expect(() => new MLP(2, [])).toThrow('MLP: sizes must be a non-empty array');
  });
});
