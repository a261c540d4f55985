// Element-wise kernels: unary functions and derivatives, strided broadcast binary functions,
// fused per-channel bias + activation. Op codes match src/backend/wasm/op-codes.ts. Each loop
// runs four lanes at a time where SIMD exists and finishes (or, in the scalar build, does all
// of the work) one element at a time.

import { expLoop, tanhLoop } from './math';
import { at } from './simd';

const NEG: i32 = 0;
const EXP: i32 = 1;
const LOG: i32 = 2;
const SQRT: i32 = 3;
const ABS: i32 = 4;
const SQUARE: i32 = 5;
const TANH: i32 = 6;
const SIGMOID: i32 = 7;
const RELU: i32 = 8;
const SCALED_TANH: i32 = 9;

const SCALED_TANH_A: f32 = 1.7159;
const SCALED_TANH_S: f32 = <f32>(2.0 / 3.0);

// @ts-ignore: decorator
@inline function sigmoidScalar(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

// @ts-ignore: decorator
@inline function unaryScalar(op: i32, x: f32): f32 {
  switch (op) {
    case NEG: return -x;
    case EXP: return Mathf.exp(x);
    case LOG: return Mathf.log(x);
    case SQRT: return Mathf.sqrt(x);
    case ABS: return Mathf.abs(x);
    case SQUARE: return x * x;
    case TANH: return Mathf.tanh(x);
    case SIGMOID: return sigmoidScalar(x);
    case RELU: return x > 0 ? x : 0;
    case SCALED_TANH: return SCALED_TANH_A * Mathf.tanh(SCALED_TANH_S * x);
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function unaryVector(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case SQRT: return f32x4.sqrt(x);
    case ABS: return f32x4.abs(x);
    case SQUARE: return f32x4.mul(x, x);
    case RELU: return v128.and(x, f32x4.gt(x, f32x4.splat(0)));
    default: return x;
  }
}

/** output[i] = op(input[i]); output may be input. */
export function unary(op: i32, n: i32, input: usize, output: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op != LOG) {
    // One loop per op, so the switch is decided once, outside the loop.
    switch (op) {
      case NEG: for (; i + 4 <= n; i += 4) v128.store(at(output, i), unaryVector(NEG, v128.load(at(input, i)))); break;
      case EXP: i = expLoop(n, input, output, false); break;
      case SQRT: for (; i + 4 <= n; i += 4) v128.store(at(output, i), unaryVector(SQRT, v128.load(at(input, i)))); break;
      case ABS: for (; i + 4 <= n; i += 4) v128.store(at(output, i), unaryVector(ABS, v128.load(at(input, i)))); break;
      case SQUARE: for (; i + 4 <= n; i += 4) v128.store(at(output, i), unaryVector(SQUARE, v128.load(at(input, i)))); break;
      case TANH: i = tanhLoop(n, input, output, 1, 1); break;
      case SIGMOID: i = expLoop(n, input, output, true); break;
      case RELU: for (; i + 4 <= n; i += 4) v128.store(at(output, i), unaryVector(RELU, v128.load(at(input, i)))); break;
      case SCALED_TANH: i = tanhLoop(n, input, output, SCALED_TANH_S, SCALED_TANH_A); break;
    }
  }
  for (; i < n; i++) store<f32>(at(output, i), unaryScalar(op, load<f32>(at(input, i))));
}

/** gradInput[i] = gradOutput[i] * op'(input[i]) (from `output` where that is simpler). */
export function unaryBackward(
  op: i32,
  n: i32,
  input: usize,
  output: usize,
  gradOutput: usize,
  gradInput: usize,
): void {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(at(input, i));
    const y = load<f32>(at(output, i));
    const g = load<f32>(at(gradOutput, i));
    let result: f32;
    switch (op) {
      case NEG: result = -g; break;
      case EXP: result = g * y; break;
      case LOG: result = g / x; break;
      case SQRT: result = g / (2 * y); break;
      case ABS: result = x > 0 ? g : x < 0 ? -g : 0; break;
      case SQUARE: result = 2 * x * g; break;
      case RELU: result = x > 0 ? g : 0; break;
      default: result = g * derivativeFromOutput(op, y);
    }
    store<f32>(at(gradInput, i), result);
  }
}

/** f'(pre-activation) as a function of the output y, for the activations (-1 = identity). */
// @ts-ignore: decorator
@inline export function derivativeFromOutput(op: i32, y: f32): f32 {
  switch (op) {
    case TANH: return 1 - y * y;
    case SIGMOID: return y * (1 - y);
    case RELU: return y > 0 ? 1 : 0;
    case SCALED_TANH: return (SCALED_TANH_S / SCALED_TANH_A) * (SCALED_TANH_A * SCALED_TANH_A - y * y);
    default: return 1;
  }
}

