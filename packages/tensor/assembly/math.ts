// Four-lane exp and tanh (Cephes-style range reduction and polynomial, about 2 ulp), so that
// activations run at SIMD speed instead of one Mathf call per element.

import { madd } from './simd';

/** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer (ties to even). */
const ROUNDING_MAGIC: f32 = 12582912;

/**
 * exp for x in [-87.3, 88.3] (outside, the result is garbage: see expVector). Uses pmin/pmax
 * and the rounding magic number rather than min/max/nearest/trunc_sat, which V8 lowers to
 * several instructions each to get NaN and overflow semantics this code does not need.
 */
// @ts-ignore: decorator
@inline export function expCore(x: v128): v128 {
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for accuracy).
  const shifted = madd(x, f32x4.splat(1.44269504), f32x4.splat(ROUNDING_MAGIC));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDING_MAGIC));
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1)));
  // The integer n sits in the low mantissa bits of `shifted`: move it into the exponent field.
  const integer = i32x4.sub(shifted, f32x4.splat(ROUNDING_MAGIC));
  return f32x4.mul(p, i32x4.shl(i32x4.add(integer, i32x4.splat(127)), 23));
}

// @ts-ignore: decorator
@inline export function expVector(x: v128): v128 {
  // pmax/pmin keep NaN (x is returned when the comparison is false).
  const clamped = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const result = expCore(clamped);
  // Beyond the clamp: 0 below, +Infinity above.
  const low = v128.bitselect(f32x4.splat(0), result, f32x4.lt(x, f32x4.splat(-87.3)));
  return v128.bitselect(f32x4.splat(Infinity), low, f32x4.gt(x, f32x4.splat(88.3)));
}

// @ts-ignore: decorator
@inline export function tanhVector(x: v128): v128 {
  const magnitude = f32x4.abs(x);
  // |x| >= 0.25: (1 - e) / (1 + e) with e = exp(-2|x|) in (0, 1], so nothing overflows
  // (|x| is capped at 9, where tanh is 1 in float32; NaN passes through pmin).
  const e = expCore(f32x4.mul(f32x4.pmin(magnitude, f32x4.splat(9)), f32x4.splat(-2)));
  const large = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  // |x| < 0.25: the odd Taylor series, free of the cancellation above.
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-17.0 / 315.0);
  p = madd(p, x2, f32x4.splat(2.0 / 15.0));
  p = madd(p, x2, f32x4.splat(-1.0 / 3.0));
  const small = madd(f32x4.mul(p, x2), x, x);
  return v128.bitselect(small, signed, f32x4.lt(magnitude, f32x4.splat(0.25)));
}
