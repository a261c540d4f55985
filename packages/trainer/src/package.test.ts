import { expect, it } from 'vitest';
import { builtExportNames } from '../../../test/import-built.js';

it('loads the built package by its name', () => {
  const names = builtExportNames('@lenet/trainer', import.meta.dirname);
  expect(names).toEqual(
    expect.arrayContaining(['fit', 'evaluate', 'SDLM', 'SGD', 'Adam', 'AdamW', 'paperSchedule']),
  );
  expect(names).not.toContain('fileCheckpointStore');
});

it('loads the Node-only entry by its subpath', () => {
  const names = builtExportNames('@lenet/trainer', import.meta.dirname, '/node');
  expect(names).toEqual(
    expect.arrayContaining(['fit', 'fileCheckpointStore', 'writeFileAtomic', 'SDLM']),
  );
});
