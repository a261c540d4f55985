import { Generator, type Tensor, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import {
  computeLoss,
  crossEntropy,
  DEFAULT_RBF_MAP_J,
  type LossSpec,
  mse,
  nllLoss,
  rbfMapLoss,
  rbfMseLoss,
} from './losses.js';
import {
  crossEntropy64,
  gradient,
  rbfMap64,
  secondDerivatives,
  type Vector,
} from './testing/float64-reference.js';
import { randomArray, tapeLossCurvature } from './testing/helpers.js';

const batch = 4;
const classes = 5;
const labels = tensor(Int32Array.from([0, 3, 4, 3]), [batch]);
const labelArray = Array.from(labels.data);
const mean = (values: Vector) => values.reduce((a, b) => a + b, 0) / values.length;

function check(
  loss: (input: Tensor) => Tensor,
  reference: (x: Vector) => number,
  values: Float32Array,
) {
  const input = tensor(values, [batch, classes], { requiresGrad: true });
  const value = loss(input);
  value.backward();
  const x64 = Float64Array.from(values);
  expect(value.item()).toBeAllclose(reference(x64), { rtol: 1e-5, atol: 1e-6 });
  expect(input.grad!.data).toBeAllclose(gradient(reference, x64), { rtol: 1e-3, atol: 1e-5 });
}

describe('losses against float64 oracles (value and gradient by central differences)', () => {
  const logits = randomArray(batch * classes, new Generator(1), -3, 3);

  it('crossEntropy: mean and sum over the batch', () => {
    check(
      (z) => crossEntropy(z, labels),
      (z) => mean(crossEntropy64(z, labelArray, classes)),
      logits,
    );
    check(
      (z) => crossEntropy(z, labels, { reduction: 'sum' }),
      (z) => crossEntropy64(z, labelArray, classes).reduce((a, b) => a + b, 0),
      logits,
    );
  });

  it('crossEntropy stays finite for large logits', () => {
    const big = logits.map((v) => v * 1000);
    check(
      (z) => crossEntropy(z, labels),
      (z) => mean(crossEntropy64(z, labelArray, classes)),
      big,
    );
  });

  it('nllLoss is minus the picked value', () => {
    check(
      (z) => nllLoss(z, labels),
      (z) => -mean(Float64Array.from(labelArray, (l, n) => z[n * classes + l])),
      logits,
    );
  });

  it('mse sums squares per sample and averages over the batch', () => {
    const target = randomArray(batch * classes, new Generator(2));
    check(
      (p) => mse(p, tensor(target, [batch, classes])),
      (p) => p.reduce((s, v, i) => s + (v - target[i]) ** 2, 0) / batch,
      logits,
    );
  });

  it('rbfMseLoss is the correct class penalty (eq. 8)', () => {
    const penalties = randomArray(batch * classes, new Generator(3), 0, 50);
    check(
      (y) => rbfMseLoss(y, labels),
      (y) => mean(Float64Array.from(labelArray, (l, n) => y[n * classes + l])),
      penalties,
    );
  });

  it.each([0.1, 5, 80])('rbfMapLoss (eq. 9) with j = %s, including penalties far above j', (j) => {
    const penalties = randomArray(batch * classes, new Generator(4), 0, 150);
    check(
      (y) => rbfMapLoss(y, labels, { j }),
      (y) => mean(rbfMap64(y, labelArray, classes, j)),
      penalties,
    );
  });

  it('rbfMapLoss is never negative and defaults to j = 0.1', () => {
    expect(DEFAULT_RBF_MAP_J).toBe(0.1);
    const penalties = tensor(new Float32Array(batch * classes).fill(0), [batch, classes]);
    // all penalties 0: E = 0 + log(e^-j + 5) > 0
    expect(rbfMapLoss(penalties, labels).item()).toBeAllclose(Math.log(Math.exp(-0.1) + 5), {
      rtol: 1e-6,
    });
  });

  it('rejects bad labels and reductions with clear errors', () => {
    const input = tensor(logits, [batch, classes]);
    expect(() => crossEntropy(input, tensor(Int32Array.from([0, 1, 2, 9]), [4]))).toThrow(
      /label 9 is outside \[0, 5\)/,
    );
    expect(() => crossEntropy(input, tensor(Int32Array.from([0, 1]), [2]))).toThrow(
      /labels must be int32 of shape \[4\]/,
    );
    expect(() => crossEntropy(input, labels, { reduction: 'none' as 'sum' })).toThrow(
      /reduction must be/,
    );
    expect(() => computeLoss('hinge' as LossSpec, input, labels)).toThrow(/unknown loss "hinge"/);
  });
});

describe("the losses' curvature on the tape: the exact diagonal second derivatives per pattern", () => {
  const values = randomArray(batch * classes, new Generator(5), 0, 4);
  const cases: [LossSpec, (x: Vector) => Vector][] = [
    ['cross-entropy', (z) => crossEntropy64(z, labelArray, classes)],
    ['rbf-map', (y) => rbfMap64(y, labelArray, classes, DEFAULT_RBF_MAP_J)],
    [{ name: 'rbf-map', j: 3 }, (y) => rbfMap64(y, labelArray, classes, 3)],
    ['rbf-mse', (y) => Float64Array.from(labelArray, (l, n) => y[n * classes + l])],
    ['nll', (z) => Float64Array.from(labelArray, (l, n) => -z[n * classes + l])],
  ];
  it.each(cases)('%o', (spec, perSample) => {
    const { curvature, gradient: lossGradient } = tapeLossCurvature(
      spec,
      tensor(values, [batch, classes]),
      labels,
    );
    const x64 = Float64Array.from(values);
    const total = (x: Vector) => perSample(x).reduce((a, b) => a + b, 0);
    expect(curvature).toBeAllclose(secondDerivatives(total, x64), { atol: 2e-4, rtol: 1e-3 });
    expect(lossGradient).toBeAllclose(gradient(total, x64), { atol: 1e-5, rtol: 1e-4 });
    expect(curvature.every((v) => v >= 0)).toBe(true);
  });

  it('mse: 2 everywhere', () => {
    const target = tensor(new Float32Array(batch * classes), [batch, classes]);
    const { curvature } = tapeLossCurvature('mse', tensor(values, [batch, classes]), target);
    expect(curvature).toBeAllclose(new Float32Array(batch * classes).fill(2), { rtol: 0, atol: 0 });
  });
});
