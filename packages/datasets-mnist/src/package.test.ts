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
