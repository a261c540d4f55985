// Reference 2-D convolution as im2col + GEMM. Each batch item's receptive fields are unrolled
// into a [inChannels * kernelHeight * kernelWidth, outHeight * outWidth] matrix (a reused
// workspace), so forward, backward-input and backward-weight are each one GEMM per item.
// The connection table is applied by zeroing the weights of unconnected channel pairs in a
// workspace copy (forward, backward-input) and in the weight gradient.
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
} from '../backend.js';
import { gemm } from './gemm.js';

let columns = new Float32Array(0);
let maskedWeight = new Float32Array(0);

function columnsWorkspace(length: number): Float32Array {
  if (columns.length < length) columns = new Float32Array(length);
  return columns;
}

/** The weight with unconnected pairs zeroed, or the weight itself when the table is dense. */
function effectiveWeight(geometry: Conv2dGeometry, weight: Float32Array): Float32Array {
  const { connection, outChannels, inChannels, kernelHeight, kernelWidth } = geometry;
  if (!connection) return weight;
  const kernelSize = kernelHeight * kernelWidth;
  const length = outChannels * inChannels * kernelSize;
  if (maskedWeight.length < length) maskedWeight = new Float32Array(length);
  maskedWeight.set(weight.subarray(0, length));
  zeroUnconnected(geometry, maskedWeight);
  return maskedWeight;
}

function zeroUnconnected(geometry: Conv2dGeometry, weight: Float32Array): void {
  const { connection, outChannels, inChannels, kernelHeight, kernelWidth } = geometry;
  if (!connection) return;
  const kernelSize = kernelHeight * kernelWidth;
  for (let o = 0; o < outChannels; o++) {
    for (let c = 0; c < inChannels; c++) {
      if (connection[o * inChannels + c] !== 0) continue;
      const start = (o * inChannels + c) * kernelSize;
      weight.fill(0, start, start + kernelSize);
    }
  }
}

/** Unrolls item `item` of the input into `columns` [C*KH*KW, OH*OW], zeros in the padding. */
function im2col(geometry: Conv2dGeometry, input: Float32Array, item: number): void {
  const { inChannels, inHeight, inWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth } = geometry;
  const spatial = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < inChannels; c++) {
    const plane = (item * inChannels + c) * inHeight * inWidth;
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++, row++) {
        let index = row * spatial;
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * strideHeight - paddingHeight + kh;
          if (ih < 0 || ih >= inHeight) {
            columns.fill(0, index, index + outWidth);
            index += outWidth;
            continue;
          }
          const inputRow = plane + ih * inWidth;
          for (let ow = 0; ow < outWidth; ow++, index++) {
            const iw = ow * strideWidth - paddingWidth + kw;
            columns[index] = iw >= 0 && iw < inWidth ? input[inputRow + iw] : 0;
          }
        }
      }
    }
  }
}

/** Adds `columns` back into item `item` of gradInput (the adjoint of im2col). */
function col2imAdd(geometry: Conv2dGeometry, gradInput: Float32Array, item: number): void {
  const { inChannels, inHeight, inWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth } = geometry;
  const spatial = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < inChannels; c++) {
    const plane = (item * inChannels + c) * inHeight * inWidth;
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++, row++) {
        let index = row * spatial;
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * strideHeight - paddingHeight + kh;
          if (ih < 0 || ih >= inHeight) {
            index += outWidth;
            continue;
          }
          const inputRow = plane + ih * inWidth;
          for (let ow = 0; ow < outWidth; ow++, index++) {
            const iw = ow * strideWidth - paddingWidth + kw;
            if (iw >= 0 && iw < inWidth) gradInput[inputRow + iw] += columns[index];
          }
        }
      }
    }
  }
}

function gemmShape(geometry: Conv2dGeometry) {
  const patch = geometry.inChannels * geometry.kernelHeight * geometry.kernelWidth;
  const spatial = geometry.outHeight * geometry.outWidth;
  return { patch, spatial };
}

export function conv2dForward(args: Conv2dForwardArgs): void {
  const { batch, outChannels, input, bias, output } = args;
  const { patch, spatial } = gemmShape(args);
  const weight = effectiveWeight(args, args.weight);
  columnsWorkspace(patch * spatial);
  for (let item = 0; item < batch; item++) {
    im2col(args, input, item);
    // output[item] [outC, spatial] = weight [outC, patch] @ columns [patch, spatial]
    gemm({
      batch: 1,
      m: outChannels,
      n: spatial,
      k: patch,
      transA: false,
      transB: false,
      alpha: 1,
      beta: 0,
      a: weight,
      aOffset: 0,
      lda: patch,
      aBatchStride: 0,
      b: columns,
      bOffset: 0,
      ldb: spatial,
      bBatchStride: 0,
      c: output,
      cOffset: item * outChannels * spatial,
      ldc: spatial,
      cBatchStride: 0,
    });
    if (bias) {
      for (let o = 0; o < outChannels; o++) {
        const start = (item * outChannels + o) * spatial;
        const value = bias[o];
        for (let s = 0; s < spatial; s++) output[start + s] += value;
      }
    }
  }
}

export function conv2dBackwardInput(args: Conv2dBackwardInputArgs): void {
  const { batch, outChannels, gradOutput, gradInput } = args;
  const { patch, spatial } = gemmShape(args);
  const weight = effectiveWeight(args, args.weight);
  columnsWorkspace(patch * spatial);
  gradInput.fill(0, 0, batch * args.inChannels * args.inHeight * args.inWidth);
  for (let item = 0; item < batch; item++) {
    // columns [patch, spatial] = weight^T [patch, outC] @ gradOutput[item] [outC, spatial]
    gemm({
      batch: 1,
      m: patch,
      n: spatial,
      k: outChannels,
      transA: true,
      transB: false,
      alpha: 1,
      beta: 0,
      a: weight,
      aOffset: 0,
      lda: patch,
      aBatchStride: 0,
      b: gradOutput,
      bOffset: item * outChannels * spatial,
      ldb: spatial,
      bBatchStride: 0,
      c: columns,
      cOffset: 0,
      ldc: spatial,
      cBatchStride: 0,
    });
    col2imAdd(args, gradInput, item);
  }
}

export function conv2dBackwardWeight(args: Conv2dBackwardWeightArgs): void {
  const { batch, outChannels, input, gradOutput, gradWeight, gradBias } = args;
  const { patch, spatial } = gemmShape(args);
  columnsWorkspace(patch * spatial);
  if (batch === 0) gradWeight.fill(0, 0, outChannels * patch);
  for (let item = 0; item < batch; item++) {
    im2col(args, input, item);
    // gradWeight [outC, patch] (+)= gradOutput[item] [outC, spatial] @ columns^T [spatial, patch]
    gemm({
      batch: 1,
      m: outChannels,
      n: patch,
      k: spatial,
      transA: false,
      transB: true,
      alpha: 1,
      beta: item === 0 ? 0 : 1,
      a: gradOutput,
      aOffset: item * outChannels * spatial,
      lda: spatial,
      aBatchStride: 0,
      b: columns,
      bOffset: 0,
      ldb: spatial,
      bBatchStride: 0,
      c: gradWeight,
      cOffset: 0,
      ldc: patch,
      cBatchStride: 0,
    });
  }
  zeroUnconnected(args, gradWeight);
  if (gradBias) {
    for (let o = 0; o < outChannels; o++) {
      let sum = 0;
      for (let item = 0; item < batch; item++) {
        const start = (item * outChannels + o) * spatial;
        for (let s = 0; s < spatial; s++) sum += gradOutput[start + s];
      }
      gradBias[o] = sum;
    }
  }
}
