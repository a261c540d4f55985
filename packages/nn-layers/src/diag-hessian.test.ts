import {
  add,
  Generator,
  log,
  mean,
  mul,
  noGrad,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
} from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { estimateDiagHessian } from './diag-hessian.js';
import { Conv2d } from './layers/conv2d.js';
import { Linear } from './layers/linear.js';
import { MaxPool2d } from './layers/pooling.js';
import { RBFOutput } from './layers/rbf-output.js';
import { Sequential } from './layers/sequential.js';
import { Dropout, Flatten } from './layers/shape-layers.js';
import { LogSoftmax } from './layers/softmax.js';
import type { LossSpec } from './losses.js';
import { lenet5 } from './models.js';
import { Module } from './module.js';
import {
  conv2d64,
  gaussNewtonDiagonalFull,
  jacobian,
  linear64,
  rbf64,
  type Vector,
} from './testing/float64-reference.js';
import { randomInput } from './testing/helpers.js';

function flatParameters(model: Module): Float64Array {
  return Float64Array.from(model.parameters().flatMap((p) => Array.from(p.data)));
}

function flatten(arrays: Float32Array[]): Float64Array {
  return Float64Array.from(arrays.flatMap((a) => Array.from(a)));
}

/**
 * The exact Gauss-Newton diagonal diag(J^T H J) averaged over the samples, with J the
 * float64 central-difference Jacobian of the network output (one sample) with respect to all
 * parameters and H the loss's Hessian with respect to that output.
 */
function bruteForce(
  forward: (x: Vector, p: Vector) => Vector,
  inputs: Float32Array[],
  parameters: Float64Array,
  lossHessian: (output: Vector) => Float64Array[],
): Float64Array {
  const total = new Float64Array(parameters.length);
  for (const input of inputs) {
    const x = Float64Array.from(input);
    const rows = jacobian((p) => forward(x, p), parameters);
    const diagonal = gaussNewtonDiagonalFull(rows, lossHessian(forward(x, parameters)));
    for (let k = 0; k < total.length; k++) total[k] += diagonal[k] / inputs.length;
  }
  return total;
}

const identity = (size: number, scale: number) =>
  Array.from({ length: size }, (_, i) =>
    Float64Array.from({ length: size }, (_, j) => (i === j ? scale : 0)),
  );

function samples(count: number, size: number, seed: number): Float32Array[] {
  const generator = new Generator(seed);
  return Array.from({ length: count }, () => generator.fillUniform(new Float32Array(size), -1, 1));
}

function estimate(
  model: Module,
  inputs: Float32Array[],
  shape: number[],
  labels: Int32Array | Float32Array,
  loss: LossSpec,
) {
  const input = tensor(Float32Array.from(inputs.flatMap((x) => Array.from(x))), [
    inputs.length,
    ...shape,
  ]);
  const labelTensor =
    labels instanceof Int32Array
      ? tensor(labels, [labels.length])
      : tensor(labels, [inputs.length, labels.length / inputs.length]);
  return flatten(estimateDiagHessian(model, { input, labels: labelTensor }, loss));
}

