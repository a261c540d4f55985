import { expect, it } from 'vitest';
import { trainXor, xorCases } from './xor.js';

it('a 2-2-1 tanh MLP gets all four XOR cases right', () => {
  const { outputs, model } = trainXor();
  expect(model.parameters()).toHaveLength(9);
  outputs.forEach((output, i) => {
    expect(output > 0.5).toBe(xorCases[i].target === 1);
  });
  expect(outputs).toBeAllclose([0, 1, 1, 0], { atol: 0.1 });
});
