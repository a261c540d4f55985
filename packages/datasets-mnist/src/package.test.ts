import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name, main entry and ./node', () => {
  const main = builtExportNames('@lenet/datasets-mnist', import.meta.dirname);
  expect(main).toEqual(
    expect.arrayContaining(['readIdx', 'writeIdx', 'Dataset', 'loadMnist', 'batches']),
  );
  expect(main).not.toContain('download');
  const node = builtExportNames('@lenet/datasets-mnist', import.meta.dirname, '/node');
  expect(node).toEqual(expect.arrayContaining(['download', 'loadMnist', 'readIdxFile', 'batches']));
});

it('keeps the main entry free of Node modules (it must run in a browser)', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const sources = (await readdir(import.meta.dirname)).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'node.ts',
  );
  expect(sources).toContain('index.ts');
  for (const name of sources) {
    const text = await readFile(`${import.meta.dirname}/${name}`, 'utf8');
    expect(text, name).not.toMatch(/from '(node:|\.\/node\/)/);
  }
});
