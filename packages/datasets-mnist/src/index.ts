// @lenet/datasets-mnist: runs in browsers and Node. File system, node:crypto and downloads
// live behind the Node-only entry point `@lenet/datasets-mnist/node`.
export {
  type Batch,
  type BatchOptions,
  type BatchTransform,
  batchCount,
  batches,
} from './batches.js';
export { ChecksumError, type Sha256, sha256Hex, verifyFileBytes } from './checksum.js';
export {
  Dataset,
  type DatasetSample,
  type DatasetSource,
  DIGIT_CLASS_NAMES,
  datasetFromIdx,
  type IdxPairOptions,
} from './dataset.js';
export { crc32, gunzip, gzip, isGzip } from './gzip.js';
export { formatCount, IdxFormatError } from './idx-format-error.js';
export { type ReadIdxOptions, readIdx } from './idx-read.js';
export {
  IDX_TYPES,
  type IdxArray,
  type IdxType,
  type IdxTypedArray,
  MAX_IDX_DIMENSIONS,
} from './idx-types.js';
export { type WriteIdxOptions, writeIdx } from './idx-write.js';
export { type ByteSource, type LoadDatasetOptions, loadDataset, loadMnist } from './load.js';
export {
  type Normalization,
  PAPER_BACKGROUND,
  PAPER_FOREGROUND,
  pixelStatistics,
  pixelTable,
  type ToFloat32Options,
  toFloat32Images,
  writeImage,
} from './preprocess.js';
export {
  type DigestedForm,
  datasetFiles,
  FASHION_MNIST,
  IDX_DATASETS,
  type IdxDatasetInfo,
  type IdxDatasetName,
  type IdxFileInfo,
  idxDataset,
  KMNIST,
  type MirrorOptions,
  MNIST,
  resolveMirrors,
  type Split,
} from './registry.js';
