// Convolution on the wasm module as im2col + GEMM, a whole chunk of images per GEMM: the
// receptive fields of every image of the chunk are columns of one matrix, so even LeNet's C5
// (1 x 1 output per image) multiplies matrices of useful width. The GEMM works channel-major
// ([outChannels, images * spatial]); the result is transposed back to NCHW (with the bias
// added) in one pass.
//
// With a connection table (LeNet's C3), masked pairs are not computed: per input channel c,
// only the output channels connected to c take part (their weights gathered into a small
// matrix), and each partial product is added into its output rows.

import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
} from '../backend.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Floats of im2col columns per chunk: bounds the workspace (16 MB) for any batch size. */
const columnBudget = 4 * 2 ** 20;

interface Plan {
  patch: number; // kernelHeight * kernelWidth
  depth: number; // inChannels * patch: rows of the column matrix
  spatial: number; // outHeight * outWidth
  imagesPerChunk: number;
  /** Per input channel, the output channels connected to it; null = dense. */
  connected: number[][] | null;
  widestGroup: number;
}

function plan(g: Conv2dGeometry): Plan {
  const patch = g.kernelHeight * g.kernelWidth;
  const depth = g.inChannels * patch;
  const spatial = g.outHeight * g.outWidth;
  const imagesPerChunk = Math.max(
    1,
    Math.min(g.batch, Math.floor(columnBudget / (depth * spatial))),
  );
  let connected: number[][] | null = null;
  let widestGroup = g.outChannels;
  if (g.connection) {
    connected = [];
    widestGroup = 0;
    for (let c = 0; c < g.inChannels; c++) {
      const outputs: number[] = [];
      for (let o = 0; o < g.outChannels; o++) {
        if (g.connection[o * g.inChannels + c]) outputs.push(o);
      }
      connected.push(outputs);
      widestGroup = Math.max(widestGroup, outputs.length);
    }
  }
  return { patch, depth, spatial, imagesPerChunk, connected, widestGroup };
}

/** Byte sizes rounded to cache lines, laid out one after another from `start`. */
function carve(start: number, ...floatCounts: number[]): number[] {
  const pointers: number[] = [];
  let cursor = start;
  for (const count of floatCounts) {
    pointers.push(cursor);
    cursor += Math.ceil((count * 4) / 64) * 64;
  }
  return pointers;
}

function workspaceBytes(...floatCounts: number[]): number {
  return floatCounts.reduce((sum, count) => sum + Math.ceil((count * 4) / 64) * 64, 0);
}

function im2col(
  runtime: WasmRuntime,
  g: Conv2dGeometry,
  input: number,
  images: number,
  cols: number,
  columns: number,
): void {
  runtime.exports.im2col(
    input,
    images,
    g.inChannels,
    g.inHeight,
    g.inWidth,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.paddingHeight,
    g.paddingWidth,
    g.outHeight,
    g.outWidth,
    cols,
    columns,
  );
}

/** Copies weight[o, c, :] for each o of `outputs` into consecutive rows at `destination`. */
function gatherWeights(
  heap: Float32Array,
  weight: number,
  g: Conv2dGeometry,
  c: number,
  outputs: number[],
  patch: number,
  destination: number,
): void {
  outputs.forEach((o, row) => {
    const from = weight / 4 + (o * g.inChannels + c) * patch;
    heap.copyWithin(destination / 4 + row * patch, from, from + patch);
  });
}

/** Copies rows `outputs` of a [rows, length] matrix at `source` into consecutive rows. */
function gatherRows(
  heap: Float32Array,
  source: number,
  outputs: number[],
  length: number,
  destination: number,
): void {
  outputs.forEach((o, row) => {
    const from = source / 4 + o * length;
    heap.copyWithin(destination / 4 + row * length, from, from + length);
  });
}

