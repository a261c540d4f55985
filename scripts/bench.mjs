// `pnpm bench`: every package's benchmarks through turbo (arguments after `--` go to them).
// `pnpm bench -- --threads 1,2,4` (any list of 1 to 16 threads): the scaling table instead,
// ours against PyTorch per thread count (bench/src/scaling.ts), after a build.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2).filter((arg) => arg !== '--');

function run(command, commandArgs) {
  const child = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

if (args.includes('--threads')) {
  run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  run('pnpm', ['--filter', '@lenet/bench', 'exec', 'tsx', 'src/scaling.ts', ...args]);
} else {
  run('pnpm', [
    'exec',
    'turbo',
    'run',
    'bench',
    '--concurrency=1',
    ...(args.length > 0 ? ['--', ...args] : []),
  ]);
}
