// On-line training (batch size 1) step by step: forward + loss + backward + optimizer update,
// compiled (the BatchRunner `fit` uses) and on the eager tape, for the paper's LeNet-5 (RBF output, MAP loss, SDLM)
// and the benchmark's modern LeNet-5 (tanh, average pooling, cross-entropy, SGD momentum 0.9).
// Steps per CPU-second and per wall-second; never fails on time. A shared machine makes the
// wall figures noisy: compare rows of one run, and read the CPU column for the cost of a step.
// Run: npx tsx --conditions=@lenet/source bench/online-step.bench.ts [seconds per row]
import {
  computeLoss,
  type LossSpec,
  lenet5,
  lenet5Modern,
  type Sequential,
} from '@lenet/nn-layers';
import { Generator, getBackend, tensor } from '@lenet/tensor';
import { BatchRunner } from '../src/batch-runner.js';
import { resolveLoss } from '../src/loss.js';
import type { Optimizer } from '../src/optimizer.js';
import { SDLM } from '../src/sdlm.js';
import { SGD } from '../src/sgd.js';

const secondsPerRow = Number(process.argv[2] ?? 3);
const pool = 64;
const images = new Generator(1).fillUniform(new Float32Array(pool * 1024), -0.1, 1.175);
const labels = Int32Array.from({ length: pool }, (_, i) => i % 10);

function measure(step: (i: number) => void) {
  for (let i = 0; i < 200; i++) step(i);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let steps = 0;
  while (performance.now() - wallStart < secondsPerRow * 1000) step(steps++);
  const wall = (performance.now() - wallStart) / 1000;
  const used = process.cpuUsage(cpuStart);
  return { perCpuSecond: steps / ((used.user + used.system) / 1e6), perWallSecond: steps / wall };
}

interface Setting {
  name: string;
  build: () => Sequential;
  loss: LossSpec;
  optimizer: (model: Sequential) => Optimizer;
}

const settings: Setting[] = [
  {
    name: 'LeNet-5, rbf-map, SDLM',
    build: () => lenet5({ seed: 1 }),
    loss: 'rbf-map',
    optimizer: (model) => {
      const optimizer = new SDLM(model.parameters(), { learningRate: 1e-5 });
      optimizer.setCurvature(model.parameters().map((p) => new Float32Array(p.size).fill(0.01)));
      return optimizer;
    },
  },
  {
    name: 'LeNet-5 modern, cross-entropy, SGD momentum',
    build: () => lenet5Modern({ seed: 1, activation: 'tanh', pooling: 'avg' }),
    loss: 'cross-entropy',
    optimizer: (model) => new SGD(model.parameters(), { learningRate: 1e-3, momentum: 0.9 }),
  },
];

const rows: Record<string, string>[] = [];
for (const setting of settings) {
  const compiled = setting.build();
  const runner = new BatchRunner(compiled, resolveLoss(setting.loss).compute, [1, 32, 32], 10);
  const compiledOptimizer = setting.optimizer(compiled);
  const outputs = new Float32Array(pool * 10);
  const compiledResult = measure((i) => {
    const row = i % pool;
    runner.train(images, labels, row, row + 1, outputs);
    compiledOptimizer.step();
  });
  const taped = setting.build();
  const tapeOptimizer = setting.optimizer(taped);
  const inputs = Array.from({ length: pool }, (_, i) => ({
    input: tensor(images.subarray(i * 1024, (i + 1) * 1024), [1, 1, 32, 32]),
    label: tensor(labels.subarray(i, i + 1), [1]),
  }));
  const tapeResult = measure((i) => {
    const { input, label } = inputs[i % pool];
    tapeOptimizer.zeroGrad();
    computeLoss(setting.loss, taped.forward(input), label).backward();
    tapeOptimizer.step();
  });
  for (const [path, result] of [
    ['compiled', compiledResult],
    ['tape', tapeResult],
  ] as const) {
    rows.push({
      setting: setting.name,
      path,
      'steps/cpu-s': result.perCpuSecond.toFixed(0),
      'steps/wall-s': result.perWallSecond.toFixed(0),
      'us/step (cpu)': (1e6 / result.perCpuSecond).toFixed(0),
    });
  }
}
console.log(
  `batch 1, backend ${getBackend().name}${getBackend().variant ? ` (${getBackend().variant})` : ''}`,
);
console.table(rows);
