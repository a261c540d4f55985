// Which WebAssembly features this runtime has, found by validating tiny hand-assembled modules
// (validation compiles nothing, so it is cheap and safe on a browser's main thread).

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

let cached: { simd: boolean; relaxedSimd: boolean } | undefined;

/** Whether this runtime validates SIMD and relaxed-SIMD code (cached after the first call). */
export function detectWasmFeatures(): { simd: boolean; relaxedSimd: boolean } {
  if (cached) return cached;
  if (typeof WebAssembly !== 'object') {
    cached = { simd: false, relaxedSimd: false };
    return cached;
  }
  const simd = WebAssembly.validate(moduleReturningV128(v128Zero));
  const relaxedSimd =
    simd &&
    WebAssembly.validate(
      moduleReturningV128([...v128Zero, ...v128Zero, ...v128Zero, ...f32x4RelaxedMadd]),
    );
  cached = { simd, relaxedSimd };
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