export function conv2dForward(runtime: WasmRuntime, args: Conv2dForwardArgs): void {
  const p = plan(args);
  const imageIn = args.inChannels * args.inHeight * args.inWidth;
  const imageOut = args.outChannels * p.spatial;
  const n = p.imagesPerChunk * p.spatial;
  const masked = p.connected !== null;
  const sizes = [
    p.depth * n,
    args.outChannels * n,
    masked ? p.widestGroup * n : 0,
    masked ? p.widestGroup * p.patch : 0,
  ];
  const arrays = [
    { array: args.input, offset: 0, length: args.batch * imageIn },
    { array: args.weight, offset: 0, length: args.outChannels * p.depth },
    { array: args.output, offset: 0, length: args.batch * imageOut, written: true },
  ];
  if (args.bias) arrays.push({ array: args.bias, offset: 0, length: args.outChannels });
  runtime.call(arrays, workspaceBytes(...sizes), ([input, weight, output, bias], workspace) => {
    const wasm = runtime.exports;
    const [cols, product, partial, gatheredWeights] = carve(workspace, ...sizes);
    const heap = new Float32Array(wasm.memory.buffer);
    for (let first = 0; first < args.batch; first += p.imagesPerChunk) {
      const images = Math.min(p.imagesPerChunk, args.batch - first);
      const columns = images * p.spatial;
      im2col(runtime, args, input + first * imageIn * 4, images, cols, columns);
      if (!p.connected) {
        wasm.gemm(
          0,
          0,
          args.outChannels,
          columns,
          p.depth,
          1,
          weight,
          p.depth,
          cols,
          columns,
          0,
          product,
          columns,
        );
      } else {
        heap.fill(0, product / 4, product / 4 + args.outChannels * columns);
        p.connected.forEach((outputs, c) => {
          if (outputs.length === 0) return;
          gatherWeights(heap, weight, args, c, outputs, p.patch, gatheredWeights);
          const colsOfChannel = cols + c * p.patch * columns * 4;
          wasm.gemm(
            0,
            0,
            outputs.length,
            columns,
            p.patch,
            1,
            gatheredWeights,
            p.patch,
            colsOfChannel,
            columns,
            0,
            partial,
            columns,
          );
          outputs.forEach((o, row) => {
            wasm.accumulate(product + o * columns * 4, partial + row * columns * 4, columns);
          });
        });
      }
      wasm.channelMajorToNchw(
        product,
        images,
        args.outChannels,
        p.spatial,
        bias ?? 0,
        output + first * imageOut * 4,
      );
    }
  });
}

export function conv2dBackwardInput(runtime: WasmRuntime, args: Conv2dBackwardInputArgs): void {
  const p = plan(args);
  const imageIn = args.inChannels * args.inHeight * args.inWidth;
  const imageOut = args.outChannels * p.spatial;
  const n = p.imagesPerChunk * p.spatial;
  const masked = p.connected !== null;
  const sizes = [
    p.depth * n,
    args.outChannels * n,
    masked ? p.widestGroup * n : 0,
    masked ? p.widestGroup * p.patch : 0,
  ];
  const arrays = [
    { array: args.gradOutput, offset: 0, length: args.batch * imageOut },
    { array: args.weight, offset: 0, length: args.outChannels * p.depth },
    { array: args.gradInput, offset: 0, length: args.batch * imageIn, written: true },
  ];
  runtime.call(arrays, workspaceBytes(...sizes), ([gradOutput, weight, gradInput], workspace) => {
    const wasm = runtime.exports;
    const [gradCols, gradChannelMajor, gatheredGrad, gatheredWeights] = carve(workspace, ...sizes);
    const heap = new Float32Array(wasm.memory.buffer);
    for (let first = 0; first < args.batch; first += p.imagesPerChunk) {
      const images = Math.min(p.imagesPerChunk, args.batch - first);
      const columns = images * p.spatial;
      wasm.nchwToChannelMajor(
        gradOutput + first * imageOut * 4,
        images,
        args.outChannels,
        p.spatial,
        gradChannelMajor,
      );
      if (!p.connected) {
        // gradCols [depth, columns] = weight^T [depth, outChannels] x grad [outChannels, columns]
        wasm.gemm(
          1,
          0,
          p.depth,
          columns,
          args.outChannels,
          1,
          weight,
          p.depth,
          gradChannelMajor,
          columns,
          0,
          gradCols,
          columns,
        );
      } else {
        p.connected.forEach((outputs, c) => {
          const colsOfChannel = gradCols + c * p.patch * columns * 4;
          if (outputs.length === 0) {
            heap.fill(0, colsOfChannel / 4, colsOfChannel / 4 + p.patch * columns);
            return;
          }
          gatherWeights(heap, weight, args, c, outputs, p.patch, gatheredWeights);
          gatherRows(heap, gradChannelMajor, outputs, columns, gatheredGrad);
          wasm.gemm(
            1,
            0,
            p.patch,
            columns,
            outputs.length,
            1,
            gatheredWeights,
            p.patch,
            gatheredGrad,
            columns,
            0,
            colsOfChannel,
            columns,
          );
        });
      }
      wasm.col2im(
        gradCols,
        columns,
        images,
        args.inChannels,
        args.inHeight,
        args.inWidth,
        args.kernelHeight,
        args.kernelWidth,
        args.strideHeight,
        args.strideWidth,
        args.paddingHeight,
        args.paddingWidth,
        args.outHeight,
        args.outWidth,
        gradInput + first * imageIn * 4,
      );
    }
  });
}

