export {
  type AffineParameters,
  type AffineRanges,
  affineSourceMap,
  DEFAULT_AFFINE_OPTIONS,
  IDENTITY_AFFINE,
  RandomAffine,
  type RandomAffineOptions,
  type ResamplingOptions,
  randomAffine,
  resolveAffineRanges,
  sampleAffineParameters,
  warpAffine,
} from './affine.js';
export { Compose, compose, RandomApply, randomApply } from './compose.js';
export {
  type DatasetLike,
  type DistortDatasetOptions,
  type DistortedChunk,
  distortDataset,
} from './distort-dataset.js';
export { DEFAULT_ELASTIC_OPTIONS, Elastic, type ElasticOptions, elastic } from './elastic.js';
export { GaussianSmoother, gaussianKernel } from './gaussian.js';
export { type PreviewGridOptions, previewGrid } from './preview-grid.js';
export { type AffineSourceMap, sampleBilinear, sampleNearest } from './resample.js';
export { type BatchTransformFunction, Transform } from './transform.js';
export type { ImageBatch, ImageSet, Interpolation, Range } from './types.js';
