// The connection-table (LeNet-5's C3) part of each im2col convolution, one call per chunk of
// images: per input channel c, only the output channels connected to c take part, their
// weights (or gradient rows) gathered into a small matrix, one GEMM, and each partial
// product added into its output rows. src/backend/wasm/conv2d.ts does the rest (im2col,
// layout changes). Running these loops here rather than in JavaScript saves the hundred or
// so calls across the boundary that a LeNet-5 step would otherwise make for C3 alone.
//
// `mask` is the connection table as int32 [outChannels, inChannels], nonzero = connected.
// Matrices are channel-major: [channels, columns] with columns = images * spatial.

import { accumulate, copyFloats, zeroFloats } from './conv';
import { dotProducts } from './dot-products';
import { gemm } from './gemm';
import { at } from './simd';

/**
 * product [outChannels, columns] = for each output o, the sum over connected input channels c
 * (ascending) of weight[o, c, :] [1, patch] x the patch rows of c in cols [inChannels * patch,
 * columns]. Workspaces: partial [outChannels, columns], gathered [outChannels, patch].
 */
export function maskedConvForward(
  mask: usize,
  inChannels: i32,
  outChannels: i32,
  patch: i32,
  weight: usize,
  cols: usize,
  columns: i32,
  product: usize,
  partial: usize,
  gathered: usize,
): void {
  zeroFloats(product, outChannels * columns);
  for (let c = 0; c < inChannels; c++) {
    let rows = 0;
    for (let o = 0; o < outChannels; o++) {
      if (!connected(mask, inChannels, o, c)) continue;
      copyFloats(at(gathered, rows * patch), at(weight, (o * inChannels + c) * patch), patch);
      rows++;
    }
    if (rows == 0) continue;
    const colsOfChannel = at(cols, c * patch * columns);
    gemm(false, false, rows, columns, patch, 1, gathered, patch, colsOfChannel, columns, 0, partial, columns);
    let row = 0;
    for (let o = 0; o < outChannels; o++) {
      if (!connected(mask, inChannels, o, c)) continue;
      accumulate(at(product, o * columns), at(partial, row * columns), columns);
      row++;
    }
  }
}

/**
 * gradCols [inChannels * patch, columns]: the patch rows of input channel c = weight[o, c, :]^T
 * x grad[o, :] summed over the outputs o connected to c (zeros when none is). Workspaces:
 * gatheredGrad [outChannels, columns], gathered [outChannels, patch].
 */
export function maskedConvBackwardInput(
  mask: usize,
  inChannels: i32,
  outChannels: i32,
  patch: i32,
  weight: usize,
  grad: usize,
  columns: i32,
  gradCols: usize,
  gatheredGrad: usize,
  gathered: usize,
): void {
  for (let c = 0; c < inChannels; c++) {
    const colsOfChannel = at(gradCols, c * patch * columns);
    let rows = 0;
    for (let o = 0; o < outChannels; o++) {
      if (!connected(mask, inChannels, o, c)) continue;
      copyFloats(at(gathered, rows * patch), at(weight, (o * inChannels + c) * patch), patch);
      copyFloats(at(gatheredGrad, rows * columns), at(grad, o * columns), columns);
      rows++;
    }
    if (rows == 0) {
      zeroFloats(colsOfChannel, patch * columns);
      continue;
    }
    gemm(true, false, patch, columns, rows, 1, gathered, patch, gatheredGrad, columns, 0, colsOfChannel, columns);
  }
}

/**
 * gradWeight[o, c, :] += grad[o, :] x (the patch rows of c in cols)^T for every connected pair
 * (unconnected weights are not touched: the caller zeroes gradWeight once). Workspaces:
 * gatheredGrad [outChannels, columns], partial [outChannels, patch].
 */
export function maskedConvBackwardWeight(
  mask: usize,
  inChannels: i32,
  outChannels: i32,
  patch: i32,
  grad: usize,
  cols: usize,
  columns: i32,
  gradWeight: usize,
  gatheredGrad: usize,
  partial: usize,
): void {
  for (let c = 0; c < inChannels; c++) {
    let rows = 0;
    for (let o = 0; o < outChannels; o++) {
      if (!connected(mask, inChannels, o, c)) continue;
      copyFloats(at(gatheredGrad, rows * columns), at(grad, o * columns), columns);
      rows++;
    }
    if (rows == 0) continue;
    const colsOfChannel = at(cols, c * patch * columns);
    dotProducts(rows, patch, columns, gatheredGrad, columns, colsOfChannel, columns, 0, partial, patch);
    let row = 0;
    for (let o = 0; o < outChannels; o++) {
      if (!connected(mask, inChannels, o, c)) continue;
      accumulate(at(gradWeight, (o * inChannels + c) * patch), at(partial, row * patch), patch);
      row++;
    }
  }
}

// @ts-ignore: decorator
@inline function connected(mask: usize, inChannels: i32, o: i32, c: i32): bool {
  return load<i32>(at(mask, o * inChannels + c)) != 0;
}
