import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/autograd-scalar', import.meta.dirname);
  for (const name of ['Value', 'MLP', 'toDot', 'toGraph', 'Random', 'runAdderDemo', 'trainMoons']) {
    expect(names).toContain(name);
  }
});
