// Loads the WebAssembly SIMD twin of smoothing-kernels.ts once per process. Synchronous
// compilation is fine: the module is about 1 KB, under the 4 KB a browser's main thread allows.
// Where WebAssembly or its SIMD is missing, compilation fails and the TypeScript kernels run.
import { smoothingWasmBase64 } from './smoothing-wasm.generated.js';

/** The exports of assembly/index.ts; pointers are byte offsets into `memory`. */
export interface SmoothingWasmExports {
  readonly memory: WebAssembly.Memory;
  // biome-ignore format: one line per group of arguments reads better
  columnPass(
    input: number, output: number, rows: number, cols: number,
    symmetric: number, antisymmetric: number, sums: number, differences: number, p: number, q: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  transposeFields(
    input: number, output: number, rows: number, width: number, count: number, scale: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(smoothingWasmBase64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function smoothingWasmAvailable(): boolean {
  return compiledModule() !== null;
}

/** A new instance with its own memory, or null where WebAssembly SIMD is unavailable. */
export function instantiateSmoothingWasm(): SmoothingWasmExports | null {
  const module = compiledModule();
  if (!module) return null;
  return new WebAssembly.Instance(module, {}).exports as unknown as SmoothingWasmExports;
}
