import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noGrad } from '../autograd.js';
import type { Backend, BackendKernels } from '../backend/backend.js';
import { findBackend, getBackend, registerBackend, setBackend } from '../backend/registry.js';
import { randn, tensor, zeros } from '../creation.js';
import { Generator } from '../generator.js';
import { conv2d } from '../ops/conv.js';
import { dropout } from '../ops/dropout.js';
import { add, addBiasActivation, mul, relu } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { linear } from '../ops/linear.js';
import { maxPool2d } from '../ops/pool.js';
import { logSoftmax, mean, sum } from '../ops/reduce.js';
import { reshape, unsqueeze } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { compile } from './compile.js';

/** A backend that counts allocations and otherwise is `base`. */
function countingBackend(base: Backend): { backend: Backend; allocations: () => number } {
  let count = 0;
  const kernels: Partial<BackendKernels> = {};
  for (const key of base.ownKernels) (kernels as Record<string, unknown>)[key] = base[key];
  kernels.allocate = (length) => {
    count++;
    return base.allocate(length);
  };
  return {
    backend: registerBackend(`counting-${base.name}`, kernels),
    allocations: () => count,
  };
}

/** A small CNN with ReLU, max pooling, dropout, a residual addition and a loss written with ops. */
function customModel(seed: number) {
  const generator = new Generator(seed);
  const parameter = (shape: number[], scale: number) => {
    const t = mul(randn(shape, generator), scale).detach();
    t.requiresGrad = true;
    return t;
  };
  const parameters = {
    convWeight: parameter([4, 1, 3, 3], 0.3),
    convBias: parameter([4], 0.1),
    hiddenWeight: parameter([16, 64], 0.1),
    hiddenBias: parameter([16], 0.1),
    residualWeight: parameter([16, 16], 0.1),
    outputWeight: parameter([5, 16], 0.2),
  };
  const dropoutGenerator = new Generator(seed + 100);
  const forward = (images: Tensor, labels: Tensor<'int32'>) => {
    const p = parameters;
    const features = maxPool2d(relu(conv2d(images, p.convWeight, p.convBias)), 2);
    const flat = reshape(features, [images.shape[0], 64]);
    const hidden = addBiasActivation(linear(flat, p.hiddenWeight), p.hiddenBias, 'tanh');
    const residual = add(
      hidden,
      relu(linear(dropout(hidden, 0.25, dropoutGenerator), p.residualWeight)),
    );
    const logits = linear(residual, p.outputWeight);
    // Cross-entropy written with ops: -mean(log_softmax(logits)[label]).
    const picked = gather(logSoftmax(logits, -1), 1, unsqueeze(labels, 1));
    return mul(mean(picked), -1);
  };
  return { parameters, forward, dropoutGenerator };
}

function batch(seed: number, size: number) {
  const generator = new Generator(seed);
  const images = randn([size, 1, 10, 10], generator);
  const labels = tensor(
    Int32Array.from({ length: size }, () => generator.int(5)),
    [size],
  );
  return { images, labels };
}

const backends = ['reference', 'wasm'] as const;

describe.each(backends)('compile on %s', (backendName) => {
  let previous: Backend;
  beforeEach(() => {
    previous = getBackend();
    setBackend(backendName);
  });
  afterEach(() => {
    setBackend(previous.name);
  });

  it('replays a training step with the eager values, gradients and dropout masks', () => {
    const eager = customModel(1);
    const compiled = customModel(1);
    const step = compile((images: Tensor, labels: Tensor<'int32'>) => {
      for (const p of Object.values(compiled.parameters)) p.grad = null;
      const loss = compiled.forward(images, labels);
      loss.backward();
      return loss;
    });
    for (let call = 0; call < 4; call++) {
      const { images, labels } = batch(10 + call, 3);
      for (const p of Object.values(eager.parameters)) p.grad = null;
      const expected = eager.forward(images, labels);
      expected.backward();
      const loss = step(images, labels);
      expect(loss.item()).toBeCloseTo(expected.item(), 6);
      for (const [name, p] of Object.entries(compiled.parameters)) {
        const reference = (eager.parameters as Record<string, Tensor>)[name].grad!;
        expect(p.grad, name).not.toBeNull();
        expect(Array.from(p.grad!.data)).toEqual(Array.from(reference.data));
      }
    }
    expect(step.traceCount).toBe(1);
    // The generators advanced identically: the dropout masks were drawn afresh at every replay.
    expect(compiled.dropoutGenerator.getState()).toEqual(eager.dropoutGenerator.getState());
  });

  it('traces again when an input shape changes, and replays each shape', () => {
    const model = customModel(2);
    const forward = compile((images: Tensor, labels: Tensor<'int32'>) =>
      noGrad(() => model.forward(images, labels)),
    );
    const small = batch(1, 2);
    const large = batch(2, 5);
    const a = forward(small.images, small.labels).item();
    const b = forward(large.images, large.labels).item();
    expect(forward.traceCount).toBe(2);
    expect(forward(small.images, small.labels).item()).not.toBe(b);
    expect(forward.traceCount).toBe(2);
    // Dropout draws new masks, so compare with eager runs on the same generator stream instead.
    expect(Number.isFinite(a)).toBe(true);
  });

  it('adds into gradients that existed at trace time and sets those that did not', () => {
    const weight = tensor([1, 2, 3], [3], { requiresGrad: true });
    const step = compile((x: Tensor) => {
      sum(mul(x, weight)).backward();
      return weight.grad!;
    });
    weight.grad = null;
    const x = tensor([1, 1, 1], [3]);
    step(x);
    expect(Array.from(weight.grad!.data)).toEqual([1, 1, 1]);
    // Kept (not zeroed): the eager semantics add, so the program recorded with `set` must not run.
    step(tensor([2, 2, 2], [3]));
    expect(Array.from(weight.grad!.data)).toEqual([3, 3, 3]);
    expect(step.traceCount).toBe(2);
    step(tensor([1, 0, 1], [3]));
    expect(Array.from(weight.grad!.data)).toEqual([4, 3, 4]);
    weight.grad = null;
    step(tensor([5, 5, 5], [3]));
    expect(Array.from(weight.grad!.data)).toEqual([5, 5, 5]);
    expect(step.traceCount).toBe(2);
  });

  it('allocates nothing per replayed step', () => {
    const { backend, allocations } = countingBackend(findBackend(backendName)!);
    setBackend(backend.name);
    const model = customModel(3);
    const step = compile((images: Tensor, labels: Tensor<'int32'>) => {
      for (const p of Object.values(model.parameters)) p.grad = null;
      const loss = model.forward(images, labels);
      loss.backward();
      return loss;
    });
    const inputs = batch(4, 3);
    step(inputs.images, inputs.labels);
    const before = allocations();
    for (let i = 0; i < 50; i++) step(inputs.images, inputs.labels);
    expect(allocations()).toBe(before);
  });

  it('rejects arguments that are not tensors, naming what it got', () => {
    const f = compile((x: Tensor) => x);
    expect(() => f(3 as unknown as Tensor)).toThrow(/every argument must be a Tensor, got number/);
  });

  it('keeps replaying correctly after backend memory grew', () => {
    const weight = tensor([0.5, -1, 2], [3], { requiresGrad: true });
    const f = compile((x: Tensor) => noGrad(() => mul(x, weight)));
    f(tensor([1, 1, 1], [3]));
    // Allocate enough to grow (and possibly evict) backend memory between replays.
    for (let i = 0; i < 20; i++) zeros([1 << 20]);
    expect(Array.from(f(tensor([2, 4, 6], [3])).data)).toEqual([1, -4, 12]);
  });
});
