import { lenet5, type Sequential } from '@lenet/nn-layers';
import { Generator, noGrad, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import type { LayerActivation } from '../network.js';
import { activate, explainUnit } from './unit-explainer.js';

function trace(model: Sequential, seed: number): LayerActivation[] {
  const input = new Generator(seed).fillUniform(new Float32Array(32 * 32), -0.1, 1.175);
  const names = ['input', ...model.namedChildren().map(([name]) => name)];
  return noGrad(() => model.forwardTrace(tensor(input, [1, 1, 32, 32]))).map((value, i) => ({
    name: names[i],
    shape: value.shape.slice(1),
    data: value.data as Float32Array,
  }));
}

describe('explainUnit on LeNet-5', () => {
  const model = lenet5({ seed: 4 });
  const layers = trace(model, 9);

  it.each([
    { layer: 'c1', map: 2, x: 7, y: 19, terms: 1 },
    { layer: 's2', map: 5, x: 13, y: 0 },
    { layer: 'c3', map: 0, x: 3, y: 9, terms: 3 },
    { layer: 'c3', map: 15, x: 9, y: 2, terms: 6 },
    { layer: 'c5', map: 77, x: 0, y: 0, terms: 16 },
    { layer: 's4', map: 11, x: 4, y: 4 },
    { layer: 'f6', map: 40, x: 0, y: 0 },
    { layer: 'output', map: 3, x: 0, y: 0 },
  ])("recomputes $layer unit $map ($x, $y): the sum gives the layer's own output", (unit) => {
    const explanation = explainUnit(model, layers, unit)!;
    expect(explanation).not.toBeNull();
    expect(explanation.value).toBeCloseTo(explanation.actual, 4);
    if (explanation.kind === 'conv') {
      expect(explanation.terms).toHaveLength(unit.terms!);
      const partials = explanation.terms.reduce((sum, term) => sum + term.partial, 0);
      expect(explanation.preActivation).toBeCloseTo(partials + explanation.bias, 5);
    }
  });

  it("reads C3's connection table: map 0 reads S2 maps 0, 1, 2", () => {
    const explanation = explainUnit(model, layers, { layer: 'c3', map: 0, x: 0, y: 0 });
    expect(explanation?.kind).toBe('conv');
    if (explanation?.kind !== 'conv') return;
    expect(explanation.terms.map((term) => term.channel)).toEqual([0, 1, 2]);
    expect(explanation.table).not.toBeNull();
  });

  it('compares F6 with the RBF code: the output is the sum of squared differences', () => {
    const explanation = explainUnit(model, layers, { layer: 'output', map: 7, x: 0, y: 0 });
    expect(explanation?.kind).toBe('rbf');
    if (explanation?.kind !== 'rbf') return;
    expect(explanation.f6).toHaveLength(84);
    expect(explanation.squares[0]).toBeCloseTo((explanation.f6[0] - explanation.code[0]) ** 2, 6);
  });

  it('returns null for a unit outside the layer or a layer without parameters', () => {
    expect(explainUnit(model, layers, { layer: 'c1', map: 6, x: 0, y: 0 })).toBeNull();
    expect(explainUnit(model, layers, { layer: 'flatten', map: 0, x: 0, y: 0 })).toBeNull();
    expect(explainUnit(model, layers, { layer: 'nope', map: 0, x: 0, y: 0 })).toBeNull();
  });

  it('squashes with 1.7159 tanh(2a/3)', () => {
    expect(activate('scaledTanh', 1)).toBeCloseTo(1.7159 * Math.tanh(2 / 3), 12);
    expect(activate('identity', -2)).toBe(-2);
  });
});
