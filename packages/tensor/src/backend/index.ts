// `@lenet/tensor/backend`: the kernel boundary, for those who write a backend or call kernels
// directly. Model authors need only the main entry.
export type * from './backend.js';
export { windowOutputSize } from './backend.js';
export {
  backendNames,
  findBackend,
  getBackend,
  registerBackend,
  setBackend,
} from './registry.js';
