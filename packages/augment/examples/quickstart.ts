// Distort MNIST digits: one image, a training batch, and a pre-generated distorted set.
// Run: npx tsx --conditions=@lenet/source examples/quickstart.ts
import { compose, distortDataset, elastic, randomAffine } from '@lenet/augment';
import { batches, loadMnist, PAPER_BACKGROUND } from '@lenet/datasets-mnist/node';
import { Generator } from '@lenet/tensor';

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const train = await loadMnist({ split: 'train' });

  // One image (floats, here raw 0..255 with background 0), distorted into a reused buffer.
  const image = Float32Array.from(train.image(0));
  const affine = randomAffine(); // the paper's distortions, ranges in the README
  const out = affine.apply(image, 28, 28, new Generator(42), new Float32Array(28 * 28));
  const p = affine.lastParameters;
  log(
    `affine: shift (${p.translateX.toFixed(2)}, ${p.translateY.toFixed(2)}) px, scale ${p.scale.toFixed(3)}, squeeze ${p.squeeze.toFixed(3)}, shear ${p.shearX.toFixed(3)}`,
  );
  log(
    `ink kept: ${(sum(out) / sum(image)).toFixed(3)} (area scales by scale^2 = ${(p.scale ** 2).toFixed(3)})`,
  );

  // Training batches in the paper's scale (background -0.1), distorted in place on the fly.
  const transform = compose([
    randomAffine({ fill: PAPER_BACKGROUND }),
    elastic({ fill: PAPER_BACKGROUND }), // Simard et al. 2003: sigma 4, alpha 34
  ]);
  for (const batch of batches(train, {
    batchSize: 64,
    shuffle: true,
    seed: 1,
    padding: 2,
    transform: transform.asBatchTransform(),
  })) {
    const data = batch.images.data;
    log(
      `batch [${batch.images.shape}]: corner ${data[0].toFixed(3)}, min ${Math.min(...data).toFixed(3)}, max ${Math.max(...data).toFixed(3)}`,
    );
    break;
  }

  // The paper's 540,000 distorted patterns are nine per training digit; here two per digit of
  // the first 1,000, streamed 500 at a time as bytes (ready for an IDX file).
  const first1000 = train.take(1000);
  let images = 0;
  let checksum = 0;
  for (const chunk of distortDataset(first1000, 2, randomAffine(), 7, { chunkSize: 500 })) {
    images += chunk.count;
    for (let i = 0; i < chunk.count * 784; i++)
      checksum = (checksum + chunk.images[i] * (i + 1)) % 1_000_003;
  }
  log(`distortDataset: ${images} distorted images, checksum ${checksum}`);
}

function sum(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
