import { backendNames, getBackend, noGrad, setBackend, tensor } from '@lenet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LENET5_C3_TABLE,
  lenet1,
  lenet4,
  lenet5,
  lenet5Modern,
  mlp,
  modelConfigOf,
} from './models.js';
import type { Module } from './module.js';
import { createModel, modelEntry, modelNames } from './registry.js';
import { randomInput } from './testing/helpers.js';

describe('lenet5', () => {
  const model = lenet5();

  it("has the paper's trainable parameter counts per layer, 60,000 in all", () => {
    const counts = Object.fromEntries(
      model.namedChildren().map(([name, child]) => [name, child.parameterCount()]),
    );
    expect(counts).toEqual({
      c1: 156,
      s2: 12,
      c3: 1516,
      s4: 32,
      c5: 48120,
      flatten: 0,
      f6: 10164,
      output: 0,
    });
    expect(model.parameterCount()).toBe(60_000);
  });

  it("has the paper's output shapes", () => {
    const shapes = Object.fromEntries(
      model.summaryRows().map((row) => [row.name, row.outputShape]),
    );
    expect(shapes).toEqual({
      c1: [1, 6, 28, 28],
      s2: [1, 6, 14, 14],
      c3: [1, 16, 10, 10],
      s4: [1, 16, 5, 5],
      c5: [1, 120, 1, 1],
      flatten: [1, 120],
      f6: [1, 84],
      output: [1, 10],
    });
  });

  it('names its parameters after the paper and keeps the RBF codes as a buffer', () => {
    expect(model.namedParameters().map(([name]) => name)).toEqual([
      'c1.weight',
      'c1.bias',
      's2.coefficient',
      's2.bias',
      'c3.weight',
      'c3.bias',
      's4.coefficient',
      's4.bias',
      'c5.weight',
      'c5.bias',
      'f6.weight',
      'f6.bias',
    ]);
    expect(model.namedBuffers().map(([name]) => name)).toEqual(['output.centers']);
  });

  it("uses the paper's Table I for C3 (rows: S2 maps, X: connected C3 maps)", () => {
    const table = [
      'X...XXX..XXXX.XX',
      'XX...XXX..XXXX.X',
      'XXX...XXX..X.XXX',
      '.XXX..XXXX..X.XX',
      '..XXX..XXXX.XX.X',
      '...XXX..XXXX.XXX',
    ];
    const drawn = table.map((row, s2) =>
      Array.from(row, (_, c3) => (LENET5_C3_TABLE[c3][s2] ? 'X' : '.')).join(''),
    );
    expect(drawn).toEqual(table);
  });

  it('is reproducible from its seed', () => {
    expect(Array.from(lenet5({ seed: 3 }).parameters()[0].data)).toEqual(
      Array.from(lenet5({ seed: 3 }).parameters()[0].data),
    );
    expect(Array.from(lenet5({ seed: 3 }).parameters()[0].data)).not.toEqual(
      Array.from(lenet5({ seed: 4 }).parameters()[0].data),
    );
  });

  it("init 'lecun-lush' draws weights in +-1/sqrt(fan-in), zero biases, coefficients 0.5 (Lush's (forget 1 2))", () => {
    const lush = lenet5({ seed: 2, init: 'lecun-lush' });
    const parameters = Object.fromEntries(lush.namedParameters());
    const maxAbs = (data: Float32Array) => data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (const [name, fanIn] of [
      ['c1.weight', 25],
      ['c5.weight', 400],
      ['f6.weight', 120],
    ] as const) {
      const data = parameters[name].data;
      expect(maxAbs(data)).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
      expect(maxAbs(data)).toBeGreaterThan(0.95 / Math.sqrt(fanIn));
    }
    // C3 map by map: fan-in 75, 100 or 150 from Table I; unconnected kernels stay 0.
    const c3 = parameters['c3.weight'].data;
    LENET5_C3_TABLE.forEach((row, map) => {
      const kernels = c3.subarray(map * 150, (map + 1) * 150);
      const connected = row.filter(Boolean).length;
      expect(maxAbs(kernels)).toBeLessThanOrEqual(1 / Math.sqrt(25 * connected));
      expect(maxAbs(kernels)).toBeGreaterThan(0.8 / Math.sqrt(25 * connected));
    });
    for (const name of ['c1.bias', 's2.bias', 'c3.bias', 's4.bias', 'c5.bias', 'f6.bias']) {
      expect(maxAbs(parameters[name].data)).toBe(0);
    }
    expect(Array.from(parameters['s2.coefficient'].data)).toEqual(new Array(6).fill(0.5));
    expect(Array.from(parameters['s4.coefficient'].data)).toEqual(new Array(16).fill(0.5));
    expect(modelConfigOf(lush)?.options).toEqual({ seed: 2, init: 'lecun-lush' });
    expect(modelConfigOf(lenet5({ seed: 2 }))?.options).toEqual({ seed: 2 });
    expect(() => lenet5({ init: 'he-uniform' as 'lecun98' })).toThrow(
      /lenet5: init must be 'lecun98' or 'lecun-lush', got "he-uniform"/,
    );
  });

  it('prints a summary with layers, shapes and counts', () => {
    const text = model.toString();
    expect(text).toContain('Conv2d(6 -> 16, kernel 5x5, table, scaledTanh) (c3)');
    expect(text).toContain('[1, 16, 10, 10]');
    expect(text).toContain('1,516');
    expect(text).toContain('Total params: 60,000');
  });
});

