// Node 20 has relaxed SIMD only behind a V8 flag, which cannot be turned on inside a running
// process: run the conformance suite of every variant in a child Vitest started with the flag
// (worker threads share the parent's V8 flags), so CI covers the relaxed-SIMD build too.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { detectWasmFeatures } from './feature-detect.js';

const packageDir = join(import.meta.dirname, '../../..');
const vitest = join(
  createRequire(join(packageDir, 'package.json')).resolve('vitest/package.json'),
  '../vitest.mjs',
);

it.skipIf(detectWasmFeatures().relaxedSimd)(
  'passes the conformance suite with relaxed SIMD (child process with the V8 flag)',
  () => {
    const child = spawnSync(
      process.execPath,
      [
        '--experimental-wasm-relaxed-simd',
        vitest,
        'run',
        'src/backend/wasm/wasm.conformance.test.ts',
        '--pool=threads',
        '--reporter=verbose',
      ],
      { cwd: packageDir, encoding: 'utf8', env: { ...process.env, CI: '1' } },
    );
    const output = `${child.stdout}\n${child.stderr}`;
    expect(output).toMatch(/conformance: wasm-relaxed-simd vs reference/);
    expect(output, output).not.toMatch(/\bfailed\b/);
    expect(child.status, output).toBe(0);
  },
);
