import { Generator, noGrad, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { LENET5_C3_TABLE } from '../models.js';
import {
  activate,
  conv2d64,
  linear64,
  pool64,
  rbf64,
  subsampling64,
} from '../testing/float64-reference.js';
import { checkLayer, randomInput } from '../testing/helpers.js';
import { ReLU, ScaledTanh, Sigmoid, Tanh } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Linear } from './linear.js';
import { AvgPool2d, MaxPool2d, Subsampling } from './pooling.js';
import { RBFOutput } from './rbf-output.js';
import { Dropout, Flatten } from './shape-layers.js';
import { LogSoftmax, Softmax } from './softmax.js';

const activations = ['identity', 'scaledTanh', 'tanh', 'sigmoid', 'relu'] as const;

describe('Linear', () => {
  it.each(activations)(
    'matches the float64 oracle with %s (forward, gradients, Gauss-Newton)',
    (activation) => {
      const layer = new Linear(5, 3, {
        activation,
        generator: new Generator(3),
        init: 'xavier-uniform',
        biasInit: { constant: 0.1 },
      });
      checkLayer(layer, randomInput([4, 5]), (x, p) =>
        linear64(x, 4, p.subarray(0, 15), p.subarray(15), 3, activation),
      );
    },
  );

  it('works without a bias and names its parameters', () => {
    const layer = new Linear(3, 2, { bias: false });
    expect(layer.namedParameters().map(([name]) => name)).toEqual(['weight']);
    checkLayer(layer, randomInput([2, 3]), (x, p) => linear64(x, 2, p, null, 2));
  });

  it('initialises with the paper rule by default: weights and biases in +-2.4/fanIn', () => {
    const layer = new Linear(120, 84);
    const bound = 2.4 / 120;
    for (const value of [...layer.weight.data, ...layer.bias!.data]) {
      expect(Math.abs(value)).toBeLessThanOrEqual(bound);
    }
    expect(Math.max(...layer.weight.data.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  });

  it('rejects a wrongly shaped input with the shapes in the message', () => {
    expect(() => new Linear(4, 2).forward(randomInput([3, 5]))).toThrow(
      /got input of shape \[3, 5\]; expected \[batch, 4\]/,
    );
  });
});

describe('Conv2d', () => {
  const cases = [
    { name: 'dense, stride 1', inC: 2, outC: 3, k: 3, stride: 1, padding: 0, h: 6, table: null },
    {
      name: 'stride 2 with padding',
      inC: 2,
      outC: 2,
      k: 3,
      stride: 2,
      padding: 1,
      h: 7,
      table: null,
    },
    {
      name: 'connection table',
      inC: 3,
      outC: 3,
      k: 2,
      stride: 1,
      padding: 0,
      h: 4,
      table: [
        [1, 1, 0],
        [0, 1, 1],
        [1, 0, 1],
      ],
    },
  ];
  it.each(cases)(
    'matches the float64 oracle: $name',
    ({ inC, outC, k, stride, padding, h, table }) => {
      for (const activation of ['identity', 'scaledTanh'] as const) {
        const layer = new Conv2d(inC, outC, k, {
          stride,
          padding,
          connectionTable: table ?? undefined,
          activation,
          generator: new Generator(5),
          init: 'he-uniform',
          biasInit: { constant: 0.05 },
        });
        const connection = table ? Uint8Array.from(table.flat()) : null;
        const weightSize = outC * inC * k * k;
        const geometry = {
          batch: 2,
          inChannels: inC,
          height: h,
          width: h,
          outChannels: outC,
          kernel: k,
          stride,
          padding,
          connection,
        };
        checkLayer(layer, randomInput([2, inC, h, h]), (x, p) =>
          conv2d64(x, p.subarray(0, weightSize), p.subarray(weightSize), geometry, activation),
        );
      }
    },
  );

  it('counts only connected kernels: LeNet-5 C3 has 1,516 parameters', () => {
    const c3 = new Conv2d(6, 16, 5, { connectionTable: LENET5_C3_TABLE });
    expect(c3.parameterCount()).toBe(1516);
    // unconnected kernels are zero and stay out of the fan-in: maps 0-5 use +-2.4/75
    expect(c3.weight.data.subarray(3 * 25, 6 * 25).every((v) => v === 0)).toBe(true);
    expect(Math.max(...c3.weight.data.subarray(0, 75).map(Math.abs))).toBeLessThanOrEqual(2.4 / 75);
  });

  it('rejects bad tables and inputs', () => {
    expect(() => new Conv2d(2, 2, 3, { connectionTable: [[1, 1]] })).toThrow(
      /connectionTable must be/,
    );
    expect(() => new Conv2d(2, 1, 3, { connectionTable: [[0, 0]] })).toThrow(/no connected input/);
    expect(() => new Conv2d(2, 2, 3).forward(randomInput([1, 3, 5, 5]))).toThrow(
      /expected \[batch, 2, height, width\]/,
    );
  });
});

describe('Subsampling', () => {
  it.each(activations.filter((a) => a !== 'relu'))(
    'matches the float64 oracle with %s',
    (activation) => {
      const layer = new Subsampling(3, { activation, generator: new Generator(2) });
      checkLayer(layer, randomInput([2, 3, 4, 6]), (x, p) =>
        subsampling64(x, 2, 3, 4, 6, p.subarray(0, 3), p.subarray(3), 2, 1, activation),
      );
    },
  );

  it('sums the window (not the average) and has two parameters per map', () => {
    const layer = new Subsampling(1, { init: { constant: 1 }, biasInit: 'zeros' });
    const out = noGrad(() => layer.forward(tensor([1, 2, 3, 4], [1, 1, 2, 2])));
    expect(out.data).toBeAllclose([10]);
    expect(new Subsampling(6).parameterCount()).toBe(12);
  });

  it('maps each input map to several output maps (LeNet-4 S2, multiplier 2)', () => {
    const layer = new Subsampling(2, {
      multiplier: 2,
      activation: 'scaledTanh',
      generator: new Generator(4),
    });
    expect(layer.parameterCount()).toBe(8);
    checkLayer(layer, randomInput([2, 2, 4, 4]), (x, p) =>
      subsampling64(x, 2, 2, 4, 4, p.subarray(0, 4), p.subarray(4), 2, 2, 'scaledTanh'),
    );
  });
});

describe('parameter-free layers', () => {
  it('AvgPool2d and MaxPool2d match the float64 oracle', () => {
    checkLayer(new AvgPool2d(2), randomInput([2, 2, 4, 4]), (x) => pool64(x, 4, 4, 4, 2, 'avg'));
    checkLayer(new MaxPool2d(2), randomInput([2, 2, 4, 4]), (x) => pool64(x, 4, 4, 4, 2, 'max'));
  });

  it.each([
    [new ScaledTanh(), 'scaledTanh'],
    [new Tanh(), 'tanh'],
    [new Sigmoid(), 'sigmoid'],
    [new ReLU(), 'relu'],
  ] as const)('%s matches the float64 oracle', (layer, name) => {
    checkLayer(layer, randomInput([3, 4], 3), (x) => x.map((v) => activate(name, v)));
  });

  it('Flatten keeps the batch axis and passes curvature through', () => {
    checkLayer(new Flatten(), randomInput([2, 3, 2, 2]), (x) => x.slice());
    expect(noGrad(() => new Flatten().forward(randomInput([2, 3, 2, 2]))).shape).toEqual([2, 12]);
  });

  it('ScaledTanh is 1.7159 tanh(2a/3): f(1) = 1', () => {
    expect(noGrad(() => new ScaledTanh().forward(tensor([1, -1, 0], [1, 3]))).data).toBeAllclose(
      [1, -1, 0],
      { atol: 2e-4 },
    );
  });

  it('Softmax and LogSoftmax agree with each other', () => {
    const input = randomInput([2, 5]);
    const probabilities = noGrad(() => new Softmax().forward(input)).data;
    const logProbabilities = noGrad(() => new LogSoftmax().forward(input)).data;
    expect(logProbabilities.map(Math.exp)).toBeAllclose(probabilities, { rtol: 1e-5 });
    checkLayer(new Softmax(), input, (x) => {
      const out = new Float64Array(x.length);
      for (let r = 0; r < 2; r++) {
        const row = x.subarray(r * 5, r * 5 + 5);
        const total = row.reduce((s, v) => s + Math.exp(v), 0);
        for (let k = 0; k < 5; k++) out[r * 5 + k] = Math.exp(row[k]) / total;
      }
      return out;
    });
    checkLayer(new LogSoftmax(), input, (x) => {
      const out = new Float64Array(x.length);
      for (let r = 0; r < 2; r++) {
        const row = x.subarray(r * 5, r * 5 + 5);
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        for (let k = 0; k < 5; k++) out[r * 5 + k] = row[k] - lse;
      }
      return out;
    });
  });
});

describe('Dropout', () => {
  it('is seeded, scales kept values by 1/(1-p) and is the identity in eval mode', () => {
    const input = tensor(new Float32Array(1000).fill(1), [10, 100]);
    const a = noGrad(() => new Dropout(0.25, { generator: new Generator(3) }).forward(input)).data;
    const b = noGrad(() => new Dropout(0.25, { generator: new Generator(3) }).forward(input)).data;
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = a.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / 1000).toBeGreaterThan(0.7);
    expect(kept.length / 1000).toBeLessThan(0.8);
    const layer = new Dropout(0.5).eval();
    expect(noGrad(() => layer.forward(input))).toBe(input);
  });
});

describe('RBFOutput', () => {
  it('computes squared distances to fixed centres, which are a buffer, not parameters', () => {
    const layer = new RBFOutput();
    expect(layer.parameters()).toHaveLength(0);
    expect(layer.namedBuffers().map(([name]) => name)).toEqual(['centers']);
    const codes = layer.centers.data;
    const input = tensor(codes.slice(3 * 84, 4 * 84), [1, 84]); // exactly the code of 3
    const penalties = noGrad(() => layer.forward(input)).data;
    expect(penalties[3]).toBeAllclose(0, { atol: 1e-4 });
    const nearest = Array.from(penalties).indexOf(Math.min(...penalties));
    expect(nearest).toBe(3);
    expect(penalties[5]).toBeAllclose(4 * 16, { rtol: 1e-5 }); // 3 and 5 differ in 16 positions
  });

  it('matches the float64 oracle, trainable centres included', () => {
    const centers = randomInput([3, 4], 11).data;
    const layer = new RBFOutput({ centers, classes: 3, features: 4, trainable: true });
    checkLayer(layer, randomInput([2, 4]), (x, p) => rbf64(x, 2, p, 3));
  });
});
