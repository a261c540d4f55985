// Load time of all 70,000 MNIST images (train + test) from the bundled files.
// Run: pnpm bench (or npx tsx --conditions=@lenet/source bench/load.bench.ts).
// Prints a table; never fails on time. The machine is shared, so expect noise.
import { readFile } from 'node:fs/promises';
import { bundledMnistFiles, loadMnist, sha256Hex, sha256Node } from '@lenet/datasets-mnist/node';

async function loadBoth(verify: boolean): Promise<number> {
  const start = performance.now();
  const [train, test] = await Promise.all([
    loadMnist({ split: 'train', verify }),
    loadMnist({ split: 'test', verify }),
  ]);
  if (train.length + test.length !== 70_000) throw new Error('wrong image count');
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: { case: string; 'ms (median)': string; runs: number }[] = [];
const record = (name: string, times: number[]) =>
  rows.push({ case: name, 'ms (median)': median(times).toFixed(1), runs: times.length });

// First call in this process hashes the files; later calls find them in the verified set.
record('train + test, verify, first call in process (hashes 55 MB)', [await loadBoth(true)]);
const cached: number[] = [];
for (let i = 0; i < 7; i++) cached.push(await loadBoth(true));
record('train + test, verify, later calls (verified once per process)', cached);
const unverified: number[] = [];
for (let i = 0; i < 7; i++) unverified.push(await loadBoth(false));
record('train + test, verify: false', unverified);

const files = [
  ...Object.values(bundledMnistFiles('train')),
  ...Object.values(bundledMnistFiles('test')),
];
const bytes = await Promise.all(files.map((file) => readFile(file)));
const hashNode: number[] = [];
const hashWeb: number[] = [];
for (let i = 0; i < 5; i++) {
  let start = performance.now();
  for (const file of bytes) sha256Node(file);
  hashNode.push(performance.now() - start);
  start = performance.now();
  for (const file of bytes) await sha256Hex(file);
  hashWeb.push(performance.now() - start);
}
record('SHA-256 of the 4 files, node:crypto', hashNode);
record('SHA-256 of the 4 files, Web Crypto (browser path)', hashWeb);

console.table(rows);
