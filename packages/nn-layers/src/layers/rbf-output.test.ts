import { getBackend, noGrad, setBackend, tensor } from '@lenet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { rbf64 } from '../testing/float64-reference.js';
import { checkLayer, randomInput } from '../testing/helpers.js';
import { RBFOutput } from './rbf-output.js';

const initialBackend = getBackend().name;
afterEach(() => setBackend(initialBackend));

describe('RBFOutput near a class code (no cancellation)', () => {
  // F6 outputs a hair away from the code of 3: |x|^2 + |w|^2 - 2 x.w cancels 84 + 84 - 168 in
  // float32 (an ulp of 84 is 7.6e-6), where the squared distance itself is 4.2e-7.
  it.each(['reference', 'wasm'])('has the squared distance to relative 1e-4 on %s', (backend) => {
    setBackend(backend);
    const layer = new RBFOutput();
    const x = layer.centers.data.slice(3 * 84, 4 * 84);
    for (let j = 0; j < 84; j += 2) x[j] += j % 4 === 0 ? 1e-4 : -1e-4;
    const expected = rbf64(Float64Array.from(x), 1, Float64Array.from(layer.centers.data), 10);
    const penalties = noGrad(() => layer.forward(tensor(x, [1, 84]))).data;
    expect(penalties[3]).toBeAllclose(expected[3], { rtol: 1e-4, atol: 0 });
    expect(penalties).toBeAllclose(expected, { rtol: 1e-6, atol: 0 });
  });

  it('gradients and curvature match the float64 oracle near the code too', () => {
    const layer = new RBFOutput({ trainable: true });
    const x = randomInput([2, 84], 4, -1e-3, 1e-3);
    const codes = layer.centers.data;
    for (let j = 0; j < 84; j++) {
      x.data[j] += codes[3 * 84 + j];
      x.data[84 + j] += codes[7 * 84 + j];
    }
    checkLayer(layer, x, (input, p) => rbf64(input, 2, p, 10));
  });
});
