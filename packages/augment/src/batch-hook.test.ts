import { batches, Dataset, PAPER_BACKGROUND } from '@lenet/datasets-mnist';
import { Generator } from '@lenet/tensor';
import { describe, expect, it } from 'vitest';
import { randomAffine } from './affine.js';
import { compose } from './compose.js';
import { elastic } from './elastic.js';

function tinyDataset(): Dataset {
  const count = 6;
  const images = new Uint8Array(count * 28 * 28);
  for (let n = 0; n < count; n++) {
    for (let y = 8; y < 20; y++)
      images.fill(255, n * 784 + y * 28 + 10 + n, n * 784 + y * 28 + 14 + n);
  }
  return new Dataset({
    images,
    labels: new Uint8Array([0, 1, 2, 3, 4, 5]),
    height: 28,
    width: 28,
    classNames: ['0', '1', '2', '3', '4', '5'],
    name: 'tiny',
  });
}

describe('asBatchTransform with datasets-mnist batches', () => {
  it('distorts each batch in place, reproducibly, with the paper background as fill', () => {
    const transform = compose([
      randomAffine({ fill: PAPER_BACKGROUND }),
      elastic({ fill: PAPER_BACKGROUND }),
    ]);
    const run = (hook: boolean) =>
      [
        ...batches(tinyDataset(), {
          batchSize: 4,
          seed: 5,
          padding: 2,
          transform: hook ? transform.asBatchTransform() : undefined,
        }),
      ].map((batch) => Array.from(batch.images.data));
    const plain = run(false);
    const distorted = run(true);
    expect(run(true)).toEqual(distorted);
    expect(distorted[0]).not.toEqual(plain[0]);
    expect(distorted.map((batch) => batch.length)).toEqual([4 * 32 * 32, 2 * 32 * 32]);
    // The padded border stays background where nothing was moved into it.
    expect(distorted[0][0]).toBeCloseTo(PAPER_BACKGROUND, 6);
    expect(Math.min(...distorted[0])).toBeGreaterThanOrEqual(PAPER_BACKGROUND - 1e-6);
  });

  it('equals applyBatch on the same images with the same generator', () => {
    const transform = elastic({ fill: -0.1 });
    const data = new Generator(1).fillUniform(new Float32Array(3 * 32 * 32));
    const viaHook = data.slice();
    transform.asBatchTransform()(viaHook, 3, 32, 32, new Generator(4));
    const viaBatch = { shape: [3, 1, 32, 32], data: data.slice() };
    transform.applyBatch(viaBatch, new Generator(4));
    expect(viaHook).toEqual(viaBatch.data);
    expect(() => transform.asBatchTransform()(data, 5, 32, 32, new Generator(4))).toThrow(
      /3072 values do not hold 5 images of 32 x 32/,
    );
  });
});
