import { expect, it } from 'vitest';
import { markdownTable } from './markdown-table.js';

it('pads columns and right-aligns numeric ones', () => {
  const table = markdownTable(
    ['model', 'paper', 'ours'],
    [
      ['LeNet-5', '0.95%', '1.02%'],
      ['28x28-300-10', '4.7%', '3.81%'],
    ],
  );
  expect(table).toBe(
    [
      '| model        | paper |  ours |',
      '|--------------|------:|------:|',
      '| LeNet-5      | 0.95% | 1.02% |',
      '| 28x28-300-10 |  4.7% | 3.81% |',
    ].join('\n'),
  );
});