// @ts-ignore: decorator
@inline export function derivativeFromOutputVector(op: i32, y: v128): v128 {
  switch (op) {
    case TANH: return f32x4.sub(f32x4.splat(1), f32x4.mul(y, y));
    case SIGMOID: return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y));
    case RELU: return v128.and(f32x4.splat(1), f32x4.gt(y, f32x4.splat(0)));
    case SCALED_TANH:
      return f32x4.mul(
        f32x4.splat(SCALED_TANH_S / SCALED_TANH_A),
        f32x4.sub(f32x4.splat(SCALED_TANH_A * SCALED_TANH_A), f32x4.mul(y, y)),
      );
    default: return f32x4.splat(1);
  }
}

/** output[o, c, i] = activation(input[o, c, i] + bias[c]) (activation -1 = identity). */
export function biasActivation(
  activation: i32,
  outer: i32,
  channels: i32,
  inner: i32,
  input: usize,
  bias: usize,
  output: usize,
): void {
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const value = load<f32>(at(bias, c));
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        const vector = f32x4.splat(value);
        for (; i + 4 <= inner; i += 4) {
          v128.store(at(output, index + i), f32x4.add(v128.load(at(input, index + i)), vector));
        }
      }
      for (; i < inner; i++) store<f32>(at(output, index + i), load<f32>(at(input, index + i)) + value);
      index += inner;
    }
  }
  if (activation >= 0) unary(activation, index, output, output);
}

/**
 * gradInput = gradOutput * activation'(from output); gradBias[c] = sum of gradInput over
 * outer and inner.
 */
export function biasActivationBackward(
  activation: i32,
  outer: i32,
  channels: i32,
  inner: i32,
  output: usize,
  gradOutput: usize,
  gradInput: usize,
  gradBias: usize,
): void {
  memory.fill(gradBias, 0, <usize>channels << 2);
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let sum: f32 = 0;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        let lanes = f32x4.splat(0);
        switch (activation) {
          case TANH: lanes = biasGradientRow(TANH, inner, at(output, index), at(gradOutput, index), at(gradInput, index)); break;
          case SIGMOID: lanes = biasGradientRow(SIGMOID, inner, at(output, index), at(gradOutput, index), at(gradInput, index)); break;
          case RELU: lanes = biasGradientRow(RELU, inner, at(output, index), at(gradOutput, index), at(gradInput, index)); break;
          case SCALED_TANH: lanes = biasGradientRow(SCALED_TANH, inner, at(output, index), at(gradOutput, index), at(gradInput, index)); break;
          default: lanes = biasGradientRow(-1, inner, at(output, index), at(gradOutput, index), at(gradInput, index));
        }
        i = inner & ~3;
        sum =
          f32x4.extract_lane(lanes, 0) +
          f32x4.extract_lane(lanes, 1) +
          (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
      }
      for (; i < inner; i++) {
        const grad = load<f32>(at(gradOutput, index + i)) * derivativeFromOutput(activation, load<f32>(at(output, index + i)));
        store<f32>(at(gradInput, index + i), grad);
        sum += grad;
      }
      const cell = at(gradBias, c);
      store<f32>(cell, load<f32>(cell) + sum);
      index += inner;
    }
  }
}

/** The four-lane part of one row of biasActivationBackward; returns the lane sums. */
// @ts-ignore: decorator
@inline function biasGradientRow(activation: i32, inner: i32, output: usize, gradOutput: usize, gradInput: usize): v128 {
  let lanes = f32x4.splat(0);
  for (let i = 0; i + 4 <= inner; i += 4) {
    const grad = f32x4.mul(v128.load(at(gradOutput, i)), derivativeFromOutputVector(activation, v128.load(at(output, i))));
    v128.store(at(gradInput, i), grad);
    lanes = f32x4.add(lanes, grad);
  }
  return lanes;
}

const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;
const POW: i32 = 4;
const MAXIMUM: i32 = 5;
const MINIMUM: i32 = 6;

// @ts-ignore: decorator
@inline function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case POW: return <f32>Math.pow(<f64>a, <f64>b);
    case MAXIMUM: return a != a || b != b ? NaN : max(a, b);
    default: return a != a || b != b ? NaN : min(a, b);
  }
}

// @ts-ignore: decorator
@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAXIMUM: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

/**
 * output = op(a, b) over an n-d index space. `layout` holds rank i32 triples per dimension,
 * outermost first: size, stride in a, stride in b (elements; 0 = broadcast). output is
 * contiguous. The last dimension is the inner loop: four lanes at a time when both operands
 * are contiguous or broadcast along it.
 */
