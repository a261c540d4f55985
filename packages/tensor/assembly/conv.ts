// Helpers of the im2col convolution: the orchestration (which GEMM, on which rows) is in
// src/backend/wasm/conv2d.ts; these are the loops over every element.

import { at } from './simd';

/**
 * Lays out the receptive fields of `images` images as columns: cols is
 * [channels * kernelHeight * kernelWidth, images * outHeight * outWidth] (row stride
 * `columns`), row (c, kh, kw), column (image, oy, ox) holding
 * input[image, c, oy * strideHeight - paddingHeight + kh, ox * strideWidth - paddingWidth + kw]
 * (zero outside the image).
 */
export function im2col(
  input: usize,
  images: i32,
  channels: i32,
  height: i32,
  width: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  paddingHeight: i32,
  paddingWidth: i32,
  outHeight: i32,
  outWidth: i32,
  cols: usize,
  columns: i32,
): void {
  const spatial = outHeight * outWidth;
  const plane = height * width;
  if (strideHeight == 1 && strideWidth == 1 && paddingHeight == 0 && paddingWidth == 0) {
    // LeNet's case: every row of the column matrix is a window of the image, row by row.
    let destination = cols;
    for (let c = 0; c < channels; c++) {
      for (let kh = 0; kh < kernelHeight; kh++) {
        for (let kw = 0; kw < kernelWidth; kw++) {
          let target = destination;
          for (let image = 0; image < images; image++) {
            let source = at(input, (image * channels + c) * plane + kh * width + kw);
            for (let oy = 0; oy < outHeight; oy++) {
              copyRow(target, source, outWidth);
              source = at(source, width);
              target = at(target, outWidth);
            }
          }
          destination = at(destination, columns);
        }
      }
    }
    return;
  }
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        // Output columns whose input column ox * strideWidth - paddingWidth + kw is inside.
        const first = max(0, ceilDivide(paddingWidth - kw, strideWidth));
        const last = min(outWidth, ceilDivide(width + paddingWidth - kw, strideWidth));
        for (let image = 0; image < images; image++) {
          const source = at(input, (image * channels + c) * plane);
          let destination = at(cols, row * columns + image * spatial);
          for (let oy = 0; oy < outHeight; oy++) {
            const y = oy * strideHeight - paddingHeight + kh;
            if (y < 0 || y >= height || first >= last) {
              zeroFloats(destination, outWidth);
            } else {
              if (first > 0) zeroFloats(destination, first);
              const sourceRow = at(source, y * width - paddingWidth + kw);
              if (strideWidth == 1) {
                copyFloats(at(destination, first), at(sourceRow, first), last - first);
              } else {
                for (let ox = first; ox < last; ox++) {
                  store<f32>(at(destination, ox), load<f32>(at(sourceRow, ox * strideWidth)));
                }
              }
              if (last < outWidth) zeroFloats(at(destination, last), outWidth - last);
            }
            destination = at(destination, outWidth);
          }
        }
        row++;
      }
    }
  }
}

/** The adjoint of im2col: gradInput (zeroed first) accumulates every column entry. */
export function col2im(
  cols: usize,
  columns: i32,
  images: i32,
  channels: i32,
  height: i32,
  width: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  paddingHeight: i32,
  paddingWidth: i32,
  outHeight: i32,
  outWidth: i32,
  gradInput: usize,
): void {
  const spatial = outHeight * outWidth;
  const plane = height * width;
  memory.fill(gradInput, 0, <usize>(images * channels * plane) << 2);
  if (strideHeight == 1 && strideWidth == 1 && paddingHeight == 0 && paddingWidth == 0) {
    let source = cols;
    for (let c = 0; c < channels; c++) {
      for (let kh = 0; kh < kernelHeight; kh++) {
        for (let kw = 0; kw < kernelWidth; kw++) {
          let from = source;
          for (let image = 0; image < images; image++) {
            let target = at(gradInput, (image * channels + c) * plane + kh * width + kw);
            for (let oy = 0; oy < outHeight; oy++) {
              accumulate(target, from, outWidth);
              target = at(target, width);
              from = at(from, outWidth);
            }
          }
          source = at(source, columns);
        }
      }
    }
    return;
  }
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        const first = max(0, ceilDivide(paddingWidth - kw, strideWidth));
        const last = min(outWidth, ceilDivide(width + paddingWidth - kw, strideWidth));
        for (let image = 0; image < images; image++) {
          const target = at(gradInput, (image * channels + c) * plane);
          let source = at(cols, row * columns + image * spatial);
          for (let oy = 0; oy < outHeight; oy++) {
            const y = oy * strideHeight - paddingHeight + kh;
            if (y >= 0 && y < height && first < last) {
              const targetRow = at(target, y * width - paddingWidth + kw);
              if (strideWidth == 1) {
                accumulate(at(targetRow, first), at(source, first), last - first);
              } else {
                for (let ox = first; ox < last; ox++) {
                  const cell = at(targetRow, ox * strideWidth);
                  store<f32>(cell, load<f32>(cell) + load<f32>(at(source, ox)));
                }
              }
            }
            source = at(source, outWidth);
          }
        }
        row++;
      }
    }
  }
}

