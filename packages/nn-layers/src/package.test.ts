import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package and its Node entry by name', () => {
  const names = builtExportNames('@lenet/nn-layers', import.meta.dirname);
  for (const name of [
    'Module',
    'Conv2d',
    'Subsampling',
    'lenet5',
    'estimateDiagHessian',
    'rbfMapLoss',
    'encodeSafetensors',
  ]) {
    expect(names).toContain(name);
  }
  expect(names).not.toContain('saveModel');
  expect(builtExportNames('@lenet/nn-layers', import.meta.dirname, '/node')).toEqual(
    expect.arrayContaining(['loadModel', 'saveModel']),
  );
});
