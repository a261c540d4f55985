// 2-D pooling over independent planes, no padding: max (with argmax), average, sum.

import { at } from './simd';

export const POOL_MAX: i32 = 0;
export const POOL_AVERAGE: i32 = 1;
export const POOL_SUM: i32 = 2;

export function pool2dForward(
  mode: i32,
  planes: i32,
  inHeight: i32,
  inWidth: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  outHeight: i32,
  outWidth: i32,
  input: usize,
  output: usize,
  argmax: usize,
): void {
  const scale: f32 = mode == POOL_AVERAGE ? <f32>1 / <f32>(kernelHeight * kernelWidth) : 1;
  if (ASC_FEATURE_SIMD && mode != POOL_MAX && isTwoByTwoTiling(inHeight, inWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, outHeight, outWidth)) {
    sumPoolTwoByTwo(planes * outHeight, outWidth, input, output, scale);
    return;
  }
  const inPlane = inHeight * inWidth;
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = at(input, plane * inPlane);
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight;
      for (let ow = 0; ow < outWidth; ow++, out++) {
        const left = ow * strideWidth;
        if (mode == POOL_MAX) {
          let best: f32 = -Infinity;
          let bestIndex = top * inWidth + left;
          for (let kh = 0; kh < kernelHeight; kh++) {
            let index = (top + kh) * inWidth + left;
            for (let kw = 0; kw < kernelWidth; kw++, index++) {
              const value = load<f32>(at(base, index));
              if (value > best || value != value) {
                best = value;
                bestIndex = index;
                if (value != value) {
                  kh = kernelHeight; // stop at the first NaN
                  break;
                }
              }
            }
          }
          store<f32>(at(output, out), best);
          store<i32>(at(argmax, out), bestIndex);
        } else if (kernelWidth == 2 && strideWidth == 2 && kernelHeight == 2) {
          // LeNet's sub-sampling windows: 2 x 2, two rows of two.
          const row = at(base, top * inWidth + left);
          const sum =
            load<f32>(row) + load<f32>(row, 4) + (load<f32>(at(row, inWidth)) + load<f32>(at(row, inWidth), 4));
          store<f32>(at(output, out), sum * scale);
        } else {
          let sum: f32 = 0;
          for (let kh = 0; kh < kernelHeight; kh++) {
            const row = at(base, (top + kh) * inWidth + left);
            for (let kw = 0; kw < kernelWidth; kw++) sum += load<f32>(at(row, kw));
          }
          store<f32>(at(output, out), sum * scale);
        }
      }
    }
  }
}

export function pool2dBackward(
  mode: i32,
  planes: i32,
  inHeight: i32,
  inWidth: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  outHeight: i32,
  outWidth: i32,
  gradOutput: usize,
  gradInput: usize,
  argmax: usize,
): void {
  const scale: f32 = mode == POOL_AVERAGE ? <f32>1 / <f32>(kernelHeight * kernelWidth) : 1;
  if (ASC_FEATURE_SIMD && mode != POOL_MAX && isTwoByTwoTiling(inHeight, inWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, outHeight, outWidth)) {
    sumPoolTwoByTwoBackward(planes * outHeight, outWidth, gradOutput, gradInput, scale);
    return;
  }
  const inPlane = inHeight * inWidth;
  memory.fill(gradInput, 0, <usize>(planes * inPlane) << 2);
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = at(gradInput, plane * inPlane);
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight;
      for (let ow = 0; ow < outWidth; ow++, out++) {
        const grad = load<f32>(at(gradOutput, out));
        if (mode == POOL_MAX) {
          const cell = at(base, load<i32>(at(argmax, out)));
          store<f32>(cell, load<f32>(cell) + grad);
          continue;
        }
        const value = grad * scale;
        const left = ow * strideWidth;
        for (let kh = 0; kh < kernelHeight; kh++) {
          const row = at(base, (top + kh) * inWidth + left);
          for (let kw = 0; kw < kernelWidth; kw++) {
            const cell = at(row, kw);
            store<f32>(cell, load<f32>(cell) + value);
          }
        }
      }
    }
  }
}

/** LeNet's sub-sampling: 2 x 2 windows, stride 2, tiling the input exactly. */
// @ts-ignore: decorator
@inline function isTwoByTwoTiling(
  inHeight: i32, inWidth: i32, kernelHeight: i32, kernelWidth: i32, strideHeight: i32,
  strideWidth: i32, outHeight: i32, outWidth: i32,
): bool {
  return kernelHeight == 2 && kernelWidth == 2 && strideHeight == 2 && strideWidth == 2 &&
    inHeight == 2 * outHeight && inWidth == 2 * outWidth;
}

/**
 * Sum (times scale) of 2 x 2 windows over `rows` output rows of `width`: add the two input
 * rows, then the even and odd lanes of the result, four outputs at a time.
 */
function sumPoolTwoByTwo(rows: i32, width: i32, input: usize, output: usize, scale: f32): void {
  if (!ASC_FEATURE_SIMD) return;
  const scaleVector = f32x4.splat(scale);
  const inWidth = width * 2;
  for (let row = 0; row < rows; row++) {
    const top = at(input, row * 2 * inWidth);
    const bottom = at(top, inWidth);
    const out = at(output, row * width);
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const left = f32x4.add(v128.load(at(top, 2 * x)), v128.load(at(bottom, 2 * x)));
      const right = f32x4.add(v128.load(at(top, 2 * x + 4)), v128.load(at(bottom, 2 * x + 4)));
      const even = v128.shuffle<f32>(left, right, 0, 2, 4, 6);
      const odd = v128.shuffle<f32>(left, right, 1, 3, 5, 7);
      v128.store(at(out, x), f32x4.mul(f32x4.add(even, odd), scaleVector));
    }
    for (; x < width; x++) {
      const sum = load<f32>(at(top, 2 * x)) + load<f32>(at(top, 2 * x + 1)) +
        (load<f32>(at(bottom, 2 * x)) + load<f32>(at(bottom, 2 * x + 1)));
      store<f32>(at(out, x), sum * scale);
    }
  }
}

/** The backward of sumPoolTwoByTwo: every gradient (times scale) copied into its 2 x 2 window. */
function sumPoolTwoByTwoBackward(rows: i32, width: i32, gradOutput: usize, gradInput: usize, scale: f32): void {
  if (!ASC_FEATURE_SIMD) return;
  const scaleVector = f32x4.splat(scale);
  const inWidth = width * 2;
  for (let row = 0; row < rows; row++) {
    const top = at(gradInput, row * 2 * inWidth);
    const bottom = at(top, inWidth);
    const grad = at(gradOutput, row * width);
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const g = f32x4.mul(v128.load(at(grad, x)), scaleVector);
      const low = v128.shuffle<f32>(g, g, 0, 0, 1, 1);
      const high = v128.shuffle<f32>(g, g, 2, 2, 3, 3);
      v128.store(at(top, 2 * x), low);
      v128.store(at(top, 2 * x + 4), high);
      v128.store(at(bottom, 2 * x), low);
      v128.store(at(bottom, 2 * x + 4), high);
    }
    for (; x < width; x++) {
      const value = load<f32>(at(grad, x)) * scale;
      store<f32>(at(top, 2 * x), value);
      store<f32>(at(top, 2 * x + 1), value);
      store<f32>(at(bottom, 2 * x), value);
      store<f32>(at(bottom, 2 * x + 1), value);
    }
  }
}
