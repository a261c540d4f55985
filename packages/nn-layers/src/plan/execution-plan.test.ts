import {
  type Backend,
  type BackendKernels,
  findBackend,
  Generator,
  getBackend,
  registerBackend,
  setBackend,
  tensor,
  wasmMemoryStatistics,
} from '@lenet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateDiagHessian } from '../diag-hessian.js';
import { Tanh } from '../layers/activation.js';
import { Linear } from '../layers/linear.js';
import { MaxPool2d } from '../layers/pooling.js';
import { RBFOutput } from '../layers/rbf-output.js';
import { Sequential } from '../layers/sequential.js';
import { Dropout, Flatten } from '../layers/shape-layers.js';
import { computeLoss, type LossSpec } from '../losses.js';
import { lenet1, lenet4, lenet5, lenet5Modern, mlp } from '../models.js';
import type { Module } from '../module.js';
import { compilePlan, planUnsupportedReason, supportsPlan } from './execution-plan.js';

interface Case {
  readonly name: string;
  readonly build: () => Sequential;
  readonly loss: LossSpec;
}

const cases: Case[] = [
  { name: 'lenet5, rbf-map (eq. 9)', build: () => lenet5({ seed: 3 }), loss: 'rbf-map' },
  { name: 'lenet5, rbf-mse (eq. 8)', build: () => lenet5({ seed: 4 }), loss: 'rbf-mse' },
  {
    name: 'lenet5Modern (max, relu)',
    build: () => lenet5Modern({ seed: 5 }),
    loss: 'cross-entropy',
  },
  {
    name: 'lenet5Modern (avg, tanh)',
    build: () => lenet5Modern({ seed: 6, pooling: 'avg', activation: 'tanh' }),
    loss: 'cross-entropy',
  },
  { name: 'lenet1', build: () => lenet1({ seed: 7 }), loss: 'cross-entropy' },
  { name: 'lenet4 (S2 in pairs)', build: () => lenet4({ seed: 8 }), loss: 'cross-entropy' },
  {
    name: 'mlp 784-300-100-10',
    build: () => mlp([784, 300, 100, 10], { seed: 9 }),
    loss: 'cross-entropy',
  },
  {
    name: 'hand-made: max pool, stand-alone Tanh, unbiased Linear, trainable RBF, j = 2',
    build: () => {
      const model = new Sequential([
        new MaxPool2d(2, { stride: 1 }),
        new Flatten(),
        new Linear(9, 12, { bias: false, generator: new Generator(2) }),
        new Tanh(),
        new RBFOutput({
          classes: 3,
          features: 12,
          centers: new Generator(3).fillUniform(new Float32Array(36), -1, 1),
          trainable: true,
        }),
      ]);
      model.inputShape = [1, 4, 4];
      return model;
    },
    loss: { name: 'rbf-map', j: 2 },
  },
];

function randomBatch(model: Module, count: number, seed: number, classes: number) {
  const shape = [count, ...model.inputShape!];
  const size = shape.reduce((a, b) => a * b, 1);
  const generator = new Generator(seed);
  const images = generator.fillUniform(new Float32Array(size), -0.1, 1.175);
  const labels = Int32Array.from({ length: count }, () => generator.int(classes));
  return { images, labels, shape };
}

/** Loss, output, input gradient and parameter gradients through the autograd tape. */
function tapeStep(
  model: Module,
  images: Float32Array,
  labels: Int32Array,
  shape: number[],
  loss: LossSpec,
) {
  for (const parameter of model.parameters()) parameter.grad = null;
  const input = tensor(images, shape, { requiresGrad: true });
  const output = model.forward(input);
  const value = computeLoss(loss, output, tensor(labels, [labels.length]));
  value.backward();
  return {
    loss: value.item(),
    output: output.data.slice(),
    inputGradient: input.grad!.data.slice(),
    gradients: model.parameters().map((parameter) => parameter.grad!.data.slice()),
  };
}

/** A backend that counts allocations and otherwise is `base`. */
function countingBackend(base: Backend): { backend: Backend; allocations: () => number } {
  let count = 0;
  const kernels: Partial<BackendKernels> = {};
  for (const key of Object.keys(findBackend('reference')!).filter(
    (k) => k !== 'name' && k !== 'ownKernels',
  )) {
    (kernels as Record<string, unknown>)[key] = (base as unknown as Record<string, unknown>)[key];
  }
  kernels.allocate = (length) => {
    count++;
    return base.allocate(length);
  };
  return { backend: registerBackend(`counting-${base.name}`, kernels), allocations: () => count };
}

const previous = getBackend().name;
afterAll(() => {
  setBackend(previous);
});

