import { expect, it } from 'vitest';
import { importCycles } from '../../../test/import-cycles.js';

// Tensor's methods call the ops and the ops build tensors (as in micrograd and PyTorch), so
// tensor.ts, autograd and the ops form one group on purpose; the kernel layer stays out of it.
it('the kernel layer (src/backend) is on no import cycle', () => {
  const throughBackend = importCycles(import.meta.dirname).filter((cycle) =>
    cycle.some((path) => path.startsWith('backend/')),
  );
  expect(throughBackend).toEqual([]);
});
