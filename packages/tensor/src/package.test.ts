import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/tensor', import.meta.dirname);
  for (const name of [
    'Generator',
    'Tensor',
    'tensor',
    'zeros',
    'conv2d',
    'matmul',
    'noGrad',
    'registerBackend',
    'ShapeError',
  ]) {
    expect(names).toContain(name);
  }
  // test support stays out of the published entry point
  expect(names).not.toContain('runConformanceSuite');
  expect(names).not.toContain('compareGradients');
});
