// `pnpm bench` at the root: measures every contender in its own process, one after the
// other, then writes results/latest.json and results/latest.md (the README table) and prints
// the table. PyTorch runs only where `python3 -c "import torch"` works (optional comparison).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownReport, medianResult } from './report.js';
import type { ContenderResult } from './timing.js';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const only = process.argv.slice(2);
const ours = ['lenet-reference-1', 'lenet-reference-2', 'lenet-wasm-1', 'lenet-wasm-2'];
const peers = ['tfjs-cpu', 'tfjs-wasm', 'convnetjs'];

function runNode(id: string): ContenderResult | null {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, join(benchDir, 'src', 'contender.ts'), id],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  return parseResult(id, child.stdout, child.stderr, child.status);
}

/** A Python that imports torch: $PYTHON, python3 on the PATH, or the system one (Debian's python3-torch). */
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

function runPytorch(python: string, threads: number): ContenderResult | null {
  const child = spawnSync(python, [join(benchDir, 'pytorch', 'lenet_bench.py'), String(threads)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) },
  });
  return parseResult(`pytorch-${threads}`, child.stdout, child.stderr, child.status);
}

function parseResult(
  id: string,
  stdout: string,
  stderr: string,
  status: number | null,
): ContenderResult | null {
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (status !== 0 || !line) {
    console.error(
      `bench: ${id} failed (exit ${status}):\n${stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
    return null;
  }
  return JSON.parse(line.slice('RESULT '.length)) as ContenderResult;
}

// `--repeat N` (default 1) measures every contender N times, round-robin (so a change in the
// machine's load hits every contender alike), and reports each figure's median.
const repeatIndex = only.indexOf('--repeat');
const repeats = repeatIndex >= 0 ? Number(only.splice(repeatIndex, 2)[1]) : 1;
if (!Number.isInteger(repeats) || repeats < 1) {
  throw new RangeError(`bench: --repeat needs an integer >= 1, got ${repeats}`);
}

const started = new Date();
const loadBefore = loadavg();
const python =
  only.length === 0 || only.some((id) => id.startsWith('pytorch')) ? pythonWithTorch() : null;
if (!python)
  process.stderr.write(
    'bench: python3 with torch not found or not asked for: PyTorch skipped (optional)\n',
  );
const ids = [...ours, ...peers].filter((id) => only.length === 0 || only.includes(id));
if (python) ids.push('pytorch-1', 'pytorch-2');
const measured = new Map<string, ContenderResult[]>();
for (let round = 1; round <= repeats; round++) {
  for (const id of ids) {
    process.stderr.write(`bench: measuring ${id} (round ${round} of ${repeats}) ...\n`);
    const result = id.startsWith('pytorch-')
      ? runPytorch(python as string, Number(id.slice('pytorch-'.length)))
      : runNode(id);
    if (result) measured.set(id, [...(measured.get(id) ?? []), result]);
  }
}
const results = [...measured.values()].map(medianResult);
const report = {
  date: started.toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
  loadAverageAfter: loadavg().map((value) => Number(value.toFixed(2))),
  unit: 'images per second (median of 3 rounds, then the median over repeats); train = forward + backward + SGD-momentum update',
  repeats,
  results,
};
const markdown = markdownReport(report);
const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
for (const [name, text] of [
  ['latest.json', `${JSON.stringify(report, null, 2)}\n`],
  ['latest.md', markdown],
] as const) {
  const path = join(resultsDir, name);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
process.stdout.write(markdown);
