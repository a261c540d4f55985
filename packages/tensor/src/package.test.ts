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
    'getBackend',
    'ShapeError',
  ]) {
    expect(names).toContain(name);
  }
  // kernel registration and test support stay out of the main entry point
  expect(names).not.toContain('registerBackend');
  expect(names).not.toContain('runConformanceSuite');
  expect(names).not.toContain('compareGradients');
});

it('loads the ./backend and ./testing subpaths of the built package', () => {
  const backend = builtExportNames('@lenet/tensor', import.meta.dirname, '/backend');
  expect(backend).toEqual(
    expect.arrayContaining(['registerBackend', 'findBackend', 'getBackend', 'windowOutputSize']),
  );
  const testing = builtExportNames('@lenet/tensor', import.meta.dirname, '/testing');
  expect(testing).toEqual(
    expect.arrayContaining(['runConformanceSuite', 'checkConformance', 'conformanceCases']),
  );
});
