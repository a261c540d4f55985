// The public way to start the `wasm` backend without blocking, e.g. on a browser page, where
// synchronous compilation of a module over 4 KB is refused (in Node, `getBackend()` creates it
// synchronously on first use and this is optional).

import type { Backend } from '../backend.js';
import { registerBackend, setBackend } from '../registry.js';
import { createWasmBackend, type WasmBackendOptions } from './wasm-backend.js';

/**
 * Compiles and instantiates the fastest WebAssembly variant this runtime supports (or
 * `options.variant`), registers it as `wasm` and makes it the current backend.
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  const wasm = await createWasmBackend(options);
  registerBackend('wasm', wasm.kernels, { variant: wasm.variant });
  return setBackend('wasm');
}
