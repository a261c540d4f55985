// Browser: the same API from the main entry (no Node modules). Host the four MNIST files
// (raw or .gz) next to your page, then load a split by URL or from an ArrayBuffer.
import { batches, loadMnist } from '@lenet/datasets-mnist';

export async function main(
  baseUrl: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  const test = await loadMnist({ split: 'test', baseUrl }); // fetch + Web Crypto SHA-256
  log(
    `test ${test.length} images, first labels ${Array.from({ length: 5 }, (_, i) => test.label(i)).join(' ')}`,
  );

  const [images, labels] = await Promise.all(
    ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(async (name) =>
      (await fetch(new URL(name, baseUrl))).arrayBuffer(),
    ),
  );
  const same = await loadMnist({ split: 'test', images, labels });
  const first = batches(same, { batchSize: 100, normalization: 'unit' }).next().value!;
  log(
    `from ArrayBuffers: batch [${first.images.shape}], label of image 0 is ${first.labels.data[0]}`,
  );
}