export function conv2dBackwardWeight(runtime: WasmRuntime, args: Conv2dBackwardWeightArgs): void {
  const p = plan(args);
  const imageIn = args.inChannels * args.inHeight * args.inWidth;
  const imageOut = args.outChannels * p.spatial;
  const n = p.imagesPerChunk * p.spatial;
  const masked = p.connected !== null;
  const sizes = [
    p.depth * n,
    args.outChannels * n,
    masked ? p.widestGroup * n : 0,
    masked ? p.widestGroup * p.patch : 0,
  ];
  const arrays = [
    { array: args.input, offset: 0, length: args.batch * imageIn },
    { array: args.gradOutput, offset: 0, length: args.batch * imageOut },
    { array: args.gradWeight, offset: 0, length: args.outChannels * p.depth, written: true },
  ];
  if (args.gradBias)
    arrays.push({ array: args.gradBias, offset: 0, length: args.outChannels, written: true });
  runtime.call(
    arrays,
    workspaceBytes(...sizes),
    ([input, gradOutput, gradWeight, gradBias], workspace) => {
      const wasm = runtime.exports;
      const [cols, gradChannelMajor, gatheredGrad, partial] = carve(workspace, ...sizes);
      const heap = new Float32Array(wasm.memory.buffer);
      if (p.connected) heap.fill(0, gradWeight / 4, gradWeight / 4 + args.outChannels * p.depth);
      for (let first = 0; first < args.batch; first += p.imagesPerChunk) {
        const images = Math.min(p.imagesPerChunk, args.batch - first);
        const columns = images * p.spatial;
        const beta = first === 0 ? 0 : 1;
        im2col(runtime, args, input + first * imageIn * 4, images, cols, columns);
        wasm.nchwToChannelMajor(
          gradOutput + first * imageOut * 4,
          images,
          args.outChannels,
          p.spatial,
          gradChannelMajor,
        );
        if (!p.connected) {
          // gradWeight [outChannels, depth] (+)= grad [outChannels, columns] x cols^T [columns, depth]
          wasm.gemm(
            0,
            1,
            args.outChannels,
            p.depth,
            columns,
            1,
            gradChannelMajor,
            columns,
            cols,
            columns,
            beta,
            gradWeight,
            p.depth,
          );
        } else {
          p.connected.forEach((outputs, c) => {
            if (outputs.length === 0) return;
            gatherRows(heap, gradChannelMajor, outputs, columns, gatheredGrad);
            const colsOfChannel = cols + c * p.patch * columns * 4;
            wasm.gemm(
              0,
              1,
              outputs.length,
              p.patch,
              columns,
              1,
              gatheredGrad,
              columns,
              colsOfChannel,
              columns,
              0,
              partial,
              p.patch,
            );
            outputs.forEach((o, row) => {
              wasm.accumulate(
                gradWeight + (o * args.inChannels + c) * p.patch * 4,
                partial + row * p.patch * 4,
                p.patch,
              );
            });
          });
        }
        if (gradBias !== undefined)
          wasm.rowSums(gradChannelMajor, args.outChannels, columns, gradBias, beta);
      }
    },
  );
}
