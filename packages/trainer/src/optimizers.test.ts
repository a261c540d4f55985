import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import type { Optimizer, Parameter } from './optimizer.js';
import { SDLM } from './sdlm.js';
import { SGD } from './sgd.js';

/** An ill-conditioned quadratic E = 1/2 sum a_i (w_i - c_i)^2 split over two parameters. */
function quadratic() {
  const curvature = [new Float32Array([1, 10]), new Float32Array([100, 0.5, 3])];
  const target = [new Float32Array([1, -2]), new Float32Array([0.5, 3, -1])];
  const parameters = curvature.map((values) => ({
    data: new Float32Array(values.length),
    grad: { data: new Float32Array(values.length) },
  }));
  function lossAndGradient(): number {
    let loss = 0;
    parameters.forEach((parameter, p) => {
      for (let i = 0; i < parameter.data.length; i++) {
        const difference = parameter.data[i] - target[p][i];
        loss += 0.5 * curvature[p][i] * difference * difference;
        parameter.grad.data[i] += curvature[p][i] * difference;
      }
    });
    return loss;
  }
  function run(optimizer: Optimizer, steps: number): number {
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      lossAndGradient();
      optimizer.step();
    }
    optimizer.zeroGrad();
    return lossAndGradient();
  }
  return { parameters, curvature, run, initialLoss: lossAndGradient() };
}

describe('optimizers on an ill-conditioned quadratic (initial loss 36.75)', () => {
  it('starts from the stated loss', () => {
    expect(quadratic().initialLoss).toBeCloseTo(36.75, 6);
  });

  it('SGD (lr 0.019, below 2 / max curvature) reaches loss < 0.05 in 300 steps', () => {
    const { parameters, run } = quadratic();
    expect(run(new SGD(parameters, { learningRate: 0.019 }), 300)).toBeLessThan(0.05);
  });

  it('SGD with momentum 0.9 reaches loss < 1e-6 in 300 steps', () => {
    const { parameters, run } = quadratic();
    expect(run(new SGD(parameters, { learningRate: 0.01, momentum: 0.9 }), 300)).toBeLessThan(1e-6);
  });

  it('SGD with Nesterov momentum reaches loss < 1e-6 in 300 steps', () => {
    const { parameters, run } = quadratic();
    const optimizer = new SGD(parameters, { learningRate: 0.01, momentum: 0.9, nesterov: true });
    expect(run(optimizer, 300)).toBeLessThan(1e-6);
  });

  it('Adam reaches loss < 1e-4 in 500 steps', () => {
    const { parameters, run } = quadratic();
    expect(run(new Adam(parameters, { learningRate: 0.1 }), 500)).toBeLessThan(1e-4);
  });

  it('AdamW without decay matches Adam bit for bit', () => {
    const first = quadratic();
    const second = quadratic();
    first.run(new Adam(first.parameters, { learningRate: 0.05 }), 50);
    second.run(new AdamW(second.parameters, { learningRate: 0.05, weightDecay: 0 }), 50);
    expect(second.parameters[1].data).toEqual(first.parameters[1].data);
  });

  it('SDLM with the exact curvature takes near-Newton steps: loss < 1e-6 in 10 steps', () => {
    const { parameters, curvature, run } = quadratic();
    const optimizer = new SDLM(parameters, { learningRate: 1, mu: 0.02 });
    optimizer.setCurvature(curvature);
    expect(run(optimizer, 10)).toBeLessThan(1e-6);
    // SGD at its largest stable rate is still far from it after 10 steps.
    const sgd = quadratic();
    expect(sgd.run(new SGD(sgd.parameters, { learningRate: 0.019 }), 10)).toBeGreaterThan(1);
  });
});