describe('estimateDiagHessian equals the exact Gauss-Newton diagonal where the approximation is exact', () => {
  it('two-layer chain (hidden width 1, two outputs) with mse', () => {
    const generator = new Generator(1);
    const model = new Sequential([
      new Linear(3, 1, {
        activation: 'tanh',
        generator,
        init: 'xavier-uniform',
        biasInit: { constant: 0.2 },
      }),
      new Linear(1, 2, {
        activation: 'scaledTanh',
        generator,
        init: 'xavier-uniform',
        biasInit: { constant: -0.1 },
      }),
    ]);
    const forward = (x: Vector, p: Vector) =>
      linear64(
        linear64(x, 1, p.subarray(0, 3), p.subarray(3, 4), 1, 'tanh'),
        1,
        p.subarray(4, 6),
        p.subarray(6, 8),
        2,
        'scaledTanh',
      );
    const inputs = samples(3, 3, 2);
    const expected = bruteForce(forward, inputs, flatParameters(model), () => identity(2, 2));
    const actual = estimate(model, inputs, [3], new Float32Array(6), 'mse');
    expect(actual).toBeAllclose(expected, { rtol: 1e-3, atol: 1e-6 });
  });

  it('convolution (shared kernel, one output position) into a linear layer with mse', () => {
    const generator = new Generator(3);
    const model = new Sequential([
      new Conv2d(2, 1, 3, {
        activation: 'scaledTanh',
        generator,
        init: 'xavier-uniform',
        biasInit: { constant: 0.1 },
      }),
      new Flatten(),
      new Linear(1, 3, { generator, init: 'xavier-uniform' }),
    ]);
    const geometry = {
      batch: 1,
      inChannels: 2,
      height: 3,
      width: 3,
      outChannels: 1,
      kernel: 3,
      stride: 1,
      padding: 0,
    };
    const forward = (x: Vector, p: Vector) =>
      linear64(
        conv2d64(x, p.subarray(0, 18), p.subarray(18, 19), geometry, 'scaledTanh'),
        1,
        p.subarray(19, 22),
        p.subarray(22, 25),
        3,
      );
    const inputs = samples(2, 18, 4);
    const expected = bruteForce(forward, inputs, flatParameters(model), () => identity(3, 2));
    expect(estimate(model, inputs, [2, 3, 3], new Float32Array(6), 'mse')).toBeAllclose(expected, {
      rtol: 1e-3,
      atol: 1e-6,
    });
  });

  it('F6-like layer into the fixed RBF output with the eq. 8 criterion (d2E/dx^2 = 2)', () => {
    const generator = new Generator(5);
    const centers = Float32Array.from({ length: 3 * 6 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : -1));
    const model = new Sequential([
      new Linear(4, 6, { activation: 'scaledTanh', generator, init: 'xavier-uniform' }),
      new RBFOutput({ centers, classes: 3, features: 6 }),
    ]);
    const labels = Int32Array.from([2, 0]);
    const inputs = samples(2, 4, 6);
    // E = sum_j (x_j - w_label,j)^2: a squared residual r = x - w_label, H = 2I on r.
    const parameters = flatParameters(model);
    const total = new Float64Array(parameters.length);
    inputs.forEach((input, n) => {
      const residual = (p: Vector) => {
        const x = linear64(
          Float64Array.from(input),
          1,
          p.subarray(0, 24),
          p.subarray(24, 30),
          6,
          'scaledTanh',
        );
        return x.map((v, j) => v - centers[labels[n] * 6 + j]);
      };
      const diagonal = gaussNewtonDiagonalFull(jacobian(residual, parameters), identity(6, 2));
      diagonal.forEach((v, k) => {
        total[k] += v / inputs.length;
      });
    });
    expect(estimate(model, inputs, [4], labels, 'rbf-mse')).toBeAllclose(total, {
      rtol: 1e-3,
      atol: 1e-6,
    });
    // the float64 RBF reference agrees with the layer
    expect(
      rbf64(Float64Array.from(centers.subarray(0, 6)), 1, Float64Array.from(centers), 3)[0],
    ).toBe(0);
  });

  it.each([
    ['cross-entropy', (z: Vector) => softmaxHessian(z, 0)],
    [
      'rbf-map',
      (y: Vector) =>
        softmaxHessian(
          y.map((v) => -v),
          0.1,
        ),
    ],
  ] as const)(
    'single linear layer with %s: the full loss Hessian, off-diagonal terms included',
    (loss, hessian) => {
      const model = new Linear(3, 4, {
        generator: new Generator(8),
        init: 'xavier-uniform',
        biasInit: { constant: 0.3 },
      });
      const forward = (x: Vector, p: Vector) =>
        linear64(x, 1, p.subarray(0, 12), p.subarray(12), 4);
      const inputs = samples(3, 3, 9);
      const labels = Int32Array.from([1, 3, 0]);
      const parameters = flatParameters(model);
      const total = new Float64Array(parameters.length);
      inputs.forEach((input) => {
        const x = Float64Array.from(input);
        const diagonal = gaussNewtonDiagonalFull(
          jacobian((p) => forward(x, p), parameters),
          hessian(forward(x, parameters)),
        );
        diagonal.forEach((v, k) => {
          total[k] += v / inputs.length;
        });
      });
      expect(estimate(model, inputs, [3], labels, loss)).toBeAllclose(total, {
        rtol: 1e-3,
        atol: 1e-6,
      });
    },
  );
});

describe('the log-softmax layer supplies its own curvature under nllLoss', () => {
  it('Linear + LogSoftmax with nll gives the same estimate as Linear with cross-entropy', () => {
    const linear = new Linear(3, 4, { generator: new Generator(8), init: 'xavier-uniform' });
    const inputs = samples(3, 3, 10);
    const labels = Int32Array.from([1, 3, 0]);
    const withCrossEntropy = estimate(linear, inputs, [3], labels, 'cross-entropy');
    const withNll = estimate(
      new Sequential([linear, new LogSoftmax()]),
      inputs,
      [3],
      labels,
      'nll',
    );
    expect(withNll).toBeAllclose(withCrossEntropy, { rtol: 1e-4, atol: 1e-7 });
  });
});

