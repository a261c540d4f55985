// The paper's trainable sub-sampling (LeNet-5's S2, S4) in one call each way: window sums, one
// coefficient and one bias per output map, the activation. Output map m reads input map
// floor(m / multiplier). The 2 x 2 windows of LeNet run four outputs at a time.

import { derivativeFromOutput, derivativeFromOutputVector, unary } from './elementwise';
import { at } from './simd';

// Activation codes (src/backend/wasm/op-codes.ts).
const TANH: i32 = 6;
const SIGMOID: i32 = 7;
const RELU: i32 = 8;
const SCALED_TANH: i32 = 9;

/**
 * sums [batch, channels, outHeight, outWidth] = window sums of input; output [batch,
 * channels * multiplier, outHeight, outWidth] = activation(coefficient[m] * sums + bias[m]).
 */
export function subsampling(
  activation: i32,
  batch: i32,
  channels: i32,
  multiplier: i32,
  inHeight: i32,
  inWidth: i32,
  window: i32,
  outHeight: i32,
  outWidth: i32,
  input: usize,
  coefficient: usize,
  bias: usize,
  sums: usize,
  output: usize,
): void {
  const inner = outHeight * outWidth;
  const outChannels = channels * multiplier;
  for (let plane = 0; plane < batch * channels; plane++) {
    const source = at(input, plane * inHeight * inWidth);
    const planeSums = at(sums, plane * inner);
    for (let oh = 0; oh < outHeight; oh++) {
      const row = at(source, oh * window * inWidth);
      const target = at(planeSums, oh * outWidth);
      let ow = 0;
      if (window == 2) {
        const below = at(row, inWidth);
        if (ASC_FEATURE_SIMD) {
          for (; ow + 4 <= outWidth; ow += 4) {
            const top = pairSums(at(row, 2 * ow));
            v128.store(at(target, ow), f32x4.add(top, pairSums(at(below, 2 * ow))));
          }
        }
        for (; ow < outWidth; ow++) {
          const left = at(row, 2 * ow);
          const right = at(below, 2 * ow);
          store<f32>(at(target, ow), load<f32>(left) + load<f32>(left, 4) + (load<f32>(right) + load<f32>(right, 4)));
        }
      } else {
        for (; ow < outWidth; ow++) {
          let sum: f32 = 0;
          for (let kh = 0; kh < window; kh++) {
            const cells = at(row, kh * inWidth + ow * window);
            for (let kw = 0; kw < window; kw++) sum += load<f32>(at(cells, kw));
          }
          store<f32>(at(target, ow), sum);
        }
      }
    }
    const n = plane / channels;
    const c = plane % channels;
    for (let j = 0; j < multiplier; j++) {
      const m = c * multiplier + j;
      scaleShift(inner, planeSums, load<f32>(at(coefficient, m)), load<f32>(at(bias, m)), at(output, (n * outChannels + m) * inner));
    }
  }
  if (activation >= 0) unary(activation, batch * outChannels * inner, output, output);
}

/** Lanes (x0 + x1, x2 + x3, x4 + x5, x6 + x7) of the eight floats at `cells`. */
// @ts-ignore: decorator
@inline function pairSums(cells: usize): v128 {
  const low = v128.load(cells);
  const high = v128.load(cells, 16);
  return f32x4.add(v128.shuffle<f32>(low, high, 0, 2, 4, 6), v128.shuffle<f32>(low, high, 1, 3, 5, 7));
}

/** output[i] = scale * values[i] + shift. */
// @ts-ignore: decorator
@inline function scaleShift(n: i32, values: usize, scale: f32, shift: f32, output: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const scales = f32x4.splat(scale);
    const shifts = f32x4.splat(shift);
    for (; i + 4 <= n; i += 4) {
      v128.store(at(output, i), f32x4.add(f32x4.mul(scales, v128.load(at(values, i))), shifts));
    }
  }
  for (; i < n; i++) store<f32>(at(output, i), scale * load<f32>(at(values, i)) + shift);
}

/**
 * gradOutput = gradOutput * activation'(output); gradBias[m] = its sum, gradCoefficient[m] =
 * the sum of it times sums; gradInput (unless 0) = coefficient[m] * it over each window, summed
 * over the maps reading the window's input map.
 */
