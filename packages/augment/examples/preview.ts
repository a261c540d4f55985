// Writes preview grids of the first ten MNIST training digits: each original in column 1,
// then seven distortions of it, for each transform. Run from packages/augment:
//   npx tsx --conditions=@lenet/source examples/preview.ts
import { join } from 'node:path';
import { loadMnist, writeFileAtomic } from '@lenet/datasets-mnist/node';
import { compose, elastic, previewGrid, randomAffine, type Transform } from '../src/index.js';

const train = await loadMnist({ split: 'train' });
const count = 10;
const plane = train.height * train.width;
const firstTen = {
  images: train.source.images.subarray(0, count * plane), // bytes 0..255, background 0
  count,
  height: train.height,
  width: train.width,
};

const transforms: [string, Transform][] = [
  ['affine', randomAffine()],
  ['elastic', elastic()],
  ['affine-elastic', compose([randomAffine(), elastic()])],
];
for (const [name, transform] of transforms) {
  const png = previewGrid(firstTen, { cols: 8, transform, seed: 1, zoom: 2 });
  const path = join(import.meta.dirname, '..', 'docs', `preview-${name}.png`);
  await writeFileAtomic(path, png);
  console.log(`${path}: ${png.length} bytes`);
}
console.log(`labels: ${Array.from(train.source.labels.subarray(0, count)).join(' ')}`);
