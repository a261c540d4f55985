/// <reference types="@webgpu/types" />
// Setting up the `webgpu` backend: find an adapter, open a device, register the kernels and
// install the runtime as the tensor read API's device. Nothing here runs at import.
import { setDeviceResidency } from '../../device-residency.js';
import type { Backend, BackendKernels } from '../backend.js';
import { registerBackend } from '../registry.js';
import { currentWebGpuRuntime, setCurrentWebGpuRuntime } from './current-runtime.js';
import { heavyKernels } from './kernels/heavy/index.js';
import { type GpuKernels, lightKernels } from './kernels/index.js';
import { WebGpuRuntime } from './webgpu-runtime.js';
import type { WebGpuStatistics } from './webgpu-statistics.js';

/** What `initWebGpuBackend` needs of a WebGPU implementation (`navigator.gpu`, or Dawn's in Node). */
export interface WebGpuProvider {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<unknown>;
}

export interface WebGpuBackendOptions {
  /** The WebGPU entry point; default `navigator.gpu`. */
  gpu?: WebGpuProvider;
  /** Which adapter to ask for where there are several (a laptop's integrated or discrete GPU). */
  powerPreference?: 'low-power' | 'high-performance';
}

let pending: Promise<Backend> | null = null;

function defaultProvider(): WebGpuProvider | undefined {
  return (globalThis as { navigator?: { gpu?: WebGpuProvider } }).navigator?.gpu;
}

/**
 * Opens a WebGPU device and registers the `webgpu` backend (select it with
 * `setBackend('webgpu')`). Tensors then live in GPU buffers and every kernel call is recorded
 * into one command buffer, submitted when values are read (`await t.sync()`) or `flush()`ed.
 * Throws an error naming what is missing when there is no WebGPU or no adapter. Calling it
 * again returns the same backend.
 */
export function initWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<Backend> {
  pending ??= createWebGpuBackend(options).catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}

async function createWebGpuBackend(options: WebGpuBackendOptions): Promise<Backend> {
  const provider = options.gpu ?? defaultProvider();
  if (provider === undefined || provider === null) {
    throw new Error(
      'initWebGpuBackend: WebGPU is not available here (no navigator.gpu): use a browser with WebGPU, or in Node call initWebGpuBackendNode() from @lenet/tensor/node (it needs the optional `webgpu` package), or pass { gpu }',
    );
  }
  const adapter = (await provider.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  )) as GPUAdapter | null;
  if (adapter === null || adapter === undefined) {
    throw new Error(
      "initWebGpuBackend: no WebGPU adapter found (requestAdapter() returned null): the GPU or its driver is unavailable or blocked; in Node a Vulkan driver is needed (e.g. VK_ICD_FILENAMES naming SwiftShader's or the GPU vendor's ICD file)",
    );
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    },
  });
  const created = new WebGpuRuntime(device);
  setCurrentWebGpuRuntime(created);
  setDeviceResidency(created);
  return registerBackend('webgpu', backendKernels(created, { ...lightKernels, ...heavyKernels }), {
    variant: adapterName(adapter),
  });
}

/** Each kernel as a `Backend` member: it records through the runtime, which brackets the call. */
function backendKernels(gpu: WebGpuRuntime, kernels: GpuKernels): BackendKernels {
  const result: Record<string, unknown> = { allocate: (length: number) => gpu.allocate(length) };
  for (const [name, kernel] of Object.entries(kernels) as [
    string,
    (g: unknown, a: unknown) => void,
  ][]) {
    result[name] = (args: unknown) => {
      gpu.beginKernel();
      kernel(gpu, args);
      gpu.endKernel();
    };
  }
  return result as unknown as BackendKernels;
}

function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as unknown as { info?: Record<string, unknown> }).info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description]
    .filter((part) => typeof part === 'string' && part.length > 0)
    .join(' ');
  return name.length > 0 ? name : 'unknown adapter';
}

/**
 * Whether WebGPU with an adapter is available (for choosing a backend automatically). Opens
 * no device. `gpu` defaults to `navigator.gpu`.
 */
export async function webGpuAvailable(options: WebGpuBackendOptions = {}): Promise<boolean> {
  const provider = options.gpu ?? defaultProvider();
  if (!provider) return false;
  try {
    return (await provider.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** Counters of the `webgpu` backend (dispatches, submits, uploads, read-backs...), or null before it is set up. */
export function webGpuStatistics(): WebGpuStatistics | null {
  const runtime = currentWebGpuRuntime();
  return runtime === null ? null : { ...runtime.statistics };
}
