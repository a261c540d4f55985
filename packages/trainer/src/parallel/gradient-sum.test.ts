import { backendNames, Generator, getBackend, setBackend, tensor, zeros } from '@lenet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { GradientPartSum, GradientSum, replicaScales } from './gradient-sum.js';

/** Two parameters (5 and 3 weights) whose `.grad` holds replica 0's gradients. */
function replicaGradients(parts: number, seed: number) {
  const generator = new Generator(seed);
  const sizes = [5, 3];
  const rows = Array.from({ length: parts }, () => {
    const row = new Float32Array(8);
    generator.fillUniform(row, -2, 2);
    return row;
  });
  const parameters = sizes.map((size, index) => {
    const parameter = zeros([size], { requiresGrad: true });
    parameter.grad = tensor(rows[0].slice(index * 5, index * 5 + size));
    return parameter;
  });
  const workerGradients = new Float32Array(8 * (parts - 1));
  for (let replica = 1; replica < parts; replica++)
    workerGradients.set(rows[replica], (replica - 1) * 8);
  return { parameters, rows, workerGradients };
}

describe('GradientSum', () => {
  const initial = getBackend().name;
  afterEach(() => {
    setBackend(initial);
  });

  it.each(backendNames())(
    'on %s: sets .grad to the scaled sum of the replicas, the same bits twice',
    (backend) => {
      setBackend(backend);
      const scales = Float64Array.of(0.25, 0.375, 0.375);
      const sum = new GradientSum();
      const results = [1, 2].map(() => {
        const { parameters, rows, workerGradients } = replicaGradients(3, 7);
        sum.combine(parameters, scales, 3, workerGradients, 8);
        const expected = rows[0].map((_, i) =>
          rows.reduce((total, row, r) => total + scales[r] * row[i], 0),
        );
        const combined = Float32Array.from([
          ...(parameters[0].grad!.toArray() as number[]),
          ...(parameters[1].grad!.toArray() as number[]),
        ]);
        expect(combined).toBeAllclose(expected, { rtol: 1e-6, atol: 1e-7 });
        return combined;
      });
      expect(results[1]).toEqual(results[0]);
    },
  );

  it('with two halves gives exactly (g0 + g1) / 2', () => {
    const { parameters, rows, workerGradients } = replicaGradients(2, 3);
    new GradientSum().combine(parameters, Float64Array.of(0.5, 0.5), 2, workerGradients, 8);
    const expected = rows[0].map((value, i) => Math.fround(value + rows[1][i]) / 2);
    expect([
      ...(parameters[0].grad!.toArray() as number[]),
      ...(parameters[1].grad!.toArray() as number[]),
    ]).toEqual([...expected]);
  });
});

describe('GradientPartSum', () => {
  it('parts computed by any replica make the scaled sum, each float summed in replica order', () => {
    const generator = new Generator(11);
    const parameterCount = 23;
    const parts = 3;
    const gradients = generator.fillUniform(new Float32Array(parameterCount * parts), -1, 1);
    const scales = replicaScales(10, parts, new Float64Array(parts));
    expect([...scales]).toEqual([0.3, 0.3, 0.4]);
    const sums = new Float32Array(parameterCount);
    const partSum = new GradientPartSum();
    for (const index of [2, 0, 1])
      partSum.sum(gradients, sums, parameterCount, scales, parts, index);
    const expected = Float32Array.from({ length: parameterCount }, (_, i) =>
      [0, 1, 2].reduce((total, r) => total + scales[r] * gradients[r * parameterCount + i], 0),
    );
    expect(sums).toBeAllclose(expected, { rtol: 1e-6, atol: 1e-7 });
    // Computed again in another order: the same bits.
    const again = new Float32Array(parameterCount);
    for (const index of [0, 1, 2])
      partSum.sum(gradients, again, parameterCount, scales, parts, index);
    expect(again).toEqual(sums);
  });
});