/** destination[0..n] += source[0..n]. */
export function accumulate(destination: usize, source: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const cell = at(destination, i);
      v128.store(cell, f32x4.add(v128.load(cell), v128.load(at(source, i))));
    }
  }
  for (; i < n; i++) {
    const cell = at(destination, i);
    store<f32>(cell, load<f32>(cell) + load<f32>(at(source, i)));
  }
}

/**
 * From channel-major [channels, images * spatial] (what the GEMM produces) to NCHW
 * [images, channels, spatial], adding bias[c] when bias is not 0.
 */
export function channelMajorToNchw(
  source: usize,
  images: i32,
  channels: i32,
  spatial: i32,
  bias: usize,
  destination: usize,
): void {
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      const from = at(source, c * images * spatial + image * spatial);
      const to = at(destination, (image * channels + c) * spatial);
      const value: f32 = bias == 0 ? 0 : load<f32>(at(bias, c));
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        const vector = f32x4.splat(value);
        for (; i + 4 <= spatial; i += 4) {
          v128.store(at(to, i), f32x4.add(v128.load(at(from, i)), vector));
        }
      }
      for (; i < spatial; i++) store<f32>(at(to, i), load<f32>(at(from, i)) + value);
    }
  }
}

/** From NCHW [images, channels, spatial] to channel-major [channels, images * spatial]. */
export function nchwToChannelMajor(
  source: usize,
  images: i32,
  channels: i32,
  spatial: i32,
  destination: usize,
): void {
  const bytes = (<usize>spatial) << 2;
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      memory.copy(
        at(destination, c * images * spatial + image * spatial),
        at(source, (image * channels + c) * spatial),
        bytes,
      );
    }
  }
}

/** destination[r] (+)= sum of source[r, 0..columns] for r < rows (accumulate: add to it). */
export function rowSums(
  source: usize,
  rows: i32,
  columns: i32,
  destination: usize,
  accumulateInto: bool,
): void {
  for (let r = 0; r < rows; r++) {
    const sum = <f32>sumFloats(at(source, r * columns), columns);
    const cell = at(destination, r);
    store<f32>(cell, accumulateInto ? load<f32>(cell) + sum : sum);
  }
}

/** Sum of n floats: four-lane partial sums over blocks of 256, blocks added in f64. */
export function sumFloats(source: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let start = 0; start < n; start += 256) {
    const end = min(n, start + 256);
    let i = start;
    let block: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      let lanes = f32x4.splat(0);
      for (; i + 4 <= end; i += 4) lanes = f32x4.add(lanes, v128.load(at(source, i)));
      block =
        f32x4.extract_lane(lanes, 0) +
        f32x4.extract_lane(lanes, 1) +
        (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
    }
    for (; i < end; i++) block += load<f32>(at(source, i));
    total += <f64>block;
  }
  return total;
}

// @ts-ignore: decorator
@inline function ceilDivide(numerator: i32, denominator: i32): i32 {
  // Floor division rounds toward -infinity, so this is exact for negative numerators too.
  return -floorDivide(-numerator, denominator);
}

// @ts-ignore: decorator
@inline function floorDivide(numerator: i32, denominator: i32): i32 {
  const quotient = numerator / denominator;
  return quotient * denominator > numerator ? quotient - 1 : quotient;
}

// Image rows are short (LeNet: 28, 10, 5 floats): an inline loop beats memory.copy / memory.fill,
// which V8 runs as a call into the runtime.

/** destination[0..n] = source[0..n] (no overlap). */
// @ts-ignore: decorator
@inline export function copyFloats(destination: usize, source: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(at(destination, i), v128.load(at(source, i)));
  }
  for (; i < n; i++) store<f32>(at(destination, i), load<f32>(at(source, i)));
}

/** destination[0..n] = 0. */
// @ts-ignore: decorator
@inline export function zeroFloats(destination: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(at(destination, i), f32x4.splat(0));
  }
  for (; i < n; i++) store<f32>(at(destination, i), 0);
}

/** destination[0..n] = source[0..n]; rows of 4 or more end with one overlapping vector. */
// @ts-ignore: decorator
@inline function copyRow(destination: usize, source: usize, n: i32): void {
  if (ASC_FEATURE_SIMD && n >= 4) {
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(at(destination, i), v128.load(at(source, i)));
    if (i < n) v128.store(at(destination, n - 4), v128.load(at(source, n - 4)));
  } else {
    for (let i = 0; i < n; i++) store<f32>(at(destination, i), load<f32>(at(source, i)));
  }
}
