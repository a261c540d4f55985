import { matmul, type Tensor, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { samplesFromArrays } from './data.js';
import { evaluate } from './evaluate.js';
import type { TrainableModel } from './model.js';

// Six samples, each a one-hot vector of its index; the "model" multiplies it by a fixed table
// of scores (tensor ops, so compiled forward passes replay it).
const SCORES = [
  [0.9, 0.05, 0.05], // label 0 -> 0
  [0.2, 0.7, 0.1], // label 0 -> 1 (wrong)
  [0.1, 0.8, 0.1], // label 1 -> 1
  [0.3, 0.6, 0.1], // label 1 -> 1
  [0.5, 0.1, 0.4], // label 2 -> 0 (wrong)
  [0.1, 0.2, 0.7], // label 2 -> 2
];
const oneHotRows = new Float32Array(36);
for (let i = 0; i < 6; i++) oneHotRows[i * 6 + i] = 1;
const data = samplesFromArrays(oneHotRows, [0, 0, 1, 1, 2, 2], [6], 3);

function tableModel(sign = 1, columns = 3) {
  const modes: boolean[] = [];
  const table = tensor(SCORES.map((row) => row.slice(0, columns).map((s) => sign * s)));
  const model = {
    training: true,
    forward(input: Tensor): Tensor {
      modes.push(model.training);
      return matmul(input, table);
    },
    parameters: () => [] as Tensor[],
    train(mode = true) {
      model.training = mode;
    },
    eval() {
      model.training = false;
    },
    stateDict: () => new Map(),
    loadStateDict: () => {},
  };
  return { model: model as unknown as TrainableModel, modes };
}

describe('evaluate on a hand-made case', () => {
  it('error, per-class error, confusion matrix and misclassified samples', async () => {
    const { model, modes } = tableModel();
    const result = await evaluate(model, data, { batchSize: 4 });
    expect(result.count).toBe(6);
    expect(result.errors).toBe(2);
    expect(result.errorRate).toBeAllclose(100 / 3);
    expect(result.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(result.perClassError).toBeAllclose([50, 0, 50]);
    expect(result.classCounts).toEqual([2, 2, 2]);
    expect(
      result.misclassified.map(({ index, label, predicted }) => [index, label, predicted]),
    ).toEqual([
      [1, 0, 1],
      [4, 2, 0],
    ]);
    expect(result.misclassified[1].scores).toBeAllclose([0.5, 0.1, 0.4]);
    // Two batches (4 + 2), each traced once, in evaluation mode; training mode restored.
    expect(modes).toEqual([false, false]);
    expect(model.training).toBe(true);
  });

  it("'argmin' reads rows as penalties (RBF outputs)", async () => {
    const { model } = tableModel(-1);
    const result = await evaluate(model, data, { prediction: 'argmin', misclassified: false });
    expect(result.errors).toBe(2);
    expect(result.misclassified).toEqual([]);
  });

  it('names a wrongly shaped output', async () => {
    const { model } = tableModel(1, 2);
    await expect(evaluate(model, data)).rejects.toThrow(
      /output has shape \[6, 2\], expected \[6, 3\]/,
    );
  });
});