/** Hessian of log(e^-j + sum e^z) - z_label in z (j = 0: softmax cross-entropy): diag(p) - p p^T. */
function softmaxHessian(z: Vector, rubbish: number): Float64Array[] {
  const maximum = Math.max(...z);
  const weights = z.map((v) => Math.exp(v - maximum));
  const total = weights.reduce((a, b) => a + b, 0) + (rubbish ? Math.exp(-rubbish - maximum) : 0);
  const p = weights.map((w) => w / total);
  return Array.from(p, (pi, i) => Float64Array.from(p, (pl, l) => (i === l ? pi : 0) - pi * pl));
}

describe('estimateDiagHessian on LeNet-5', () => {
  const model = lenet5({ seed: 1 });
  const input = randomInput([4, 1, 32, 32], 2, -0.1, 1.175);
  const labels = tensor(Int32Array.from([0, 7, 3, 9]), [4]);

  it('gives a finite, non-negative estimate for every parameter, in parameters() order', () => {
    const estimates = estimateDiagHessian(model, { input, labels }, 'rbf-map');
    const parameters = model.parameters();
    expect(estimates.map((e) => e.length)).toEqual(parameters.map((p) => p.size));
    for (const values of estimates)
      expect(values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    // every connected weight of every layer gets a positive estimate
    const named = new Map(model.namedParameters().map(([name], i) => [name, estimates[i]]));
    for (const name of ['c1.weight', 's2.coefficient', 's4.bias', 'c5.weight', 'f6.bias']) {
      expect(Math.max(...named.get(name)!)).toBeGreaterThan(0);
    }
    // C3's unconnected kernels get none: map 0 does not see S2 map 3
    expect(
      named
        .get('c3.weight')!
        .subarray(3 * 25, 4 * 25)
        .every((v) => v === 0),
    ).toBe(true);
  });

  it('averages per-pattern estimates: a batch of 4 equals the mean of 4 single-pattern runs', () => {
    const together = flatten(estimateDiagHessian(model, { input, labels }, 'rbf-mse'));
    const single = Array.from({ length: 4 }, (_, n) =>
      flatten(
        estimateDiagHessian(
          model,
          {
            input: tensor(input.data.slice(n * 1024, (n + 1) * 1024), [1, 1, 32, 32]),
            labels: tensor(labels.data.slice(n, n + 1), [1]),
          },
          'rbf-mse',
        ),
      ),
    );
    const mean = together.map((_, k) => single.reduce((sum, s) => sum + s[k], 0) / 4);
    expect(together).toBeAllclose(mean, { rtol: 1e-4, atol: 1e-9 });
  });

  it('equals the exact Gauss-Newton diagonal for F6 and C5 (84 per-output backward passes)', () => {
    // Under eq. 8, E = sum_j (x_j - w_label,j)^2 over the 84 F6 states x, so the exact
    // Gauss-Newton diagonal is 2 sum_j (dx_j/dw)^2, with dx_j/dw from one backward pass per j.
    const body = new Sequential(model.layers.slice(0, -1));
    const parameters = model.parameters();
    const exact = parameters.map((p) => new Float64Array(p.size));
    const count = 2;
    for (let n = 0; n < count; n++) {
      const x = tensor(input.data.slice(n * 1024, (n + 1) * 1024), [1, 1, 32, 32]);
      for (let j = 0; j < 84; j++) {
        model.zeroGrad();
        const pick = new Float32Array(84);
        pick[j] = 1;
        sum(mul(body.forward(x), tensor(pick, [1, 84]))).backward();
        parameters.forEach((parameter, index) => {
          const gradient = parameter.grad!.data;
          for (let k = 0; k < gradient.length; k++)
            exact[index][k] += (2 * gradient[k] ** 2) / count;
        });
      }
    }
    model.zeroGrad();
    const estimate = estimateDiagHessian(
      model,
      {
        input: tensor(input.data.slice(0, count * 1024), [count, 1, 32, 32]),
        labels: tensor(labels.data.slice(0, count), [count]),
      },
      'rbf-mse',
    );
    const names = model.namedParameters().map(([name]) => name);
    names.forEach((name, index) => {
      if (/^(c5|f6)\./.test(name)) {
        expect(estimate[index]).toBeAllclose(exact[index], { rtol: 2e-3, atol: 1e-9 });
      }
    });
    // Lower down, connections of a shared weight reach the output through several units and
    // the paper's diagonal approximation drops their cross terms: c1 is several times smaller.
    const mean = (values: ArrayLike<number>) =>
      Array.from(values).reduce((a, b) => a + b, 0) / values.length;
    const c1 = names.indexOf('c1.weight');
    expect(mean(estimate[c1])).toBeLessThan(mean(exact[c1]));
  });

  it("at initialisation the MAP criterion (eq. 9) gives eq. 8's estimate: seed 2 x rubbish posterior = 2", () => {
    // Every penalty starts near 84 (F6 near 0, codes +-1), far above j = 0.1, so the rubbish
    // posterior e^-j / (e^-j + sum e^-y) is 1 to ~1e-36 and the RBF curvature 2 (1 - sum q) is
    // the 2 of eq. 8. (Measured on 500 MNIST images: 1.000 at init, 0.978 after two passes.)
    const map = flatten(estimateDiagHessian(model, { input, labels }, 'rbf-map'));
    const mse = flatten(estimateDiagHessian(model, { input, labels }, 'rbf-mse'));
    expect(map).toBeAllclose(mse, { rtol: 1e-6, atol: 0 });
    const f6Bias = estimateDiagHessian(model, { input, labels }, 'rbf-map')[
      model.namedParameters().findIndex(([name]) => name === 'f6.bias')
    ];
    // d2E/da^2 = 2 f'(a)^2 <= 2 (1.7159 * 2/3)^2 = 2.6172, reached near a = 0
    for (const value of f6Bias) expect(value).toBeGreaterThan(2.5);
    for (const value of f6Bias) expect(value).toBeLessThanOrEqual(2.6172);
  });

  it("leaves .grad and each parameter's previous .curvature as they were, even under noGrad", () => {
    const parameters = model.parameters();
    const grad = tensor(new Float32Array(parameters[0].size).fill(7), parameters[0].shape);
    const curvature = tensor(new Float32Array(parameters[1].size).fill(3), parameters[1].shape);
    parameters[0].grad = grad;
    parameters[1].curvature = curvature;
    const inside = noGrad(() => estimateDiagHessian(model, { input, labels }, 'rbf-mse'));
    expect(parameters[0].grad).toBe(grad);
    expect(grad.data.every((v) => v === 7)).toBe(true);
    expect(parameters[1].curvature).toBe(curvature);
    expect(curvature.data.every((v) => v === 3)).toBe(true);
    expect(parameters.slice(2).every((p) => p.curvature === null)).toBe(true);
    const outside = estimateDiagHessian(model, { input, labels }, 'rbf-mse');
    expect(flatten(inside)).toEqual(flatten(outside));
    parameters[0].grad = null;
    parameters[1].curvature = null;
  });

  it('accepts several batches and refuses none', () => {
    const half = (from: number) => ({
      input: tensor(input.data.slice(from * 1024, (from + 2) * 1024), [2, 1, 32, 32]),
      labels: tensor(labels.data.slice(from, from + 2), [2]),
    });
    const split = flatten(estimateDiagHessian(model, [half(0), half(2)], 'rbf-mse'));
    const whole = flatten(estimateDiagHessian(model, { input, labels }, 'rbf-mse'));
    expect(split).toBeAllclose(whole, { rtol: 1e-4, atol: 1e-9 });
    expect(() => estimateDiagHessian(model, [], 'rbf-mse')).toThrow(/no samples/);
  });
});

describe('the curvature pass on a model the zoo does not have', () => {
  /** x + block(x): a residual connection, written with an op in forward. */
  class Residual extends Module {
    constructor(readonly block: Module) {
      super();
      this.registerModule('block', block);
    }
    forward(input: Tensor): Tensor {
      return add(input, this.block.forward(input));
    }
  }

  it('a CNN with ReLU, max pooling, dropout, a residual block and a loss written with ops', () => {
    const generator = new Generator(12);
    const model = new Sequential([
      new Conv2d(1, 4, 3, { activation: 'relu', generator, init: 'he-uniform' }),
      new MaxPool2d(2),
      new Flatten(),
      new Residual(new Linear(36, 36, { activation: 'relu', generator, init: 'he-uniform' })),
      new Dropout(0.25, { generator: new Generator(3) }),
      new Linear(36, 3, { generator, init: 'xavier-uniform' }),
    ]);
    const input = randomInput([4, 1, 8, 8], 5);
    const target = randomInput([4, 3], 6);
    for (const parameter of model.parameters()) parameter.curvature = null;
    // A loss written with ops: the mean over samples of sum log(1 + (y - t)^2)
    const residual = sub(model.forward(input), target);
    mean(sum(log(add(square(residual), 1)), 1)).backwardCurvature();
    for (const [name, parameter] of model.namedParameters()) {
      const values = parameter.curvature!.data;
      expect(
        values.every((v) => Number.isFinite(v) && v >= 0),
        name,
      ).toBe(true);
      expect(Math.max(...values), name).toBeGreaterThan(0);
      expect(parameter.grad, name).toBeNull();
    }
  });
});