export function binary(op: i32, rank: i32, layout: usize, a: usize, b: usize, output: usize): void {
  const last = layout + <usize>((rank - 1) * 12);
  const rowLength = load<i32>(last);
  const aStep = load<i32>(last, 4);
  const bStep = load<i32>(last, 8);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= load<i32>(layout + <usize>(d * 12));
  // Counters for the outer dimensions live after the layout.
  const counters = layout + <usize>(rank * 12);
  for (let d = 0; d < rank; d++) store<i32>(counters + <usize>(d << 2), 0);
  let aIndex = 0;
  let bIndex = 0;
  let outIndex = 0;
  for (let row = 0; row < rows; row++) {
    binaryRow(op, rowLength, at(a, aIndex), aStep, at(b, bIndex), bStep, at(output, outIndex));
    outIndex += rowLength;
    for (let d = rank - 2; d >= 0; d--) {
      const entry = layout + <usize>(d * 12);
      const size = load<i32>(entry);
      const counter = counters + <usize>(d << 2);
      const count = load<i32>(counter) + 1;
      aIndex += load<i32>(entry, 4);
      bIndex += load<i32>(entry, 8);
      if (count < size) {
        store<i32>(counter, count);
        break;
      }
      aIndex -= load<i32>(entry, 4) * size;
      bIndex -= load<i32>(entry, 8) * size;
      store<i32>(counter, 0);
    }
  }
}

function binaryRow(op: i32, n: i32, a: usize, aStep: i32, b: usize, bStep: i32, output: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op != POW && aStep <= 1 && bStep <= 1) {
    switch (op) {
      case ADD: i = binaryRowVector(ADD, n, a, aStep, b, bStep, output); break;
      case SUB: i = binaryRowVector(SUB, n, a, aStep, b, bStep, output); break;
      case MUL: i = binaryRowVector(MUL, n, a, aStep, b, bStep, output); break;
      case DIV: i = binaryRowVector(DIV, n, a, aStep, b, bStep, output); break;
      case MAXIMUM: i = binaryRowVector(MAXIMUM, n, a, aStep, b, bStep, output); break;
      default: i = binaryRowVector(MINIMUM, n, a, aStep, b, bStep, output);
    }
  }
  for (; i < n; i++) {
    store<f32>(at(output, i), binaryScalar(op, load<f32>(at(a, i * aStep)), load<f32>(at(b, i * bStep))));
  }
}

/** The four-lane part of a row whose operands are contiguous (step 1) or broadcast (step 0). */
// @ts-ignore: decorator
@inline function binaryRowVector(op: i32, n: i32, a: usize, aStep: i32, b: usize, bStep: i32, output: usize): i32 {
  let i = 0;
  if (aStep == 1 && bStep == 1) {
    for (; i + 4 <= n; i += 4) v128.store(at(output, i), binaryVector(op, v128.load(at(a, i)), v128.load(at(b, i))));
  } else if (aStep == 1) {
    const bVector = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) v128.store(at(output, i), binaryVector(op, v128.load(at(a, i)), bVector));
  } else if (bStep == 1) {
    const aVector = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) v128.store(at(output, i), binaryVector(op, aVector, v128.load(at(b, i))));
  }
  return i;
}

/** output[i] = value for i < n. */
export function fill(n: i32, value: f32, output: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const splat = f32x4.splat(value);
    for (; i + 4 <= n; i += 4) v128.store(at(output, i), splat);
  }
  for (; i < n; i++) store<f32>(at(output, i), value);
}

/**
 * output[i] -= a[i] * b[i] (an optimizer's update: weights -= rates * gradients, one pass).
 * The product is rounded before the subtraction, never fused, so every variant agrees with
 * `mul` then `sub`.
 */
export function subtractProduct(n: i32, a: usize, b: usize, output: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const low = at(output, i);
      const high = at(output, i + 4);
      const productLow = f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i)));
      const productHigh = f32x4.mul(v128.load(at(a, i + 4)), v128.load(at(b, i + 4)));
      v128.store(low, f32x4.sub(v128.load(low), productLow));
      v128.store(high, f32x4.sub(v128.load(high), productHigh));
    }
  }
  for (; i < n; i++) {
    const cell = at(output, i);
    store<f32>(cell, load<f32>(cell) - load<f32>(at(a, i)) * load<f32>(at(b, i)));
  }
}

/**
 * y[i] = alpha * x[i] + beta * y[i] (BLAS's axpy with beta): products rounded, then the sum,
 * never fused, so every variant agrees with the reference. beta = 0 ignores what y held,
 * alpha = 0 ignores x.
 */
