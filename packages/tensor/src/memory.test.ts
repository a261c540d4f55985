// A training loop must not grow the heap: users never dispose tensors, so everything an op
// allocates has to become garbage once the step is over. Runs bench/memory.ts in a child
// process (it needs --expose-gc for a precise heap figure, which vitest workers lack) and
// compares heap and array-buffer sizes after a full GC at step 100 and at step 500.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');

it('keeps memory flat over 500 forward+backward steps of a small conv net (reference backend)', () => {
  const output = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      '--conditions=@lenet/source',
      'bench/memory.ts',
      '500',
      '100',
    ],
    { cwd: packageDir, encoding: 'utf8', env: { ...process.env, LENET_BACKEND: 'reference' } },
  );
  const report = JSON.parse(output.trim().split('\n').at(-1) as string);
  expect(report.backend).toBe('reference');
  expect(Number.isFinite(report.lastLoss)).toBe(true);
  expect(report.heapRatio).toBeLessThan(1.1);
  expect(report.arrayBuffersRatio).toBeLessThan(1.1);
});
