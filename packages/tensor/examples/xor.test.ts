import { expect, it } from 'vitest';
import { trainXor } from './xor.js';

it('learns XOR (the README example)', () => {
  const lines: string[] = [];
  const { loss, predictions } = trainXor(500, 0.5, (line) => lines.push(line));
  expect(loss).toBeLessThan(0.01);
  expect(predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
  // the numbers printed in README.md
  expect(lines.at(-2)).toBe('step 500: loss 0.0029');
  expect(lines.at(-1)).toBe('predictions: tensor([0.0369, 0.9471, 0.9423, 0.0649])');
});
