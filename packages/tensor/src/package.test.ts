import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/tensor', import.meta.dirname);
  expect(names).toContain('Generator');
});