describe('the other models', () => {
  it('lenet5Modern has 61,706 parameters and 10 logits; options change its layers', () => {
    const model = lenet5Modern();
    expect(model.parameterCount()).toBe(61_706);
    expect(model.summaryRows().at(-1)!.outputShape).toEqual([1, 10]);
    expect(lenet5Modern({ pooling: 'avg', activation: 'tanh' }).tree()).toContain('AvgPool2d');
    expect(() => lenet5Modern({ pooling: 'min' as 'max' })).toThrow(/pooling must be/);
  });

  it('lenet1, lenet4 and the fully connected baselines have the stated sizes', () => {
    expect(lenet1().parameterCount()).toBe(3246);
    expect(
      lenet1()
        .summaryRows()
        .map((r) => r.outputShape),
    ).toContainEqual([1, 12, 4, 4]);
    expect(lenet4().parameterCount()).toBe(52_698);
    expect(
      lenet4()
        .summaryRows()
        .map((r) => r.outputShape),
    ).toContainEqual([1, 8, 14, 14]);
    expect(mlp([784, 10]).parameterCount()).toBe(7850); // the paper's linear classifier
    expect(createModel('mlp-300').parameterCount()).toBe(784 * 300 + 300 + 3010);
    expect(createModel('mlp-1000').parameterCount()).toBe(795_010);
    expect(createModel('mlp-300-100').parameterCount()).toBe(266_610);
    expect(createModel('mlp-500-150').parameterCount()).toBe(469_160);
  });

  it('the registry rebuilds a model from its recorded config', () => {
    const model = createModel('lenet5-modern', { activation: 'tanh', seed: 5 });
    const config = modelConfigOf(model)!;
    expect(config).toEqual({
      name: 'lenet5-modern',
      options: { seed: 5, pooling: 'max', activation: 'tanh' },
    });
    const rebuilt = createModel(config);
    expect(Array.from(rebuilt.parameters()[0].data)).toEqual(
      Array.from(model.parameters()[0].data),
    );
    const mlpConfig = modelConfigOf(createModel('mlp-300-100'))!;
    expect(createModel(mlpConfig).parameterCount()).toBe(266_610);
    expect(modelEntry('lenet5').defaultLoss).toBe('rbf-map');
    expect(() => createModel('lenet6')).toThrow(
      /unknown model "lenet6"; known: lenet5, lenet5-modern/,
    );
  });
});

getBackend(); // chooses the default backend (wasm where available), registering it
describe.each(backendNames())('every registered model on the %s backend', (backend) => {
  let previous = '';
  beforeAll(() => {
    previous = getBackend().name;
    setBackend(backend);
  });
  afterAll(() => {
    setBackend(previous);
  });

  it.each(modelNames().filter((name) => name !== 'mlp'))(
    '%s gives bit-identical per-sample outputs at batch 1 and batch 64',
    (name) => {
      const model: Module = createModel(name, { seed: 2 });
      const shape = model.inputShape!;
      const sampleSize = shape.reduce((a, b) => a * b, 1);
      const batch = randomInput([64, ...shape], 9, -0.1, 1.175);
      const together = noGrad(() => model.forward(batch));
      expect(together.shape[0]).toBe(64);
      const classes = together.size / 64;
      for (const n of [0, 17, 63]) {
        const single = noGrad(() =>
          model.forward(
            tensor(batch.data.slice(n * sampleSize, (n + 1) * sampleSize), [1, ...shape]),
          ),
        );
        expect(Array.from(single.data)).toEqual(
          Array.from(together.data.slice(n * classes, (n + 1) * classes)),
        );
      }
    },
  );
});
