export type * from './backend/backend.js';
export {
  type Activation,
  type Backend,
  type BackendKernels,
  backendNames,
  findBackend,
  getBackend,
  registerBackend,
  type Storage,
  setBackend,
  windowOutputSize,
} from './backend/backend.js';
export type { WasmVariant } from './backend/wasm/feature-detect.js';
export { initWasmBackend } from './backend/wasm/init-wasm-backend.js';
export type { WasmBackendOptions } from './backend/wasm/wasm-backend.js';
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
export { type DataOf, type DType, type GradNode, type NestedArray, Tensor } from './tensor.js';