export function subsamplingBackward(
  activation: i32,
  batch: i32,
  channels: i32,
  multiplier: i32,
  inHeight: i32,
  inWidth: i32,
  window: i32,
  outHeight: i32,
  outWidth: i32,
  sums: usize,
  output: usize,
  coefficient: usize,
  gradOutput: usize,
  gradCoefficient: usize,
  gradBias: usize,
  gradInput: usize,
): void {
  const inner = outHeight * outWidth;
  const outChannels = channels * multiplier;
  memory.fill(gradCoefficient, 0, <usize>outChannels << 2);
  memory.fill(gradBias, 0, <usize>outChannels << 2);
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const from = at(sums, (n * channels + m / multiplier) * inner);
      const to = (n * outChannels + m) * inner;
      switch (activation) {
        case TANH: mapGradient(TANH, inner, at(output, to), at(gradOutput, to), from, at(gradBias, m), at(gradCoefficient, m)); break;
        case SIGMOID: mapGradient(SIGMOID, inner, at(output, to), at(gradOutput, to), from, at(gradBias, m), at(gradCoefficient, m)); break;
        case RELU: mapGradient(RELU, inner, at(output, to), at(gradOutput, to), from, at(gradBias, m), at(gradCoefficient, m)); break;
        case SCALED_TANH: mapGradient(SCALED_TANH, inner, at(output, to), at(gradOutput, to), from, at(gradBias, m), at(gradCoefficient, m)); break;
        default: mapGradient(-1, inner, at(output, to), at(gradOutput, to), from, at(gradBias, m), at(gradCoefficient, m));
      }
    }
  }
  if (gradInput == 0) return;
  const inPlane = inHeight * inWidth;
  memory.fill(gradInput, 0, <usize>(batch * channels * inPlane) << 2);
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const scale = load<f32>(at(coefficient, m));
      const gradient = at(gradOutput, (n * outChannels + m) * inner);
      const target = at(gradInput, (n * channels + m / multiplier) * inPlane);
      for (let oh = 0; oh < outHeight; oh++) {
        const row = at(target, oh * window * inWidth);
        const values = at(gradient, oh * outWidth);
        let ow = 0;
        if (ASC_FEATURE_SIMD && window == 2) {
          const scales = f32x4.splat(scale);
          for (; ow + 4 <= outWidth; ow += 4) {
            const value = f32x4.mul(scales, v128.load(at(values, ow)));
            const low = v128.shuffle<f32>(value, value, 0, 0, 1, 1);
            const high = v128.shuffle<f32>(value, value, 2, 2, 3, 3);
            addVector(at(row, 2 * ow), low);
            addVector(at(row, 2 * ow + 4), high);
            addVector(at(row, inWidth + 2 * ow), low);
            addVector(at(row, inWidth + 2 * ow + 4), high);
          }
        }
        for (; ow < outWidth; ow++) {
          const value = scale * load<f32>(at(values, ow));
          for (let kh = 0; kh < window; kh++) {
            const cells = at(row, kh * inWidth + ow * window);
            for (let kw = 0; kw < window; kw++) {
              const cell = at(cells, kw);
              store<f32>(cell, load<f32>(cell) + value);
            }
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function addVector(cell: usize, value: v128): void {
  v128.store(cell, f32x4.add(v128.load(cell), value));
}

/**
 * One output map: gradient[i] *= activation'(output[i]); *gradBias += sum of the gradient,
 * *gradCoefficient += sum of gradient * sums (four-lane partial sums, then the rest).
 */
// @ts-ignore: decorator
@inline function mapGradient(
  activation: i32,
  n: i32,
  output: usize,
  gradient: usize,
  sums: usize,
  gradBias: usize,
  gradCoefficient: usize,
): void {
  let biasSum: f32 = 0;
  let coefficientSum: f32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let biasLanes = f32x4.splat(0);
    let coefficientLanes = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const cell = at(gradient, i);
      const grad = f32x4.mul(v128.load(cell), derivativeFromOutputVector(activation, v128.load(at(output, i))));
      v128.store(cell, grad);
      biasLanes = f32x4.add(biasLanes, grad);
      coefficientLanes = f32x4.add(coefficientLanes, f32x4.mul(grad, v128.load(at(sums, i))));
    }
    biasSum = fold(biasLanes);
    coefficientSum = fold(coefficientLanes);
  }
  for (; i < n; i++) {
    const cell = at(gradient, i);
    const grad = load<f32>(cell) * derivativeFromOutput(activation, load<f32>(at(output, i)));
    store<f32>(cell, grad);
    biasSum += grad;
    coefficientSum += grad * load<f32>(at(sums, i));
  }
  store<f32>(gradBias, load<f32>(gradBias) + biasSum);
  store<f32>(gradCoefficient, load<f32>(gradCoefficient) + coefficientSum);
}

/** (lane 0 + lane 1) + (lane 2 + lane 3). */
// @ts-ignore: decorator
@inline function fold(lanes: v128): f32 {
  return f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1) + (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
}
