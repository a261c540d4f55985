// The runtime behind the registered `webgpu` backend, kept apart from the public setup module
// so that its WebGPU types stay out of the package's public declarations.
import type { WebGpuRuntime } from './webgpu-runtime.js';

let current: WebGpuRuntime | null = null;

/** @internal Set by `initWebGpuBackend`. */
export function setCurrentWebGpuRuntime(runtime: WebGpuRuntime): void {
  current = runtime;
}

/** @internal The runtime behind the `webgpu` backend (tests and benchmarks), or null. */
export function currentWebGpuRuntime(): WebGpuRuntime | null {
  return current;
}
