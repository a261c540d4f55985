import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noGrad } from '../autograd.js';
import type { Backend, BackendKernels } from '../backend/backend.js';
import { findBackend, getBackend, registerBackend, setBackend } from '../backend/registry.js';
import { full, randn, tensor, zeros } from '../creation.js';
import { Generator } from '../generator.js';
import { squaredDistance } from '../ops/distance.js';
import { add, mul, neg } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { logSumExp, mean, sum } from '../ops/reduce.js';
import { concat, reshape, unsqueeze } from '../ops/shape.js';
import { subsampling } from '../ops/subsampling.js';
import type { Tensor } from '../tensor.js';
import { customCnn as customModel } from '../testing/custom-cnn.js';
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

  it('replays the curvature pass with the eager curvatures (own terms, fused ops, dropout)', () => {
    const eager = customModel(5);
    const compiled = customModel(5);
    // LeNet-5's tail in ops: the fused sub-sampling, the RBF distances and the MAP criterion.
    const tailParameters = () => {
      const generator = new Generator(9);
      const make = (shape: number[]) => {
        const t = mul(randn(shape, generator), 0.3).detach();
        t.requiresGrad = true;
        return t;
      };
      return { coefficient: make([1]), bias: make([1]), centers: make([5, 25]) };
    };
    const eagerTail = tailParameters();
    const compiledTail = tailParameters();
    const lossOf =
      (model: ReturnType<typeof customModel>, tail: typeof eagerTail) =>
      (images: Tensor, labels: Tensor<'int32'>) => {
        const s = subsampling(images, tail.coefficient, tail.bias, { activation: 'scaledTanh' });
        const penalties = squaredDistance(reshape(s, [images.shape[0], 25]), tail.centers);
        const rubbish = full([images.shape[0], 1], -0.1);
        const map = add(
          reshape(gather(penalties, 1, unsqueeze(labels, 1)), [images.shape[0]]),
          logSumExp(concat([rubbish, neg(penalties)], 1), 1),
        );
        return add(model.forward(images, labels), mean(map));
      };
    const all = (model: ReturnType<typeof customModel>, tail: typeof eagerTail) => ({
      ...model.parameters,
      ...tail,
    });
    const step = compile((images: Tensor, labels: Tensor<'int32'>) => {
      for (const p of Object.values(all(compiled, compiledTail))) p.curvature = null;
      const loss = lossOf(compiled, compiledTail)(images, labels);
      loss.backwardCurvature();
      return loss;
    });
    for (let call = 0; call < 3; call++) {
      const { images, labels } = batch(20 + call, 3);
      for (const p of Object.values(all(eager, eagerTail))) p.curvature = null;
      const expected = lossOf(eager, eagerTail)(images, labels);
      expected.backwardCurvature();
      const loss = step(images, labels);
      expect(loss.item()).toBeCloseTo(expected.item(), 6);
      const reference = all(eager, eagerTail) as Record<string, Tensor>;
      for (const [name, p] of Object.entries(all(compiled, compiledTail))) {
        expect(p.curvature, name).not.toBeNull();
        expect(Array.from(p.curvature!.data), name).toEqual(
          Array.from(reference[name].curvature!.data),
        );
        expect(p.grad, name).toBeNull();
      }
    }
    expect(step.traceCount).toBe(1);
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
