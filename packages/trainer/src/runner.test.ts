import { lenet5Modern } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { samplesFromArrays } from './data.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { SGD } from './sgd.js';

function samples(count: number, seed: number) {
  const generator = new Generator(seed);
  const labels = Int32Array.from({ length: count }, () => generator.int(10));
  const images = new Float32Array(count * 1024);
  generator.fillUniform(images, -0.1, 1.175);
  // A learnable signal: a bright square whose position is the label.
  labels.forEach((label, index) => {
    for (let row = 0; row < 6; row++) {
      for (let column = 0; column < 6; column++) {
        images[index * 1024 + (4 + row) * 32 + 2 + label * 2 + column] = 1.175;
      }
    }
  });
  return samplesFromArrays(images, labels, [1, 32, 32]);
}

async function train(threads: number) {
  const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 5 });
  const optimizer = new SGD(model.parameters(), { learningRate: 0.05, momentum: 0.9 });
  const result = await fit(model, {
    train: samples(48, 1),
    test: samples(20, 2),
    loss: 'cross-entropy',
    optimizer,
    epochs: 2,
    batchSize: 12,
    evaluationBatchSize: 7,
    seed: 9,
    threads,
  });
  const weights = Float32Array.from(
    model.parameters().flatMap((parameter) => Array.from(parameter.data)),
  );
  return { model, weights, history: result.history };
}

describe('fit with threads', () => {
  it('gives bit-identical weights for the same seed and threads, and the 1-thread result up to rounding', async () => {
    const [one, two, twoAgain] = await Promise.all([train(1), train(2), train(2)]);
    expect(twoAgain.weights).toEqual(two.weights);
    expect(twoAgain.history.map((pass) => pass.trainLoss)).toEqual(
      two.history.map((pass) => pass.trainLoss),
    );
    expect(two.weights).toBeAllclose(one.weights, { rtol: 1e-3, atol: 1e-5 });
    expect(two.weights).not.toEqual(one.weights);
    two.history.forEach((pass, index) => {
      expect(pass.trainLoss).toBeCloseTo(one.history[index].trainLoss, 4);
      expect(pass.testError).toBe(one.history[index].testError);
    });
    // The split evaluation reports what the single-thread one does on the same weights.
    const single = await evaluate(two.model, samples(20, 2), { loss: 'cross-entropy' });
    expect(two.history[1].testError).toBe(single.errorRate);
    expect(two.history[1].testLoss).toBeCloseTo(single.loss!, 5);
  });

  it('refuses a loss function and a bad thread count', async () => {
    const model = lenet5Modern();
    const optimizer = new SGD(model.parameters(), { learningRate: 0.01 });
    const base = { train: samples(4, 1), optimizer, epochs: 1 };
    await expect(fit(model, { ...base, loss: () => null, threads: 2 } as never)).rejects.toThrow(
      /loss by name/,
    );
    await expect(fit(model, { ...base, loss: 'cross-entropy', threads: 0 })).rejects.toThrow(
      /threads must be an integer >= 1, got 0/,
    );
  });
});