describe.each(['reference', 'wasm'])('execution plan on the %s backend', (backendName) => {
  beforeAll(() => {
    setBackend(backendName);
  });

  describe.each(cases)('$name', ({ build, loss }) => {
    it.each([1, 8])(
      'batch %i: loss, output, input and parameter gradients equal the tape',
      (count) => {
        const model = build();
        const classes = model.summaryRows().at(-1)!.outputShape[1];
        const { images, labels, shape } = randomBatch(model, count, 10 + count, classes);
        const tape = tapeStep(model, images, labels, shape, loss);

        const plan = compilePlan(model, { batchSize: count, loss });
        for (const parameter of model.parameters()) parameter.grad!.data.fill(Number.NaN); // replaced
        plan.setInput(images);
        const output = plan.forward();
        expect(output).toBeAllclose(tape.output, { rtol: 1e-4, atol: 1e-4 });
        expect(plan.loss(labels)).toBeAllclose(tape.loss, { rtol: 1e-4, atol: 1e-5 });
        plan.backward(count, { inputGradient: true });
        expect(plan.inputGradient).toBeAllclose(tape.inputGradient, { rtol: 1e-3, atol: 1e-6 });
        model.parameters().forEach((parameter, index) => {
          expect(parameter.grad!.data).toBeAllclose(tape.gradients[index], {
            rtol: 1e-3,
            atol: 1e-6,
          });
        });
      },
    );

    it('Gauss-Newton diagonal equals estimateDiagHessian (whole batch and in chunks)', () => {
      const model = build();
      const classes = model.summaryRows().at(-1)!.outputShape[1];
      const { images, labels, shape } = randomBatch(model, 8, 21, classes);
      const expected = estimateDiagHessian(
        model,
        { input: tensor(images, shape), labels: tensor(labels, [8]) },
        loss,
      );
      for (const batchSize of [8, 3]) {
        const actual = compilePlan(model, { batchSize, loss }).estimateDiagHessian(images, labels);
        expect(actual.length).toBe(expected.length);
        actual.forEach((values, index) => {
          expect(values).toBeAllclose(expected[index], { rtol: 1e-3, atol: 1e-7 });
        });
      }
    });
  });

  it('a batch smaller than the plan: count 5 on a plan for 8 equals the tape on 5', () => {
    const model = lenet5({ seed: 11 });
    const { images, labels, shape } = randomBatch(model, 5, 12, 10);
    const tape = tapeStep(model, images, labels, shape, 'rbf-map');
    const plan = compilePlan(model, { batchSize: 8, loss: 'rbf-map' });
    expect(plan.trainStep(images, labels, 5)).toBeAllclose(tape.loss, { rtol: 1e-4 });
    model.parameters().forEach((parameter, index) => {
      expect(parameter.grad!.data).toBeAllclose(tape.gradients[index], { rtol: 1e-3, atol: 1e-6 });
    });
  });

  it('allocates nothing over 100 training steps and 10 Hessian estimates', () => {
    const { backend, allocations } = countingBackend(findBackend(backendName)!);
    setBackend(backend.name);
    try {
      const model = lenet5({ seed: 13 });
      const plan = compilePlan(model, { batchSize: 1, loss: 'rbf-map' });
      const { images, labels } = randomBatch(model, 4, 14, 10);
      plan.estimateDiagHessian(images, labels);
      const before = allocations();
      const memory = wasmMemoryStatistics(findBackend(backendName)!);
      for (let step = 0; step < 100; step++) plan.trainStep(images, labels, 1, step % 4);
      for (let estimate = 0; estimate < 10; estimate++) plan.estimateDiagHessian(images, labels);
      expect(allocations()).toBe(before);
      if (memory) {
        const after = wasmMemoryStatistics(findBackend(backendName)!)!;
        expect(after.residentCount).toBe(memory.residentCount);
        expect(after.evictions).toBe(memory.evictions);
      }
    } finally {
      setBackend(backendName);
    }
  });
});

describe('what a plan refuses', () => {
  it('names the layer, loss or setting it cannot run', () => {
    const withDropout = new Sequential([new Flatten(), new Dropout(0.5), new Linear(4, 2)]);
    withDropout.inputShape = [4];
    expect(planUnsupportedReason(withDropout)).toMatch(/Dropout has no plan step/);
    expect(supportsPlan({ forward: () => null })).toBe(false);
    expect(planUnsupportedReason(lenet5(), { loss: 'mse' })).toMatch(/loss "mse"/);
    expect(supportsPlan(lenet5(), { loss: 'rbf-map' })).toBe(true);
    const frozen = mlp([4, 2]);
    frozen.parameters()[0].requiresGrad = false;
    expect(planUnsupportedReason(frozen)).toMatch(/frozen/);
    expect(() => compilePlan(withDropout)).toThrow(/cannot plan this model: layer Dropout/);
  });

  it('rejects counts beyond its batch size, bad labels, and training a forward-only plan', () => {
    const model = mlp([4, 3], { seed: 1 });
    const plan = compilePlan(model, { batchSize: 2, loss: 'cross-entropy' });
    const images = new Float32Array(12);
    expect(() => plan.forward(3)).toThrow(/expected an integer in \[1, 2\]/);
    plan.setInput(images, 0, 2);
    plan.forward(2);
    expect(() => plan.loss(Int32Array.from([0, 3]), 2)).toThrow(
      /label 3 of sample 1 is outside \[0, 3\)/,
    );
    const inference = compilePlan(model, { batchSize: 2, gradients: false });
    inference.setInput(images, 0, 2);
    expect(inference.forward(2).length).toBe(6);
    expect(() => inference.backward(2)).toThrow(/gradients: false/);
    expect(() => inference.loss(Int32Array.from([0, 1]), 2)).toThrow(/without a loss/);
  });
});
