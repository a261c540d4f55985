// The shared conformance suite on every variant of the wasm backend this process can run:
// scalar and SIMD always; relaxed SIMD where the runtime has it (Node 22+, or Node 20 with
// --experimental-wasm-relaxed-simd: relaxed-simd.test.ts runs this file so in a child process).

import { describe, it } from 'vitest';
import { runConformanceSuite } from '../conformance.js';
import { registerBackend } from '../registry.js';
import { isWasmVariantSupported, wasmVariants } from './feature-detect.js';
import { createWasmBackendSync } from './wasm-backend.js';

for (const variant of wasmVariants) {
  if (!isWasmVariantSupported(variant)) continue;
  // A small resident limit so that eviction (storage moved out of WebAssembly memory) happens
  // during the suite too.
  const wasm = createWasmBackendSync({ variant, residentBytesLimit: 4 * 2 ** 20 });
  registerBackend(`wasm-${variant}`, wasm.kernels, { variant });
  runConformanceSuite(`wasm-${variant}`, { describe, it });
}
