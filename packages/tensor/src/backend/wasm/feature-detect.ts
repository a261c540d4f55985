// Which WebAssembly features this runtime has, found by validating tiny hand-assembled modules
// (validation compiles nothing, so it is cheap and safe on a browser's main thread).
//
// Node 20's V8 implements relaxed SIMD behind --experimental-wasm-relaxed-simd. V8 reads that
// flag when it validates or compiles a module, so setting it in-process (node:v8's
// setFlagsFromString) before the module is compiled turns the feature on: detection does so
// where relaxed SIMD is missing and the flag exists, unless LENET_WASM_RELAXED=0 opts out.

/** The three compiled variants of the module, fastest first. */
export type WasmVariant = 'relaxed-simd' | 'simd' | 'scalar';

export const wasmVariants: readonly WasmVariant[] = ['relaxed-simd', 'simd', 'scalar'];

// A module with one function `() -> v128` whose body is given: type, function, code sections.
function moduleReturningV128(body: number[]): Uint8Array<ArrayBuffer> {
  const functionBody = [0x00, ...body, 0x0b]; // no locals, body, end
  const code = [0x01, functionBody.length, ...functionBody];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, code.length, ...code],
  ]);
}

const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
const f32x4RelaxedMadd = [0xfd, 0x85, 0x02]; // opcode 0xfd 0x105

const relaxedMaddModule = () =>
  moduleReturningV128([...v128Zero, ...v128Zero, ...v128Zero, ...f32x4RelaxedMadd]);

/** What `detectWasmFeatures` found. */
export interface WasmFeatures {
  simd: boolean;
  relaxedSimd: boolean;
  /** Relaxed SIMD is on because detection set V8's flag in this process (Node 20). */
  relaxedSimdByFlag: boolean;
}

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (name: string) => unknown;
}

/**
 * Sets V8's relaxed-SIMD flag in this process where that is possible (Node: node:v8, reached
 * through process.getBuiltinModule so that bundles for the browser import nothing) and allowed
 * (LENET_WASM_RELAXED is not 0). Returns whether the flag was set.
 */
function enableRelaxedSimdFlag(): boolean {
  const nodeProcess = (globalThis as { process?: NodeProcess }).process;
  if (nodeProcess?.env?.LENET_WASM_RELAXED === '0') return false;
  const v8 = nodeProcess?.getBuiltinModule?.('node:v8') as
    | { setFlagsFromString?: (flags: string) => void }
    | undefined;
  if (typeof v8?.setFlagsFromString !== 'function') return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

let cached: WasmFeatures | undefined;

/**
 * Whether this runtime validates SIMD and relaxed-SIMD code (cached after the first call).
 * Where relaxed SIMD is missing but V8 has it behind its flag (Node 20), sets the flag first
 * unless LENET_WASM_RELAXED=0.
 */
export function detectWasmFeatures(): WasmFeatures {
  if (cached) return cached;
  if (typeof WebAssembly !== 'object') {
    cached = { simd: false, relaxedSimd: false, relaxedSimdByFlag: false };
    return cached;
  }
  const simd = WebAssembly.validate(moduleReturningV128(v128Zero));
  let relaxedSimd = simd && WebAssembly.validate(relaxedMaddModule());
  let relaxedSimdByFlag = false;
  if (simd && !relaxedSimd && enableRelaxedSimdFlag()) {
    relaxedSimd = relaxedSimdByFlag = WebAssembly.validate(relaxedMaddModule());
  }
  cached = { simd, relaxedSimd, relaxedSimdByFlag };
  return cached;
}

/** The fastest variant this runtime can run. */
export function bestWasmVariant(): WasmVariant {
  const features = detectWasmFeatures();
  return features.relaxedSimd ? 'relaxed-simd' : features.simd ? 'simd' : 'scalar';
}

/** Whether `variant` can run here (scalar needs only WebAssembly itself). */
export function isWasmVariantSupported(variant: WasmVariant): boolean {
  const features = detectWasmFeatures();
  if (variant === 'relaxed-simd') return features.relaxedSimd;
  if (variant === 'simd') return features.simd;
  return typeof WebAssembly === 'object';
}
