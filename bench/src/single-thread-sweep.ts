// One thread, large batches: LeNet-5 (modern form) training images per CPU second at batch 1,
// 32, 128 and 512 and inference at batch 1 and 1000, ours (the wasm backend through the
// compiled plan, on this thread) against PyTorch with torch.set_num_threads(1), measured in
// the same run, with the ratio per cell. CPU time, not the wall clock: on a shared machine
// other jobs take wall time but not this process's CPU time.
//
//   npx tsx src/single-thread-sweep.ts [--best-of N] [--no-pytorch] [--json]
//
// Each round measures ours, then PyTorch (a child process); a cell's figure is its best over
// the N rounds (default 3), and within a round the best of 15 short timings (see
// bestImagesPerCpuSecond): the figures least disturbed by the machine's load.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lenet5Modern } from '@lenet/nn-layers';
import { compile, getBackend, noGrad, setBackend, type Tensor, tensor } from '@lenet/tensor';
import { DataParallel, SGD } from '@lenet/trainer';
import { syntheticBatch } from './timing.js';

const TRAIN_BATCHES = [1, 32, 128, 512];
const INFER_BATCHES = [1, 1000];

/** Images per CPU second by batch, for training and inference. */
interface SweepFigures {
  name: string;
  train: Record<string, number>;
  infer: Record<string, number>;
}

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Images per CPU second of `step`: the best of many short rounds (after a warm-up), the one
 * least disturbed by other jobs. On a loaded machine (or a virtual one whose stolen time is
 * charged to the process) long rounds average the disturbance in; short ones let some escape it.
 * bench/pytorch/lenet_common.py measures PyTorch the same way.
 */
async function bestImagesPerCpuSecond(
  step: () => unknown,
  images: number,
  rounds = 15,
  roundSeconds = 0.06,
): Promise<number> {
  const warmupEnd = cpuSeconds() + 0.1;
  do await step();
  while (cpuSeconds() < warmupEnd);
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const started = cpuSeconds();
    let steps = 0;
    let elapsed = 0;
    do {
      await step();
      steps++;
      elapsed = cpuSeconds() - started;
    } while (elapsed < roundSeconds);
    best = Math.max(best, (steps * images) / elapsed);
  }
  return best;
}

async function measureOurs(): Promise<SweepFigures> {
  setBackend('wasm');
  const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
  const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
  // One thread: the engine runs the compiled training program on this thread, as `fit` does.
  const engine = await DataParallel.open({
    model,
    loss: 'cross-entropy',
    threads: 1,
    sampleShape: [1, 32, 32],
    capacity: Math.max(...TRAIN_BATCHES),
  });
  const train: Record<string, number> = {};
  const infer: Record<string, number> = {};
  try {
    for (const batch of TRAIN_BATCHES) {
      const { images, labels } = syntheticBatch(batch);
      train[batch] = await bestImagesPerCpuSecond(async () => {
        await engine.trainBatch(images, labels, batch);
        optimizer.step();
      }, batch);
    }
  } finally {
    await engine.close();
  }
  const forward = compile((images: Tensor) => noGrad(() => model.forward(images)));
  model.eval();
  for (const batch of INFER_BATCHES) {
    const input = tensor(syntheticBatch(batch).images, [batch, 1, 32, 32]);
    infer[batch] = await bestImagesPerCpuSecond(() => forward(input), batch);
  }
  const variant = getBackend().variant;
  return { name: `lenet wasm${variant ? ` (${variant})` : ''}, 1 thread`, train, infer };
}

/** A Python that imports torch: $PYTHON, python3 on the PATH, or the system one. */
function pythonWithTorch(): string | null {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

function measurePytorch(python: string): SweepFigures | null {
  const script = join(benchDir, 'pytorch', 'single_thread_sweep.py');
  const child = spawnSync(python, [script, TRAIN_BATCHES.join(','), INFER_BATCHES.join(',')], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const line = child.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (child.status !== 0 || !line) {
    console.error(`single-thread-sweep: PyTorch failed (exit ${child.status}):\n${child.stderr}`);
    return null;
  }
  const result = JSON.parse(line.slice('RESULT '.length));
  return { name: result.name, train: result.trainCpu, infer: result.inferCpu };
}

/** Each cell's best over the rounds. */
function best(rounds: readonly SweepFigures[]): SweepFigures {
  const bestOf = (kind: 'train' | 'infer') => {
    const figures: Record<string, number> = {};
    for (const round of rounds) {
      for (const [batch, rate] of Object.entries(round[kind])) {
        figures[batch] = Math.max(figures[batch] ?? 0, rate);
      }
    }
    return figures;
  };
  return { name: rounds[0].name, train: bestOf('train'), infer: bestOf('infer') };
}

function table(ours: SweepFigures, pytorch: SweepFigures | null): string {
  const cells = [
    ...TRAIN_BATCHES.map((batch) => ['train', batch] as const),
    ...INFER_BATCHES.map((batch) => ['infer', batch] as const),
  ];
  const format = (rate: number | undefined) =>
    rate === undefined ? '-' : Math.round(rate).toLocaleString('en-US');
  const header = ['', ...cells.map(([kind, batch]) => `${kind} b=${batch}`)];
  const rows = [[ours.name, ...cells.map(([kind, batch]) => format(ours[kind][batch]))]];
  if (pytorch) {
    rows.push([pytorch.name, ...cells.map(([kind, batch]) => format(pytorch[kind][batch]))]);
    rows.push([
      'ours / PyTorch',
      ...cells.map(([kind, batch]) => {
        const ratio = ours[kind][batch] / pytorch[kind][batch];
        return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-';
      }),
    ]);
  }
  const lines = [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows];
  return `${lines.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`;
}

const { values } = parseArgs({
  options: {
    'best-of': { type: 'string', default: '3' },
    'no-pytorch': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const rounds = Number(values['best-of']);
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new RangeError(`single-thread-sweep: --best-of needs an integer >= 1, got ${rounds}`);
}
const python = values['no-pytorch'] ? null : pythonWithTorch();
if (!values['no-pytorch'] && !python) {
  process.stderr.write('single-thread-sweep: python3 with torch not found: PyTorch skipped\n');
}
const oursRounds: SweepFigures[] = [];
const pytorchRounds: SweepFigures[] = [];
for (let round = 1; round <= rounds; round++) {
  process.stderr.write(`single-thread-sweep: round ${round} of ${rounds}: ours ...\n`);
  oursRounds.push(await measureOurs());
  if (python) {
    process.stderr.write(`single-thread-sweep: round ${round} of ${rounds}: PyTorch ...\n`);
    const result = measurePytorch(python);
    if (result) pytorchRounds.push(result);
  }
}
const ours = best(oursRounds);
const pytorch = pytorchRounds.length > 0 ? best(pytorchRounds) : null;
if (values.json) process.stdout.write(`${JSON.stringify({ ours, pytorch })}\n`);
process.stdout.write(
  `Images per CPU second, best of ${rounds} round${rounds > 1 ? 's' : ''} (train: forward + backward + SGD momentum)\n\n`,
);
process.stdout.write(table(ours, pytorch));
