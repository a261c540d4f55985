// `pnpm bench -- --threads 1,2,4` (any list, 1 to 16 threads): the scaling table. Every cell
// (train at batch 32, 128, 512; inference at 1000) runs in a fresh process, ours then
// PyTorch's (when a python3 with torch is found) one after the other, so a change in the
// machine's load hits both alike; then `lenet train --recipe fast` on each thread count gives
// the time-to-accuracy rows (`--no-accuracy` skips them). Writes results/scaling.{json,md}.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AccuracyRow,
  type CellRate,
  cellKey,
  SCALING_CELLS,
  type ScalingReport,
  type ScalingRow,
  scalingMarkdown,
} from './scaling-report.js';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const rootDir = dirname(benchDir);
const args = process.argv.slice(2).filter((arg) => arg !== '--');

/** The thread counts of `--threads 1,2,4`: integers 1 to 16. */
export function parseThreadList(text: string | undefined): number[] {
  const values = (text ?? '').split(',').map((part) => Number(part.trim()));
  if (
    values.length === 0 ||
    values.some((value) => !Number.isInteger(value) || value < 1 || value > 16)
  ) {
    throw new RangeError(
      `bench: --threads expects thread counts from 1 to 16 separated by commas, such as 1,2,4; got '${text}'`,
    );
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

function parseRate(
  stdout: string,
  stderr: string,
  status: number | null,
  what: string,
): CellRate | null {
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (status !== 0 || !line) {
    console.error(
      `bench: ${what} failed (exit ${status}):\n${stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
    return null;
  }
  return JSON.parse(line.slice('RESULT '.length)) as CellRate;
}

function pythonWithTorch(): { python: string; version: string } | null {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    try {
      const version = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return { python, version: version.trim().split('+')[0] };
    } catch {
      // not this one
    }
  }
  return null;
}

function measureOurs(threads: number, kind: string, batch: number): CellRate | null {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      join(benchDir, 'src', 'scaling-cell.ts'),
      String(threads),
      kind,
      String(batch),
    ],
    { encoding: 'utf8' },
  );
  return parseRate(
    child.stdout,
    child.stderr,
    child.status,
    `ours ${threads} threads ${kind} ${batch}`,
  );
}

function measurePytorch(
  python: string,
  threads: number,
  kind: string,
  batch: number,
): CellRate | null {
  const child = spawnSync(
    python,
    [join(benchDir, 'pytorch', 'scaling_cell.py'), String(threads), kind, String(batch)],
    {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) },
    },
  );
  return parseRate(
    child.stdout,
    child.stderr,
    child.status,
    `PyTorch ${threads} threads ${kind} ${batch}`,
  );
}

/** `lenet train --recipe fast --threads N` on the full MNIST, read back from its result.json. */
function timeToAccuracy(threads: number): AccuracyRow {
  const command = `node apps/lenet/dist/cli.js train --recipe fast --threads ${threads}`;
  const out = mkdtempSync(join(tmpdir(), 'lenet-scaling-'));
  try {
    const child = spawnSync(
      process.execPath,
      [
        join(rootDir, 'apps', 'lenet', 'dist', 'cli.js'),
        'train',
        '--recipe',
        'fast',
        '--threads',
        String(threads),
        '--out',
        out,
      ],
      { encoding: 'utf8', cwd: rootDir },
    );
    if (child.status !== 0) {
      const reason = child.stderr.trim().split('\n').slice(-3).join(' ');
      return {
        threads,
        command,
        batchSize: null,
        passes: null,
        testError: null,
        trainSeconds: null,
        seconds: null,
        note: `failed: ${reason}`,
      };
    }
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const settings = JSON.parse(readFileSync(join(out, 'settings.json'), 'utf8'));
    return {
      threads,
      command,
      batchSize: settings.batchSize,
      passes: result.epochs,
      testError: result.testError,
      trainSeconds: result.trainSeconds,
      seconds: result.seconds,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function optionValue(name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

const threadCounts = parseThreadList(optionValue('--threads'));
const torch = pythonWithTorch();
if (!torch)
  process.stderr.write('bench: python3 with torch not found: PyTorch skipped (optional)\n');
const started = new Date();
const loadBefore = loadavg();
const rows: ScalingRow[] = [];
for (const threads of threadCounts) {
  const ours: Record<string, CellRate | null> = {};
  const pytorch: Record<string, CellRate | null> | null = torch ? {} : null;
  for (const cell of SCALING_CELLS) {
    process.stderr.write(`bench: ${threads} thread(s), ${cell.kind} batch ${cell.batch} ...\n`);
    ours[cellKey(cell)] = measureOurs(threads, cell.kind, cell.batch);
    if (torch && pytorch) {
      pytorch[cellKey(cell)] = measurePytorch(torch.python, threads, cell.kind, cell.batch);
    }
  }
  rows.push({ threads, ours, pytorch });
}
const accuracy: AccuracyRow[] = [];
if (!args.includes('--no-accuracy')) {
  for (const threads of threadCounts) {
    process.stderr.write(`bench: time to accuracy on ${threads} thread(s) ...\n`);
    accuracy.push(timeToAccuracy(threads));
  }
}
const report: ScalingReport = {
  date: started.toISOString(),
  node: process.version,
  pytorch: torch?.version ?? null,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
  loadAverageAfter: loadavg().map((value) => Number(value.toFixed(2))),
  unit: 'images/s by the wall clock, median of 3 rounds, each cell a fresh process; train = forward + backward + SGD-momentum step; ratio = ours / PyTorch',
  rows,
  accuracy,
};
const markdown = scalingMarkdown(report);
const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
for (const [name, text] of [
  ['scaling.json', `${JSON.stringify(report, null, 2)}\n`],
  ['scaling.md', markdown],
] as const) {
  const path = join(resultsDir, name);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
process.stdout.write(markdown);
