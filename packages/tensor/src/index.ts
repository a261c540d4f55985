// The public entry: what model authors use (tensors, ops, autograd, compile, generators,
// choosing a backend). Kernel types and backend registration are in `@lenet/tensor/backend`
// (src/backend/index.ts); the conformance suite is in `@lenet/tensor/testing`.
export {
  assertFinite,
  type BackwardOptions,
  backwardCurvature,
  enableGrad,
  isGradEnabled,
  noGrad,
  setFiniteChecks,
} from './autograd.js';
export { type Activation, type PoolMode, windowOutputSize } from './backend/backend.js';
export { backendNames, getBackend, setBackend } from './backend/registry.js';
export type { WasmVariant } from './backend/wasm/feature-detect.js';
export { initWasmBackend } from './backend/wasm/init-wasm-backend.js';
export {
  type WasmBackendOptions,
  wasmMemoryStatistics,
} from './backend/wasm/wasm-backend.js';
export type { StoragePoolStatistics } from './backend/wasm/wasm-storage.js';
export {
  initWebGpuBackend,
  type WebGpuBackendOptions,
  type WebGpuProvider,
  webGpuAvailable,
  webGpuStatistics,
} from './backend/webgpu/init-webgpu-backend.js';
export type { WebGpuStatistics } from './backend/webgpu/webgpu-statistics.js';
export {
  type CompiledFunction,
  type CompileOptions,
  compile,
} from './compile/compile.js';
export {
  arange,
  type CreateOptions,
  fromUint8,
  full,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  uniform,
  zeros,
  zerosLike,
} from './creation.js';
export { AxisError, DTypeError, NonFiniteError, ShapeError } from './errors.js';
export { Generator, type GeneratorState } from './generator.js';
export { type AdamUpdateOptions, type AddOptions, adamUpdate_ } from './inplace.js';
export { type ConnectionTable, type Conv2dOptions, conv2d } from './ops/conv.js';
export { squaredDistance } from './ops/distance.js';
export { dropout } from './ops/dropout.js';
export {
  abs,
  add,
  addBiasActivation,
  allClose,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  scaledTanh,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
} from './ops/elementwise.js';
export { gather, oneHot } from './ops/indexing.js';
export { linear } from './ops/linear.js';
export { matmul } from './ops/matmul.js';
export { avgPool2d, maxPool2d, sumPool2d } from './ops/pool.js';
export {
  argmax,
  logSoftmax,
  logSumExp,
  max,
  mean,
  softmax,
  sum,
  sumTo,
} from './ops/reduce.js';
export {
  clone,
  concat,
  detach,
  expand,
  flatten,
  index,
  pad,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  toFloat32,
  transpose,
  unsqueeze,
  view,
} from './ops/shape.js';
export { type SubsamplingOptions, subsampling } from './ops/subsampling.js';
export { flush, isReadable, sync } from './sync.js';
export {
  type CurvatureRule,
  type DataOf,
  type DType,
  type GradNode,
  type NestedArray,
  Tensor,
} from './tensor.js';
