import type { WebGpuRuntime } from './webgpu-runtime.js';

// Kept apart from init-webgpu-backend.ts so the public declarations never name the runtime
// (its types are WebGPU's, which users without @webgpu/types cannot resolve).
let current: WebGpuRuntime | null = null;

/** @internal The runtime behind the `webgpu` backend (tests and benchmarks), or null. */
export function currentWebGpuRuntime(): WebGpuRuntime | null {
  return current;
}

/** @internal Called once by `initWebGpuBackend` when its device is open. */
export function setCurrentWebGpuRuntime(runtime: WebGpuRuntime): void {
  current = runtime;
}
