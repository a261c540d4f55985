// The tape's curvature pass (each op's rule, `backwardCurvature`) against the hand-written
// per-layer engine it replaces (`diagHessianBackward`), for every zoo model and every loss.
import { Generator, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { estimateDiagHessian, type HessianBatch, layerwiseDiagHessian } from './diag-hessian.js';
import { Sequential } from './layers/sequential.js';
import { LogSoftmax } from './layers/softmax.js';
import type { LossName } from './losses.js';
import { lenet1, lenet4, lenet5, lenet5Modern, mlp } from './models.js';
import type { Module } from './module.js';

const models: [string, () => Sequential][] = [
  ['lenet1', () => lenet1({ seed: 1 })],
  ['lenet4', () => lenet4({ seed: 2 })],
  ['lenet5', () => lenet5({ seed: 3 })],
  ['lenet5Modern (max, relu)', () => lenet5Modern({ seed: 4 })],
  ['lenet5Modern (avg, tanh)', () => lenet5Modern({ seed: 5, pooling: 'avg', activation: 'tanh' })],
  ['mlp 784-300-10', () => mlp([784, 300, 10], { seed: 6 })],
  ['mlp 784-300-100-10', () => mlp([784, 300, 100, 10], { seed: 7 })],
];

const losses: LossName[] = ['cross-entropy', 'rbf-mse', 'rbf-map', 'nll', 'mse'];

function randomBatches(model: Sequential, seed: number): HessianBatch[] {
  const generator = new Generator(seed);
  const inputShape = model.inputShape ?? [];
  return [3, 2].map((count) => {
    const size = count * inputShape.reduce((a, b) => a * b, 1);
    const input = tensor(generator.fillUniform(new Float32Array(size), -0.1, 1.175), [
      count,
      ...inputShape,
    ]);
    const labels = tensor(
      Int32Array.from({ length: count }, () => Math.floor(generator.nextFloat() * 10)),
      [count],
    );
    return { input, labels };
  });
}

/** max over elements of |a - b| / max(|b|, 1e-6 max |b|): the figure the report quotes. */
function maxRelativeDifference(actual: Float32Array[], expected: Float32Array[]): number {
  let worst = 0;
  actual.forEach((values, k) => {
    const reference = expected[k];
    const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    values.forEach((value, i) => {
      const denominator = Math.max(Math.abs(reference[i]), 1e-6 * scale, 1e-30);
      worst = Math.max(worst, Math.abs(value - reference[i]) / denominator);
    });
  });
  return worst;
}

describe('the tape curvature pass equals the per-layer diagHessianBackward engine', () => {
  const worst: string[] = [];
  it.each(models)('%s, every loss', (name, create) => {
    for (const loss of losses) {
      const base = create();
      const model: Module = loss === 'nll' ? new Sequential([base, new LogSoftmax()]) : base;
      const batches = randomBatches(base, name.length * 7 + loss.length);
      const targets =
        loss === 'mse'
          ? batches.map(({ input }) => ({
              input,
              labels: tensor(
                new Generator(3).fillUniform(new Float32Array(input.shape[0] * 10), -1, 1),
                [input.shape[0], 10],
              ),
            }))
          : batches;
      const expected = layerwiseDiagHessian(model, targets, loss);
      const actual = estimateDiagHessian(model, targets, loss);
      actual.forEach((values, k) => {
        const scale = expected[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(values, `${name} ${loss} parameter ${k}`).toBeAllclose(expected[k], {
          rtol: 1e-4,
          atol: 1e-6 * scale,
        });
      });
      worst.push(`${name} ${loss}: ${maxRelativeDifference(actual, expected).toExponential(2)}`);
    }
  });
  it('reports the largest relative differences', () => {
    console.log(`max relative difference, new vs old:\n${worst.join('\n')}`);
    expect(worst.length).toBe(models.length * losses.length);
  });
});
