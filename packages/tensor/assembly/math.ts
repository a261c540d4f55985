// Four-lane exp and tanh (Cephes-style range reduction and polynomial, about 2 ulp), so that
// activations run at SIMD speed instead of one Mathf call per element.

import { madd } from './simd';

// @ts-ignore: decorator
@inline export function expVector(x: v128): v128 {
  const clamped = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for accuracy).
  const n = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(1.44269504)));
  let r = madd(n, f32x4.splat(-0.693359375), clamped);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1)));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  let result = f32x4.mul(p, scale);
  // Beyond the clamp: 0 below, +Infinity above; NaN stays NaN (comparisons are false).
  result = v128.bitselect(f32x4.splat(0), result, f32x4.lt(x, f32x4.splat(-87.3)));
  return v128.bitselect(f32x4.splat(Infinity), result, f32x4.gt(x, f32x4.splat(88.3)));
}

// @ts-ignore: decorator
@inline export function tanhVector(x: v128): v128 {
  const magnitude = f32x4.abs(x);
  // Large |x|: 1 - 2 / (exp(2|x|) + 1), with the sign of x put back.
  const e = expVector(f32x4.mul(f32x4.min(magnitude, f32x4.splat(9)), f32x4.splat(2)));
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  // Small |x|: the odd Taylor series, free of the cancellation above.
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-17.0 / 315.0);
  p = madd(p, x2, f32x4.splat(2.0 / 15.0));
  p = madd(p, x2, f32x4.splat(-1.0 / 3.0));
  const small = madd(f32x4.mul(p, x2), x, x);
  return v128.bitselect(small, signed, f32x4.lt(magnitude, f32x4.splat(0.25)));
}
