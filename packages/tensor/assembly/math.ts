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

// The loops below load their constants once, before the loop: V8 rebuilds a v128.const at
// every use inside a loop (several instructions each), which made the polynomial twice as slow.
const TABLE = memory.data<f32>([
  1.44269504, // 0 log2(e)
  ROUNDING_MAGIC, // 4
  -0.693359375, // 8 -ln2, high part
  2.12194440e-4, // 12 -ln2, low part
  1.9875691500e-4, // 16 polynomial
  1.3981999507e-3, // 20
  8.3334519073e-3, // 24
  4.1665795894e-2, // 28
  1.6666665459e-1, // 32
  5.0000001201e-1, // 36
  1, // 40
  80, // 44 exponent cap of sigmoid
], 16);

// @ts-ignore: decorator
@inline function constant(byteOffset: usize): v128 {
  return v128.load32_splat(TABLE + byteOffset);
}

// @ts-ignore: decorator
@inline function expWith(
  x: v128, log2e: v128, magic: v128, ln2High: v128, ln2Low: v128, p0: v128, p1: v128, p2: v128,
  p3: v128, p4: v128, p5: v128, one: v128, bias: v128,
): v128 {
  const shifted = madd(x, log2e, magic);
  const n = f32x4.sub(shifted, magic);
  let r = madd(n, ln2High, x);
  r = madd(n, ln2Low, r);
  let p = madd(p0, r, p1);
  p = madd(p, r, p2);
  p = madd(p, r, p3);
  p = madd(p, r, p4);
  p = madd(p, r, p5);
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, one));
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.sub(shifted, magic), bias), 23));
}

// tanh as a rational function (the minimax fit Eigen uses): x P(x^2) / Q(x^2) on
// |x| <= 7.9053 (beyond it tanh is +-1 in float32); at most 3.5e-7 relative error.
const TANH_TABLE = memory.data<f32>([
  7.90531110763549805, // 0 clamp
  -2.76076847742355e-16, // 4 numerator, x^13 ... x^1
  2.00018790482477e-13, // 8
  -8.60467152213735e-11, // 12
  5.12229709037114e-08, // 16
  1.48572235717979e-05, // 20
  6.37261928875436e-04, // 24
  4.89352455891786e-03, // 28
  1.19825839466702e-06, // 32 denominator, x^6 ... x^0
  1.18534705686654e-04, // 36
  2.26843463243900e-03, // 40
  4.89352518554385e-03, // 44
], 16);

/**
 * output[i] = outScale * tanh(inScale * input[i]) for the multiple-of-4 prefix of n; returns
 * how many elements it did (tanh: scales 1, 1; the paper's squashing function: S, A).
 */
export function tanhLoop(n: i32, input: usize, output: usize, inScale: f32, outScale: f32): i32 {
  const limit = v128.load32_splat(TANH_TABLE);
  const minusLimit = f32x4.neg(limit);
  const a13 = v128.load32_splat(TANH_TABLE, 4), a11 = v128.load32_splat(TANH_TABLE, 8);
  const a9 = v128.load32_splat(TANH_TABLE, 12), a7 = v128.load32_splat(TANH_TABLE, 16);
  const a5 = v128.load32_splat(TANH_TABLE, 20), a3 = v128.load32_splat(TANH_TABLE, 24);
  const a1 = v128.load32_splat(TANH_TABLE, 28), b6 = v128.load32_splat(TANH_TABLE, 32);
  const b4 = v128.load32_splat(TANH_TABLE, 36), b2 = v128.load32_splat(TANH_TABLE, 40);
  const b0 = v128.load32_splat(TANH_TABLE, 44);
  const scaleIn = f32x4.splat(inScale);
  const scaleOut = f32x4.splat(outScale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    // pmin/pmax return x itself when it is NaN, so NaN goes through.
    const x = f32x4.pmin(f32x4.pmax(f32x4.mul(v128.load(input + offset), scaleIn), minusLimit), limit);
    const x2 = f32x4.mul(x, x);
    let p = madd(a13, x2, a11);
    p = madd(p, x2, a9);
    p = madd(p, x2, a7);
    p = madd(p, x2, a5);
    p = madd(p, x2, a3);
    p = madd(p, x2, a1);
    let q = madd(b6, x2, b4);
    q = madd(q, x2, b2);
    q = madd(q, x2, b0);
    v128.store(output + offset, f32x4.mul(f32x4.div(f32x4.mul(p, x), q), scaleOut));
  }
  return i;
}

/** output[i] = exp(input[i]) (sigmoid: 1 / (1 + exp(-input[i]))) for the multiple-of-4 prefix. */
export function expLoop(n: i32, input: usize, output: usize, sigmoid: bool): i32 {
  const log2e = constant(0), magic = constant(4), ln2High = constant(8), ln2Low = constant(12);
  const p0 = constant(16), p1 = constant(20), p2 = constant(24), p3 = constant(28);
  const p4 = constant(32), p5 = constant(36), one = constant(40), sigmoidCap = constant(44);
  const bias = i32x4.splat(127);
  const low = f32x4.splat(-87.3);
  const high = f32x4.splat(88.3);
  const zero = f32x4.splat(0);
  const infinity = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    let x = v128.load(input + offset);
    if (sigmoid) x = f32x4.pmin(f32x4.neg(x), sigmoidCap);
    const clamped = f32x4.pmin(f32x4.pmax(x, low), high);
    let result = expWith(clamped, log2e, magic, ln2High, ln2Low, p0, p1, p2, p3, p4, p5, one, bias);
    result = v128.bitselect(zero, result, f32x4.lt(x, low));
    result = v128.bitselect(infinity, result, f32x4.gt(x, high));
    if (sigmoid) result = f32x4.div(one, f32x4.add(one, result));
    v128.store(output + offset, result);
  }
  return i;
}