describe('update rules, step by step', () => {
  const single = (
    value: number,
    gradient: number,
  ): Parameter & { grad: { data: Float32Array } } => ({
    data: new Float32Array([value]),
    grad: { data: new Float32Array([gradient]) },
  });

  it('SGD: w -= lr (g + beta w)', () => {
    const parameter = single(2, 0.5);
    new SGD([parameter], { learningRate: 0.1, weightDecay: 0.01 }).step();
    expect(parameter.data[0]).toBeAllclose(2 - 0.1 * (0.5 + 0.01 * 2));
  });

  it('SGD momentum and Nesterov follow v = m v + g over two steps', () => {
    const heavy = single(1, 1);
    const nesterov = single(1, 1);
    const heavyBall = new SGD([heavy], { learningRate: 0.1, momentum: 0.5 });
    const look = new SGD([nesterov], { learningRate: 0.1, momentum: 0.5, nesterov: true });
    heavyBall.step();
    heavyBall.step(); // gradient stays 1: v = 1, then 1.5
    look.step();
    look.step(); // steps g + m v = 1.5, then 1 + 0.75 = 1.75
    expect(heavy.data[0]).toBeAllclose(1 - 0.1 - 0.15);
    expect(nesterov.data[0]).toBeAllclose(1 - 0.15 - 0.175);
  });

  it('Adam: the first step moves every weight by lr, whatever the gradient scale', () => {
    const small = single(0, 1e-3);
    const large = single(0, 1e3);
    new Adam([small, large], { learningRate: 0.01 }).step();
    expect(small.data[0]).toBeAllclose(-0.01, { rtol: 1e-4 });
    expect(large.data[0]).toBeAllclose(-0.01, { rtol: 1e-4 });
  });

  it('AdamW decays the weight directly: w (1 - lr beta) - lr', () => {
    const parameter = single(2, 1);
    new AdamW([parameter], { learningRate: 0.1, weightDecay: 0.5 }).step();
    expect(parameter.data[0]).toBeAllclose(2 * (1 - 0.05) - 0.1, { rtol: 1e-5 });
  });

  it('SDLM: w -= eta / (mu + h) g', () => {
    const parameter = single(1, 2);
    const optimizer = new SDLM([parameter], { learningRate: 0.001, mu: 0.02 });
    optimizer.setCurvature([new Float32Array([0.08])]);
    optimizer.step();
    expect(parameter.data[0]).toBeAllclose(1 - (0.001 / 0.1) * 2, { rtol: 1e-6 });
    expect(optimizer.effectiveLearningRates().max).toBeAllclose(0.01, { rtol: 1e-6 });
  });

  it('SDLM.shareBelowMu counts the parameters whose h is under mu (all of them before an estimate)', () => {
    const first = { data: new Float32Array(3), grad: null };
    const second = { data: new Float32Array(1), grad: null };
    const optimizer = new SDLM([first, second], { mu: 0.02 });
    expect(optimizer.shareBelowMu()).toBe(1);
    optimizer.setCurvature([new Float32Array([0, 0.019, 0.021]), new Float32Array([5])]);
    expect(optimizer.shareBelowMu()).toBe(0.5);
  });

  it("SDLM's 'running' curvature average keeps the mean of every estimate; 'pass' keeps the last", () => {
    const estimates = [0.2, 0.4, 0.9];
    const run = (curvatureAverage: 'pass' | 'running') => {
      const optimizer = new SDLM([single(0, 1)], {
        learningRate: 0.001,
        mu: 0.02,
        curvatureAverage,
      });
      return estimates.map((h, epoch) => {
        optimizer.beforeEpoch({ epoch, estimateCurvature: () => [new Float32Array([h])] });
        return 0.001 / optimizer.effectiveLearningRates().max - 0.02; // the h_kk in use
      });
    };
    const running = run('running');
    for (const [i, h] of [0.2, 0.3, 0.5].entries()) {
      expect(running[i]).toBeAllclose(h, { rtol: 1e-5 });
    }
    const pass = run('pass');
    for (const [i, h] of estimates.entries()) expect(pass[i]).toBeAllclose(h, { rtol: 1e-5 });
    expect(() => new SDLM([single(0, 1)], { curvatureAverage: 'ema' as 'pass' })).toThrow(
      /curvatureAverage must be 'pass' or 'running', got "ema"/,
    );
  });

  it("SDLM's running average survives a checkpoint: the estimate count is saved", () => {
    const make = () => new SDLM([single(0, 1)], { curvatureAverage: 'running' });
    const first = make();
    first.beforeEpoch({ epoch: 0, estimateCurvature: () => [new Float32Array([0.2])] });
    first.beforeEpoch({ epoch: 1, estimateCurvature: () => [new Float32Array([0.4])] });
    const second = make();
    second.loadStateDict(first.stateDict());
    second.beforeEpoch({ epoch: 2, estimateCurvature: () => [new Float32Array([0.9])] });
    expect(0.0005 / second.effectiveLearningRates().max - 0.02).toBeAllclose(0.5, { rtol: 1e-5 });
  });

  it('SDLM refuses to step before a curvature estimate', () => {
    expect(() => new SDLM([single(0, 1)]).step()).toThrow(/no curvature estimate/);
  });

  it('parameters without a gradient are left alone; zeroGrad clears gradients in place', () => {
    const frozen = { data: new Float32Array([3]), grad: null };
    const live = single(1, 1);
    const gradient = live.grad.data;
    const optimizer = new SGD([frozen, live], { learningRate: 1 });
    optimizer.step();
    expect(frozen.data[0]).toBe(3);
    expect(live.data[0]).toBe(0);
    optimizer.zeroGrad();
    expect(live.grad.data).toBe(gradient);
    expect(gradient[0]).toBe(0);
  });
});

