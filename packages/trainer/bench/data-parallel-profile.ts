// Where the data-parallel engine's time goes: LeNet-5 (modern form, tanh, average pooling),
// cross-entropy, SGD momentum, random 32x32 inputs; for each thread count and batch size,
// images/s and each replica's share of the wall time by phase (`DataParallel.phaseTimes()`).
// Prints a table; never fails on time.
// `--sum both` measures every thread count over 1 with the gradient sum split over the replicas
// and on the calling thread alone (default: the engine's choice, split from 4 replicas on).
//   tsx --conditions=@lenet/source bench/data-parallel-profile.ts [--threads 1,2] [--batches 32,128,512] [--seconds 2] [--sum split|calling|both]
import { lenet5Modern } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { DataParallel, SPLIT_SUM_FROM_PARTS } from '../src/parallel/data-parallel.js';
import { PHASE_NAMES } from '../src/parallel/phase-times.js';
import { SGD } from '../src/sgd.js';

function listArgument(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const values = process.argv[index + 1].split(',').map(Number);
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new RangeError(`${name}: expected positive integers separated by commas`);
  }
  return values;
}

const threadCounts = listArgument('--threads', [1, 2]);
const batchSizes = listArgument('--batches', [32, 128, 512]);
const seconds = listArgument('--seconds', [2])[0];
const sumIndex = process.argv.indexOf('--sum');
const sumChoice = sumIndex < 0 ? 'default' : process.argv[sumIndex + 1];
const sumSettings: Record<string, (boolean | undefined)[]> = {
  default: [undefined],
  split: [true],
  calling: [false],
  both: [true, false],
};
const sums = sumSettings[sumChoice];
if (!sums) throw new RangeError(`--sum: expected split, calling or both, got ${sumChoice}`);
const capacity = Math.max(...batchSizes);
const generator = new Generator(1);
const images = generator.fillUniform(new Float32Array(capacity * 1024), -0.1, 1.175);
const labels = Int32Array.from({ length: capacity }, () => generator.int(10));

const header = [
  'threads',
  'batch',
  'images/s',
  'replica',
  ...PHASE_NAMES.map((name) => `${name} %`),
];
const rows: string[][] = [];
const settings = threadCounts.flatMap((threads) =>
  (threads === 1 ? [undefined] : sums).map((split) => ({ threads, split })),
);
for (const { threads, split } of settings) {
  const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
  const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
  const engine = await DataParallel.open({
    model,
    loss: 'cross-entropy',
    threads,
    sampleShape: [1, 32, 32],
    capacity,
    splitGradientSum: split,
  });
  try {
    for (const batch of batchSizes) {
      const step = async () => {
        await engine.trainBatch(images, labels, batch);
        optimizer.step();
      };
      const warmup = performance.now();
      while (performance.now() - warmup < 300) await step();
      engine.resetPhaseTimes();
      const started = performance.now();
      let steps = 0;
      while (performance.now() - started < seconds * 1000) {
        await step();
        steps++;
      }
      const wall = performance.now() - started;
      const times = engine.phaseTimes();
      times.replicas.forEach((replica, index) => {
        rows.push([
          index === 0 ? String(threads) : '',
          index === 0 && threads > 1
            ? (split ?? threads >= SPLIT_SUM_FROM_PARTS)
              ? 'split'
              : 'calling'
            : '',
          index === 0 ? String(batch) : '',
          index === 0 ? ((steps * batch) / (wall / 1000)).toFixed(0) : '',
          String(index),
          ...PHASE_NAMES.map((name) => ((100 * replica[name]) / wall).toFixed(1)),
        ]);
      });
    }
  } finally {
    await engine.close();
  }
}
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column].length)),
);
const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