export function axpy(n: i32, alpha: f32, x: usize, beta: f32, y: usize): void {
  let i = 0;
  if (alpha == 0) {
    if (ASC_FEATURE_SIMD) {
      const betas = f32x4.splat(beta);
      for (; i + 4 <= n; i += 4) {
        const cell = at(y, i);
        v128.store(cell, beta == 0 ? f32x4.splat(0) : f32x4.mul(betas, v128.load(cell)));
      }
    }
    for (; i < n; i++) {
      const cell = at(y, i);
      store<f32>(cell, beta == 0 ? 0 : beta * load<f32>(cell));
    }
    return;
  }
  if (ASC_FEATURE_SIMD) {
    const alphas = f32x4.splat(alpha);
    const betas = f32x4.splat(beta);
    for (; i + 8 <= n; i += 8) {
      const low = at(y, i);
      const high = at(y, i + 4);
      const scaledLow = f32x4.mul(alphas, v128.load(at(x, i)));
      const scaledHigh = f32x4.mul(alphas, v128.load(at(x, i + 4)));
      if (beta == 0) {
        v128.store(low, scaledLow);
        v128.store(high, scaledHigh);
      } else {
        v128.store(low, f32x4.add(scaledLow, f32x4.mul(betas, v128.load(low))));
        v128.store(high, f32x4.add(scaledHigh, f32x4.mul(betas, v128.load(high))));
      }
    }
  }
  for (; i < n; i++) {
    const cell = at(y, i);
    const scaled: f32 = alpha * load<f32>(at(x, i));
    store<f32>(cell, beta == 0 ? scaled : scaled + beta * load<f32>(cell));
  }
}

/**
 * One Adam step in float64, as JavaScript computes it (so every build gives the reference's
 * bits): g = gradient + gradientDecay w; m, v the decayed moments; w = w weightScale -
 * stepSize m / (sqrt(v / correction2) + epsilon); m, v and w stored as float32.
 */
export function adamUpdate(
  n: i32, weights: usize, gradient: usize, first: usize, second: usize, beta1: f64,
  beta2: f64, epsilon: f64, stepSize: f64, correction2: f64, gradientDecay: f64,
  weightScale: f64,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const decays = f64x2.splat(gradientDecay);
    const beta1s = f64x2.splat(beta1);
    const beta2s = f64x2.splat(beta2);
    const rest1 = f64x2.splat(1 - beta1);
    const rest2 = f64x2.splat(1 - beta2);
    const steps = f64x2.splat(stepSize);
    const corrections = f64x2.splat(correction2);
    const epsilons = f64x2.splat(epsilon);
    const scales = f64x2.splat(weightScale);
    for (; i + 2 <= n; i += 2) {
      const w = f64x2.promote_low_f32x4(v128.load64_zero(at(weights, i)));
      const grad = f64x2.promote_low_f32x4(v128.load64_zero(at(gradient, i)));
      const g = f64x2.add(grad, f64x2.mul(decays, w));
      const m = f64x2.add(
        f64x2.mul(beta1s, f64x2.promote_low_f32x4(v128.load64_zero(at(first, i)))),
        f64x2.mul(rest1, g),
      );
      const v = f64x2.add(
        f64x2.mul(beta2s, f64x2.promote_low_f32x4(v128.load64_zero(at(second, i)))),
        f64x2.mul(f64x2.mul(rest2, g), g),
      );
      v128.store64_lane(at(first, i), f32x4.demote_f64x2_zero(m), 0);
      v128.store64_lane(at(second, i), f32x4.demote_f64x2_zero(v), 0);
      const denominator = f64x2.add(f64x2.sqrt(f64x2.div(v, corrections)), epsilons);
      const updated = f64x2.sub(f64x2.mul(w, scales), f64x2.div(f64x2.mul(steps, m), denominator));
      v128.store64_lane(at(weights, i), f32x4.demote_f64x2_zero(updated), 0);
    }
  }
  for (; i < n; i++) {
    const w = <f64>load<f32>(at(weights, i));
    const g = <f64>load<f32>(at(gradient, i)) + gradientDecay * w;
    const m = beta1 * <f64>load<f32>(at(first, i)) + (1 - beta1) * g;
    const v = beta2 * <f64>load<f32>(at(second, i)) + (1 - beta2) * g * g;
    store<f32>(at(first, i), <f32>m);
    store<f32>(at(second, i), <f32>v);
    store<f32>(at(weights, i), <f32>(w * weightScale - (stepSize * m) / (Math.sqrt(v / correction2) + epsilon)));
  }
}