describe('bad options', () => {
  const parameter = { data: new Float32Array(1), grad: null };
  it.each([
    [() => new SGD([parameter], { learningRate: -1 }), /learningRate must be a finite number >= 0/],
    [
      () => new SGD([parameter], { learningRate: 0.1, momentum: 1 }),
      /momentum must be in \[0, 1\)/,
    ],
    [() => new SGD([parameter], { learningRate: 0.1, nesterov: true }), /nesterov needs momentum/],
    [() => new Adam([parameter], { betas: [0.9, 1.5] }), /betas\[1\] must be in/],
    [() => new SDLM([parameter], { mu: 0 }), /mu must be a finite number > 0/],
    [() => new SDLM([parameter], { samples: 2.5 }), /samples must be an integer/],
    [() => new SGD([], { learningRate: 0.1 }), /no parameters/],
    [() => new SGD([{ data: [1] } as never], { learningRate: 0.1 }), /no Float32Array data/],
  ])('%#: clear error', (create, message) => {
    expect(create).toThrow(message);
  });
});

describe('state round trip', () => {
  function trainedCopy(make: (parameters: Parameter[]) => Optimizer) {
    const problem = quadratic();
    const optimizer = make(problem.parameters);
    problem.run(optimizer, 7);
    return { problem, optimizer };
  }

  it.each([
    ['sgd', (p: Parameter[]) => new SGD(p, { learningRate: 0.01, momentum: 0.9, nesterov: true })],
    ['adam', (p: Parameter[]) => new Adam(p, { learningRate: 0.05 })],
    ['adamw', (p: Parameter[]) => new AdamW(p, { learningRate: 0.05 })],
    [
      'sdlm',
      (p: Parameter[]) => {
        const optimizer = new SDLM(p, { learningRate: 0.3 });
        optimizer.setCurvature(quadratic().curvature);
        return optimizer;
      },
    ],
  ])('%s: a restored optimizer continues bit-identically', (_kind, make) => {
    const reference = trainedCopy(make);
    const interrupted = trainedCopy(make);
    const state = interrupted.optimizer.stateDict();
    const weights = interrupted.problem.parameters.map((p) => p.data.slice());
    // A fresh optimizer of the same kind with different settings, on the same weights.
    const resumedProblem = quadratic();
    resumedProblem.parameters.forEach((p, i) => {
      p.data.set(weights[i]);
    });
    const resumed = make(resumedProblem.parameters);
    resumed.learningRate = 123;
    resumed.loadStateDict(state);
    reference.problem.run(reference.optimizer, 5);
    resumedProblem.run(resumed, 5);
    resumedProblem.parameters.forEach((p, i) => {
      expect(p.data).toEqual(reference.problem.parameters[i].data);
    });
  });

  it('rejects a state of another optimizer or other shapes', () => {
    const problem = quadratic();
    const sgd = new SGD(problem.parameters, { learningRate: 0.1, momentum: 0.9 });
    const adam = new Adam(problem.parameters);
    expect(() => sgd.loadStateDict(adam.stateDict())).toThrow(
      /written by optimizer 'adam', expected 'sgd'/,
    );
    const other = new SGD([{ data: new Float32Array(4), grad: null }], {
      learningRate: 0.1,
      momentum: 0.9,
    });
    expect(() => sgd.loadStateDict(other.stateDict())).toThrow(/one per parameter \(2\)/);
  });
});
