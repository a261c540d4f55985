// The compiled BatchRunner against the eager tape, on every zoo model with the losses they
// train with: same losses, outputs and gradients, step after step, for training and evaluation.
// (Before the hand-written execution plan was deleted, this test compared the runner with it:
// see the git history of this file.)
import {
  computeLoss,
  estimateDiagHessian,
  type LossSpec,
  lenet1,
  lenet4,
  lenet5,
  lenet5Modern,
  mlp,
  type Sequential,
} from '@lenet/nn-layers';
import { Generator, noGrad, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { BatchRunner, SUB_STEP_ROWS } from './batch-runner.js';
import { resolveLoss } from './loss.js';

interface Case {
  readonly name: string;
  readonly model: () => Sequential;
  readonly loss: LossSpec;
}

const cases: Case[] = [
  { name: 'lenet1, cross-entropy', model: () => lenet1({ seed: 1 }), loss: 'cross-entropy' },
  { name: 'lenet4, cross-entropy', model: () => lenet4({ seed: 2 }), loss: 'cross-entropy' },
  { name: 'lenet5, rbf-map', model: () => lenet5({ seed: 3 }), loss: { name: 'rbf-map', j: 0.1 } },
  { name: 'lenet5, rbf-mse', model: () => lenet5({ seed: 4 }), loss: 'rbf-mse' },
  {
    name: 'lenet5Modern, cross-entropy',
    model: () => lenet5Modern({ seed: 5 }),
    loss: 'cross-entropy',
  },
  {
    name: 'lenet5Modern relu/max, cross-entropy',
    model: () => lenet5Modern({ seed: 6, activation: 'relu', pooling: 'max' }),
    loss: 'cross-entropy',
  },
  {
    name: 'mlp 784-300-10, cross-entropy',
    model: () => mlp([784, 300, 10], { seed: 7 }),
    loss: 'cross-entropy',
  },
];

function randomBatch(shape: readonly number[], count: number, seed: number) {
  const generator = new Generator(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const images = generator.fillUniform(new Float32Array(count * size), -0.1, 1.175);
  const labels = Int32Array.from({ length: count }, () => generator.int(10));
  return { images, labels };
}

describe.each(cases)('compiled runner equals the eager tape: $name', ({ model, loss }) => {
  it.each([1, 5])('batch %i: losses, outputs and gradients over several steps', (batchSize) => {
    const compiledModel = model();
    const eagerModel = model();
    const shape = compiledModel.inputShape!;
    const runner = new BatchRunner(compiledModel, resolveLoss(loss).compute, shape, 10);
    const outputs = new Float32Array(batchSize * 10);
    for (let step = 0; step < 3; step++) {
      const { images, labels } = randomBatch(shape, batchSize, 100 + step);
      const input = tensor(images, [batchSize, ...shape]);
      const target = tensor(labels);
      const value = runner.train(images, labels, 0, batchSize, outputs);
      for (const parameter of eagerModel.parameters()) parameter.grad = null;
      const eagerOutput = eagerModel.forward(input);
      const eagerLoss = computeLoss(loss, eagerOutput, target);
      eagerLoss.backward();
      expect(value).toBeAllclose(eagerLoss.item(), { rtol: 1e-6, atol: 1e-7 });
      expect(outputs).toBeAllclose(eagerOutput.data, { rtol: 1e-6, atol: 1e-6 });
      const eagerParameters = eagerModel.parameters();
      compiledModel.parameters().forEach((parameter, index) => {
        expect(parameter.grad!.data, `parameter ${index}`).toBeAllclose(
          eagerParameters[index].grad!.data,
          { rtol: 1e-5, atol: 1e-7 },
        );
      });
      const evaluated = runner.evaluate(images, labels, 0, batchSize, outputs);
      eagerModel.eval();
      const evaluation = noGrad(() => {
        const output = eagerModel.forward(input);
        return { output, loss: computeLoss(loss, output, target).item() };
      });
      eagerModel.train();
      expect(outputs).toBeAllclose(evaluation.output.data, { rtol: 1e-6, atol: 1e-6 });
      expect(evaluated).toBeAllclose(evaluation.loss, { rtol: 1e-6, atol: 1e-7 });
    }
    expect(runner.traceCount).toBe(2);
  });
});

describe('compiled curvature equals the tape estimate', () => {
  it.each([
    ['lenet5, rbf-map', () => lenet5({ seed: 3 }), { name: 'rbf-map', j: 0.1 } as LossSpec],
    ['lenet5Modern, cross-entropy', () => lenet5Modern({ seed: 5 }), 'cross-entropy' as LossSpec],
  ])('%s: 250 samples in compiled chunks of 100', async (_name, build, loss) => {
    const model = build();
    const shape = model.inputShape!;
    const { images, labels } = randomBatch(shape, 250, 7);
    const runner = new BatchRunner(model, resolveLoss(loss).compute, shape, 10);
    const compiled = await runner.curvature(images, labels, 250);
    const again = await runner.curvature(images, labels, 250); // a replay gives the same numbers
    const tape = estimateDiagHessian(
      model,
      { input: tensor(images, [250, ...shape]), labels: tensor(labels) },
      loss,
    );
    compiled.forEach((values, index) => {
      expect(values, `parameter ${index}`).toBeAllclose(tape[index], { rtol: 1e-4, atol: 1e-9 });
      expect(again[index]).toEqual(values);
    });
    expect(model.parameters().every((p) => p.grad === null && p.curvature === null)).toBe(true);
  });
});

describe('batches larger than SUB_STEP_ROWS run as sub-steps', () => {
  const count = 2 * SUB_STEP_ROWS + 44; // three sub-steps of 100 rows

  it("give the whole batch's loss, outputs and gradients, and the same bits every time", () => {
    const model = lenet5Modern({ seed: 8 });
    const eager = lenet5Modern({ seed: 8 });
    const shape = model.inputShape!;
    const runner = new BatchRunner(model, resolveLoss('cross-entropy').compute, shape, 10);
    const { images, labels } = randomBatch(shape, count, 9);
    const outputs = new Float32Array(count * 10);
    const loss = runner.train(images, labels, 0, count, outputs);
    const gradients = model.parameters().map((parameter) => parameter.grad!.data.slice());

    const input = tensor(images, [count, ...shape]);
    const eagerOutput = eager.forward(input);
    const eagerLoss = computeLoss('cross-entropy', eagerOutput, tensor(labels));
    eagerLoss.backward();
    expect(loss).toBeAllclose(eagerLoss.item(), { rtol: 1e-6, atol: 1e-7 });
    expect(outputs).toBeAllclose(eagerOutput.data, { rtol: 1e-6, atol: 1e-6 });
    eager.parameters().forEach((parameter, index) => {
      expect(gradients[index], `parameter ${index}`).toBeAllclose(parameter.grad!.data, {
        rtol: 1e-4,
        atol: 1e-7,
      });
    });

    // A small batch in between (its own program) changes nothing of the next large one.
    runner.train(images, labels, 0, 7, new Float32Array(70));
    const again = runner.train(images, labels, 0, count, outputs);
    expect(again).toBe(loss);
    model.parameters().forEach((parameter, index) => {
      expect(parameter.grad!.data).toEqual(gradients[index]);
    });
    expect(runner.traceCount).toBe(2); // 100 rows and 7 rows: no program of 300

    const evaluated = runner.evaluate(images, labels, 0, count, outputs);
    eager.eval();
    const evaluation = noGrad(() => eager.forward(input));
    expect(outputs).toBeAllclose(evaluation.data, { rtol: 1e-6, atol: 1e-6 });
    expect(evaluated).toBeAllclose(
      noGrad(() => computeLoss('cross-entropy', evaluation, tensor(labels)).item()),
      { rtol: 1e-6, atol: 1e-7 },
    );
  });
});
