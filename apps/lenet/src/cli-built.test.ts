// The built command as a user runs it: `node dist/cli.js`, a separate process, real exit codes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

function lenet(...argv: string[]) {
  return spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
}

it('runs from dist/cli.js: help, version, exit codes', () => {
  const help = lenet('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: lenet [options] [command]');
  expect(lenet('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const bad = lenet('train', '--model', 'nope');
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain("argument 'nope' is invalid. Allowed choices are lenet5,");
});

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/app-lenet', import.meta.dirname);
  expect(names).toEqual(
    expect.arrayContaining(['main', 'toMnistDigit', 'decodePngToGray', 'fitLearningCurve']),
  );
});
