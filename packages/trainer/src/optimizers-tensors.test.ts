// The optimizers on Tensor parameters (as in fit): updates run as in-place tensor ops
// (add_, subtractProduct_), and their state is read and written by copy.
import { backendNames, getBackend, setBackend, type Tensor, tensor } from '@lenet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import type { Optimizer, Parameter } from './optimizer.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';

const initial = getBackend().name;
afterEach(() => {
  setBackend(initial);
});

/** Parameters [1, -2, 0.5] and [3] with gradients 2 (w - target). */
function problem() {
  const parameters = [
    tensor([1, -2, 0.5], undefined, { requiresGrad: true }),
    tensor([3], undefined, { requiresGrad: true }),
  ];
  const targets = [[0.5, 1, -1], [2]];
  const setGradients = () => {
    parameters.forEach((parameter, p) => {
      const values = (parameter.toArray() as number[]).map((w, i) => 2 * (w - targets[p][i]));
      parameter.grad = tensor(values);
    });
  };
  const run = (optimizer: Optimizer, steps: number) => {
    for (let step = 0; step < steps; step++) {
      setGradients();
      optimizer.step();
    }
  };
  return { parameters, run };
}

const values = (parameters: Tensor[]) => parameters.flatMap((p) => p.toArray() as number[]);

describe.each(backendNames())('on %s', (backend) => {
  it('SGD momentum and Nesterov on tensors follow v = m v + g (float32 roundings)', () => {
    setBackend(backend);
    const heavy = tensor([1], undefined, { requiresGrad: true });
    const look = tensor([1], undefined, { requiresGrad: true });
    heavy.grad = tensor([1]);
    look.grad = tensor([1]);
    const heavyBall = new SGD([heavy], { learningRate: 0.1, momentum: 0.5 });
    const nesterov = new SGD([look], { learningRate: 0.1, momentum: 0.5, nesterov: true });
    heavyBall.step();
    heavyBall.step();
    nesterov.step();
    nesterov.step();
    expect(heavy.item()).toBeAllclose(1 - 0.1 - 0.15);
    expect(look.item()).toBeAllclose(1 - 0.15 - 0.175);
    expect(heavyBall.stateDict().slots.velocity[0]).toEqual(Float32Array.of(1.5));
  });

  it('SDLM on tensors: w -= (eta / (mu + h)) g, the step size rounded once', () => {
    setBackend(backend);
    const weight = tensor([1, 1], undefined, { requiresGrad: true });
    weight.grad = tensor([2, -1]);
    const optimizer = new SDLM([weight], { learningRate: 0.001, mu: 0.02 });
    optimizer.setCurvature([Float32Array.of(0.08, 0.98)]);
    optimizer.step();
    const steps = [0.001 / 0.1, 0.001 / 1].map((step) => Math.fround(step));
    expect(weight.toArray()).toEqual([
      Math.fround(1 - Math.fround(Math.fround(steps[0]) * 2)),
      Math.fround(1 - Math.fround(Math.fround(steps[1]) * -1)),
    ]);
  });

  it.each([
    ['SGD', (p: Parameter[]) => new SGD(p, { learningRate: 0.05, weightDecay: 0.1 })],
    [
      'SGD with momentum',
      (p: Parameter[]) => new SGD(p, { learningRate: 0.05, momentum: 0.9, weightDecay: 0.1 }),
    ],
    [
      'SDLM',
      (p: Parameter[]) => {
        const optimizer = new SDLM(p, { learningRate: 0.1, weightDecay: 0.1 });
        optimizer.setCurvature([Float32Array.of(1, 2, 3), Float32Array.of(0.5)]);
        return optimizer;
      },
    ],
  ])('%s with weight decay on tensors (kernels) matches the plain-array loop', (_kind, make) => {
    setBackend(backend);
    const onTensors = problem();
    onTensors.run(make(onTensors.parameters), 5);
    // The same problem on { data, grad } pairs takes the JavaScript loop of the base class.
    const plain = problem();
    const pairs = plain.parameters.map((p) => ({
      data: Float32Array.from(p.toArray() as number[]),
      grad: null as { data: Float32Array } | null,
    }));
    const optimizer = make(pairs);
    for (let step = 0; step < 5; step++) {
      pairs.forEach((pair, p) => {
        const targets = p === 0 ? [0.5, 1, -1] : [2];
        pair.grad = { data: Float32Array.from(pair.data, (w, i) => 2 * (w - targets[i])) };
      });
      optimizer.step();
    }
    const expected = pairs.flatMap((pair) => Array.from(pair.data));
    const got = values(onTensors.parameters);
    got.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i], 5);
    });
  });

  it.each([
    ['sgd', (p: Tensor[]) => new SGD(p, { learningRate: 0.05, momentum: 0.9, nesterov: true })],
    [
      'sdlm',
      (p: Tensor[]) => {
        const optimizer = new SDLM(p, { learningRate: 0.1 });
        optimizer.setCurvature([Float32Array.of(1, 2, 3), Float32Array.of(0.5)]);
        return optimizer;
      },
    ],
  ])('%s: a restored optimizer continues bit-identically', (_kind, make) => {
    setBackend(backend);
    const reference = problem();
    const referenceOptimizer = make(reference.parameters);
    reference.run(referenceOptimizer, 4);
    const resumed = problem();
    const first = make(resumed.parameters);
    resumed.run(first, 4);
    const state = first.stateDict();
    const second = make(resumed.parameters);
    second.learningRate = 123;
    second.loadStateDict(state);
    reference.run(referenceOptimizer, 3);
    resumed.run(second, 3);
    expect(values(resumed.parameters)).toEqual(values(reference.parameters));
  });
});
