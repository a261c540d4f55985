// Compiles and instantiates one variant of the embedded module. Node (and workers) may compile
// synchronously; a browser's main thread refuses synchronous compilation of modules over 4 KB,
// so the async path is what `initWasmBackend()` uses there.

import type { WasmVariant } from './feature-detect.js';
import { relaxedSimdBase64, scalarBase64, simdBase64 } from './wasm-modules.generated.js';

/** The functions exported by assembly/index.ts (pointers and sizes are plain numbers). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
  ): void;
}

const base64ByVariant: Record<WasmVariant, string> = {
  'relaxed-simd': relaxedSimdBase64,
  simd: simdBase64,
  scalar: scalarBase64,
};

/** The bytes of the compiled `variant`. */
export function wasmModuleBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  const text = atob(base64ByVariant[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const imports = {
  env: {
    abort(_message: number, _file: number, line: number, column: number): never {
      throw new Error(`wasm backend: the module aborted at line ${line}:${column}`);
    },
  },
};

/** Compiles and instantiates `variant` synchronously (Node, workers). */
export function instantiateWasmModuleSync(variant: WasmVariant): WasmExports {
  const module = new WebAssembly.Module(wasmModuleBytes(variant));
  return new WebAssembly.Instance(module, imports).exports as unknown as WasmExports;
}

/** Compiles and instantiates `variant` without blocking (any thread, including a page's). */
export async function instantiateWasmModule(variant: WasmVariant): Promise<WasmExports> {
  const { instance } = await WebAssembly.instantiate(wasmModuleBytes(variant), imports);
  return instance.exports as unknown as WasmExports;
}
