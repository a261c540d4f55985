// Optimizer step cost on LeNet-5's parameter sizes (60,000 weights in 10 tensors): the update
// runs 1.2 million times in the paper's 20 on-line passes, so it must stay a small fraction of
// a forward + backward. Parameters are tensors of the default backend, as in `fit`. Prints a
// table; never fails on time.
import { full, getBackend } from '@lenet/tensor';
import { Adam, AdamW } from '../src/adam.js';
import type { Optimizer, Parameter } from '../src/optimizer.js';
import { SDLM } from '../src/sdlm.js';
import { SGD } from '../src/sgd.js';

const LENET5_PARAMETER_SIZES = [150, 6, 12, 2400, 16, 32, 48000, 120, 10080, 84];

function parameters(): Parameter[] {
  return LENET5_PARAMETER_SIZES.map((size) => {
    const parameter = full([size], 0.01, { requiresGrad: true });
    parameter.grad = full([size], 0.001);
    return parameter;
  });
}

const optimizers: [string, () => Optimizer][] = [
  ['SGD', () => new SGD(parameters(), { learningRate: 0.01 })],
  ['SGD momentum', () => new SGD(parameters(), { learningRate: 0.01, momentum: 0.9 })],
  [
    'SGD Nesterov + L2',
    () =>
      new SGD(parameters(), {
        learningRate: 0.01,
        momentum: 0.9,
        nesterov: true,
        weightDecay: 1e-4,
      }),
  ],
  ['Adam', () => new Adam(parameters())],
  ['AdamW', () => new AdamW(parameters())],
  [
    'SDLM',
    () => {
      const optimizer = new SDLM(parameters());
      optimizer.setCurvature(
        LENET5_PARAMETER_SIZES.map((size) => new Float32Array(size).fill(0.5)),
      );
      return optimizer;
    },
  ],
];

const rows: string[][] = [];
for (const [name, create] of optimizers) {
  const optimizer = create();
  for (let i = 0; i < 200; i++) optimizer.step(); // warm up the JIT
  const steps = 2000;
  const started = performance.now();
  for (let i = 0; i < steps; i++) optimizer.step();
  const microseconds = ((performance.now() - started) * 1000) / steps;
  const weightsPerSecond = (60_000 / microseconds) * 1e6;
  rows.push([name, microseconds.toFixed(1), (weightsPerSecond / 1e6).toFixed(0)]);
}

console.log(`backend ${getBackend().name}`);
const header = ['optimizer (60,000 weights)', 'us / step', 'M weights/s'];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column].length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
