// @lenet/datasets-mnist/node: everything of the main entry plus what needs Node (file system,
// node:crypto, HTTP downloads into a cache). `loadMnist`/`loadDataset` here take the same
// options as the browser versions and add the bundled MNIST, local folders and the cache.
export * from './index.js';
export { writeFileAtomic } from './node/atomic-file.js';
export { bundledMnistFiles } from './node/bundled-mnist.js';
export { defaultCacheDir } from './node/cache-dir.js';
export {
  DownloadError,
  type DownloadOptions,
  type DownloadProgress,
  download,
} from './node/download.js';
export { readIdxFile, writeIdxFile } from './node/idx-file.js';
export { loadDataset, loadMnist, type NodeLoadDatasetOptions } from './node/load-node.js';
export { sha256File, sha256Node } from './node/sha256-file.js';
