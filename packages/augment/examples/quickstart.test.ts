// The README's printed numbers come from this example; this test keeps them true.
import { expect, it } from 'vitest';
import { main } from './quickstart.js';

it('quickstart prints the README numbers', async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    'affine: shift (0.64, -1.49) px, scale 0.922, squeeze 0.063, shear -0.168',
    'ink kept: 0.846 (area scales by scale^2 = 0.851)',
    'batch [64,1,32,32]: corner -0.100, min -0.100, max 1.175',
    'distortDataset: 2000 distorted images, checksum 43315',
  ]);
});
