import { expect, it } from 'vitest';
import { importCycles } from '../../../test/import-cycles.js';

it('no module of the trainer imports, directly or not, a module that imports it back', () => {
  expect(importCycles(import.meta.dirname)).toEqual([]);
});
