import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/augment', import.meta.dirname);
  for (const name of [
    'randomAffine',
    'elastic',
    'compose',
    'randomApply',
    'distortDataset',
    'previewGrid',
  ]) {
    expect(names).toContain(name);
  }
});
