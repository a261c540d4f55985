import {
  computeLoss,
  Flatten,
  lenet5,
  lenet5Modern,
  mlp,
  RBFOutput,
  Sequential,
} from '@lenet/nn-layers';
import { Generator, tensor } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { FusedStep } from './fused-step.js';

function batch(count: number, seed: number) {
  const generator = new Generator(seed);
  const images = new Float32Array(count * 1024);
  generator.fillUniform(images, -0.1, 1.175);
  const labels = Int32Array.from({ length: count }, () => generator.int(10));
  return { images, labels };
}

describe('FusedStep', () => {
  it.each([
    ['tanh', 'avg', 1],
    ['tanh', 'avg', 5],
    ['relu', 'max', 4],
    ['scaledTanh', 'max', 2],
  ] as const)(
    'gives the autograd loss, outputs and gradients (%s, %s pooling, batch %i)',
    (activation, pooling, count) => {
      const model = lenet5Modern({ activation, pooling, seed: 4 });
      const { images, labels } = batch(count + 2, count);
      const start = 1;
      const end = count + 1;
      // Autograd on the same rows.
      const input = tensor(images.slice(start * 1024, end * 1024), [count, 1, 32, 32]);
      const output = model.forward(input);
      const loss = computeLoss('cross-entropy', output, tensor(labels.slice(start, end), [count]));
      loss.backward();
      const expected = model.parameters().map((parameter) => parameter.grad!.data.slice());
      const expectedOutputs = output.data.slice();

      const fused = FusedStep.for(model, 'cross-entropy', [1, 32, 32])!;
      expect(fused).not.toBeNull();
      const outputs = new Float32Array((count + 2) * 10).fill(7);
      const value = fused.train(images, labels, start, end, outputs);
      expect(value).toBeCloseTo(loss.item(), 5);
      expect(outputs.subarray(10, (count + 1) * 10)).toBeAllclose(expectedOutputs, {
        rtol: 1e-5,
        atol: 1e-6,
      });
      expect(outputs[0]).toBe(7);
      model.parameters().forEach((parameter, index) => {
        expect(parameter.grad!.data).toBeAllclose(expected[index], { rtol: 1e-4, atol: 1e-6 });
      });
      // A second step replaces the gradients rather than adding to them.
      fused.train(images, labels, start, end, outputs);
      expect(model.parameters()[0].grad!.data).toBeAllclose(expected[0], {
        rtol: 1e-4,
        atol: 1e-6,
      });
      const evaluated = fused.evaluate(images, labels, start, end, outputs);
      expect(evaluated).toBeCloseTo(value, 5);
    },
  );

  it.each([
    ['rbf-map', 1],
    ['rbf-map', 3],
    [{ name: 'rbf-map', j: 2 }, 2],
    ['rbf-mse', 2],
  ] as const)(
    'gives the autograd gradients of the paper LeNet-5 with %j (batch %i)',
    (loss, count) => {
      const model = lenet5({ seed: 6 });
      const { images, labels } = batch(count, 10 + count);
      const input = tensor(images, [count, 1, 32, 32]);
      const output = model.forward(input);
      const value = computeLoss(loss, output, tensor(labels, [count]));
      value.backward();
      const expected = model.parameters().map((parameter) => parameter.grad!.data.slice());
      const fused = FusedStep.for(model, loss, [1, 32, 32])!;
      expect(fused).not.toBeNull();
      const outputs = new Float32Array(count * 10);
      expect(fused.train(images, labels, 0, count, outputs)).toBeCloseTo(value.item(), 4);
      expect(outputs).toBeAllclose(output.data, { rtol: 1e-5, atol: 1e-4 });
      model.parameters().forEach((parameter, index) => {
        expect(parameter.grad!.data).toBeAllclose(expected[index], { rtol: 1e-3, atol: 1e-6 });
      });
    },
  );

  it('declines what it does not know: other losses, loss functions, trainable RBF centres', () => {
    expect(FusedStep.for(lenet5Modern(), 'mse', [1, 32, 32])).toBeNull();
    expect(FusedStep.for(lenet5Modern(), () => tensor([0], [1]), [1, 32, 32])).toBeNull();
    expect(FusedStep.for(mlp([1024, 10]), { name: 'cross-entropy' }, [1024])).not.toBeNull();
    const trainableCentres = new Sequential([
      new Flatten(),
      new RBFOutput({
        trainable: true,
        features: 1024,
        centers: new Float32Array(10240),
        classes: 10,
      }),
    ]);
    expect(FusedStep.for(trainableCentres, 'rbf-map', [1, 32, 32])).toBeNull();
  });
});
