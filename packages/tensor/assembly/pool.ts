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
