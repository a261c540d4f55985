// Creates the `wasm` backend's kernels: picks the variant (relaxed SIMD, SIMD, scalar) from
// what the runtime validates, unless forced by an option or the LENET_WASM_VARIANT
// environment variable (how CI runs the conformance suite on every variant), instantiates the
// embedded module and wraps it.

import type { Backend, BackendKernels } from '../backend.js';
import {
  bestWasmVariant,
  isWasmVariantSupported,
  type WasmVariant,
  wasmVariants,
} from './feature-detect.js';
import { createWasmKernels } from './wasm-kernels.js';
import {
  instantiateWasmModule,
  instantiateWasmModuleSync,
  type WasmExports,
} from './wasm-module.js';
import { WasmRuntime } from './wasm-runtime.js';
import { type StoragePoolStatistics, WasmStoragePool } from './wasm-storage.js';

export interface WasmBackendOptions {
  /** Which compiled variant to run (default: LENET_WASM_VARIANT, else the fastest supported). */
  variant?: WasmVariant;
  /**
   * Resident tensor bytes above which an allocation first moves all resident storage out to
   * ordinary arrays (see wasm-storage.ts). Default 64 MB.
   */
  residentBytesLimit?: number;
}

/** What `createWasmBackendSync` / `createWasmBackend` return. */
export interface WasmBackendParts {
  kernels: BackendKernels;
  variant: WasmVariant;
  runtime: WasmRuntime;
  storagePool: WasmStoragePool;
}

function environmentVariant(): string | undefined {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process?.env;
  return environment?.LENET_WASM_VARIANT || undefined;
}

/** The variant to instantiate; throws when the requested one is unknown or unsupported. */
export function resolveWasmVariant(requested?: string): WasmVariant {
  const name = requested ?? environmentVariant();
  if (name === undefined) return bestWasmVariant();
  if (!wasmVariants.includes(name as WasmVariant)) {
    throw new TypeError(
      `wasm backend: unknown variant "${name}"; known: ${wasmVariants.join(', ')}`,
    );
  }
  if (!isWasmVariantSupported(name as WasmVariant)) {
    throw new Error(`wasm backend: variant "${name}" is not supported by this WebAssembly runtime`);
  }
  return name as WasmVariant;
}

/** Instances by their `allocate` kernel, which a registered backend shares with its kernels. */
const instances = new WeakMap<BackendKernels['allocate'], WasmBackendParts>();

/**
 * Memory figures of a wasm backend (resident tensor bytes, evictions, size of the WebAssembly
 * memory), or undefined for another backend.
 */
export function wasmMemoryStatistics(backend: Backend): StoragePoolStatistics | undefined {
  return instances.get(backend.allocate)?.storagePool.statistics();
}

function assemble(
  exports: WasmExports,
  variant: WasmVariant,
  options: WasmBackendOptions,
): WasmBackendParts {
  const runtime = new WasmRuntime(exports, variant);
  const storagePool = new WasmStoragePool(runtime, options.residentBytesLimit);
  const parts = { kernels: createWasmKernels(runtime, storagePool), variant, runtime, storagePool };
  instances.set(parts.kernels.allocate, parts);
  return parts;
}

/** Instantiates synchronously: Node and workers (a browser's main thread refuses it). */
export function createWasmBackendSync(options: WasmBackendOptions = {}): WasmBackendParts {
  const variant = resolveWasmVariant(options.variant);
  return assemble(instantiateWasmModuleSync(variant), variant, options);
}

/** Instantiates without blocking: anywhere, including a browser's main thread. */
export async function createWasmBackend(
  options: WasmBackendOptions = {},
): Promise<WasmBackendParts> {
  const variant = resolveWasmVariant(options.variant);
  return assemble(await instantiateWasmModule(variant), variant, options);
}
