// Small helpers shared by every kernel. Each variant of the module is compiled from the same
// sources: `ASC_FEATURE_SIMD` and `ASC_FEATURE_RELAXED_SIMD` are compile-time constants, so the
// branch that is not taken disappears and the scalar build contains no v128 instruction.

/** a * b + c on four lanes: one fused multiply-add where relaxed SIMD exists. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Byte offset of the float at `index`. */
// @ts-ignore: decorator
@inline export function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}
