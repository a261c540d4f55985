// The package benchmark: every registered backend side by side (reference, wasm, and any
// other registered before this runs), one thread, timed in CPU time. Prints a table; never
// fails on time.
//   pnpm --filter @lenet/tensor bench
// Timings are medians of repeated runs after warm-up; a loaded machine still slows them
// (shared caches), so compare columns of one run rather than runs.
import {
  add,
  backendNames,
  conv2d,
  Generator,
  getBackend,
  matmul,
  noGrad,
  randn,
  scaledTanh,
  setBackend,
  type Tensor,
} from '../src/index.js';
import { lenet5C3Table } from '../src/testing/lenet5-c3.js';

/**
 * CPU milliseconds of this process (user + system). The machine may be shared: wall-clock
 * time would then measure the other jobs too, CPU time measures what this thread did.
 */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Median CPU milliseconds per call of `run`, after warm-up. Each sample repeats `run` for at
 * least 5 ms (the CPU clock is coarse); samples are taken for about `budget` ms.
 */
function medianMs(run: () => void, budget = 600): number {
  for (let i = 0; i < 2; i++) run();
  const samples: number[] = [];
  const end = cpuMs() + budget;
  while (samples.length < 3 || (cpuMs() < end && samples.length < 200)) {
    const start = cpuMs();
    let calls = 0;
    let elapsed = 0;
    do {
      run();
      calls++;
      elapsed = cpuMs() - start;
    } while (elapsed < 5);
    samples.push(elapsed / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const C3_TABLE = lenet5C3Table();

interface Row {
  name: string;
  unit: string;
  measure: () => number;
}

function gemmRow(size: number): Row {
  return {
    name: `GEMM ${size}x${size}x${size}`,
    unit: 'GFLOP/s',
    measure: () => {
      const generator = new Generator(1);
      const a = randn([size, size], generator);
      const b = randn([size, size], generator);
      const ms = medianMs(() => noGrad(() => matmul(a, b)), size >= 512 ? 1500 : 500);
      return (2 * size ** 3) / (ms * 1e6);
    },
  };
}

function convRow(layer: 'C1' | 'C3', batch: number): Row {
  const c1 = layer === 'C1';
  return {
    name: `conv2d ${layer} ${c1 ? '1->6 32x32' : '6->16 14x14 table'} 5x5, batch ${batch}, fwd+bwd`,
    unit: 'ms',
    measure: () => {
      const generator = new Generator(2);
      const input = randn([batch, c1 ? 1 : 6, c1 ? 32 : 14, c1 ? 32 : 14], generator);
      input.requiresGrad = !c1; // C1's input is the image: no gradient needed
      const weight = randn([c1 ? 6 : 16, c1 ? 1 : 6, 5, 5], generator, { requiresGrad: true });
      const bias = randn([c1 ? 6 : 16], generator, { requiresGrad: true });
      let gradOutput: Tensor | null = null;
      return medianMs(() => {
        const out = conv2d(input, weight, bias, { connection: c1 ? null : C3_TABLE });
        gradOutput ??= randn(out.shape, generator);
        out.backward(gradOutput);
        weight.grad = null;
        bias.grad = null;
        input.grad = null;
      });
    },
  };
}

function elementwiseRow(
  name: string,
  run: (a: Tensor, b: Tensor) => Tensor,
  shapeB: number[],
): Row {
  const size = 1 << 20;
  return {
    name,
    unit: 'Melem/s',
    measure: () => {
      const generator = new Generator(3);
      const a = randn([1024, 1024], generator);
      const b = randn(shapeB, generator);
      const ms = medianMs(() => noGrad(() => run(a, b)));
      return size / (ms * 1e3);
    },
  };
}

const rows: Row[] = [
  ...[64, 256, 512, 1024].map(gemmRow),
  convRow('C1', 1),
  convRow('C1', 64),
  convRow('C3', 1),
  convRow('C3', 64),
  elementwiseRow('add 1M + 1M', add, [1024, 1024]),
  elementwiseRow('add 1M + row [1024] (broadcast)', add, [1024]),
  elementwiseRow('scaledTanh 1M', (a) => scaledTanh(a), [1]),
];

getBackend(); // registers the default backend (wasm where available)
const backends = backendNames();
const results = new Map<string, string[]>();
for (const backendName of backends) {
  const backend = setBackend(backendName);
  const label = backend.variant ? `${backendName} (${backend.variant})` : backendName;
  results.set(
    label,
    rows.map((row) => {
      const value = row.measure();
      return value >= 100 ? value.toFixed(0) : value.toFixed(2);
    }),
  );
}

const labels = [...results.keys()];
const nameWidth = Math.max(...rows.map((row) => `${row.name} [${row.unit}]`.length));
const widths = labels.map((label) => Math.max(label.length, 8));
const line = (cells: string[]) =>
  `| ${cells[0].padEnd(nameWidth)} | ${cells
    .slice(1)
    .map((cell, i) => cell.padStart(widths[i]))
    .join(' | ')} |`;
console.log(`@lenet/tensor benchmark, node ${process.version}, one thread, CPU time (medians)`);
console.log(line(['', ...labels]));
console.log(`|${'-'.repeat(nameWidth + 2)}|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
rows.forEach((row, r) => {
  console.log(
    line([`${row.name} [${row.unit}]`, ...labels.map((label) => results.get(label)![r])]),
  );
});
