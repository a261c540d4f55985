// Entry of the WebAssembly module behind the `wasm` backend. Every export works on raw
// pointers into this module's memory; the TypeScript side (src/backend/wasm/) owns allocation.

export { dotProducts } from './dot-products';
export { gemm } from './gemm';
export {
  accumulate,
  channelMajorToNchw,
  col2im,
  im2col,
  nchwToChannelMajor,
  rowSums,
} from './conv';
export { maskedConvBackwardInput, maskedConvBackwardWeight, maskedConvForward } from './masked-conv';
export { pool2dBackward, pool2dForward } from './pool';
export { subsampling, subsamplingBackward } from './subsampling';
export {
  adamUpdate,
  axpy,
  biasActivation,
  biasActivationBackward,
  binary,
  fill,
  subtractProduct,
  unary,
  unaryBackward,
} from './elementwise';
export { argmax, logSoftmax, logSoftmaxBackward, reduce } from './reduce';
export { copy, gather, scatterAdd } from './indexing';

/** First byte after the static data (the GEMM packing buffers): where the allocator starts. */
export function heapBase(): usize {
  return __heap_base;
}
