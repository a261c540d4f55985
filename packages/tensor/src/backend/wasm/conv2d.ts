// Convolution on the wasm module as im2col + GEMM, a whole chunk of images per GEMM: the
// receptive fields of every image of the chunk are columns of one matrix, so even LeNet's C5
// (1 x 1 output per image) multiplies matrices of useful width. The GEMM works channel-major
// ([outChannels, images * spatial]); the result is transposed back to NCHW (with the bias
// added) in one pass.
//
// With a connection table (LeNet's C3), masked pairs are not computed: per input channel c,
// only the output channels connected to c take part (their weights gathered into a small
// matrix), and each partial product is added into its output rows. Those loops run in the
// module (assembly/masked-conv.ts), one call per chunk of images.

import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
} from '../backend.js';
import type { ArrayArgument, WasmRuntime } from './wasm-runtime.js';

/** Stands in for an absent bias (a zero-length argument). */
const emptyBias = new Float32Array(0);

/**
 * Floats of im2col columns per chunk (512 KB): the columns stay in a core's L2 cache between
 * im2col writing them and the GEMM reading them. Whole batches (5 MB for LeNet-5's C1 at 64
 * images) went out to L3 and back, which made C1's forward 1.5x slower. Also bounds the
 * workspace for any batch size.
 */
export const columnBudget = 2 ** 17;

/**
 * A dense convolution whose output positions per image fill whole panels of the GEMM's
 * micro-kernel (8 columns), at least 8 of them, runs one GEMM per image into the NCHW output
 * (or from the NCHW gradient) instead of one wide GEMM and a transpose. Measured on LeNet-5 at
 * batch 512: faster for C1 (784 positions); for C3 (100 = 12 panels and a half) the half panel
 * each image costs as much as the transpose saves.
 */
function runsPerImage(p: Plan): boolean {
  return p.mask === null && p.spatial >= 64 && p.spatial % 8 === 0;
}

interface Plan {
  patch: number; // kernelHeight * kernelWidth
  depth: number; // inChannels * patch: rows of the column matrix
  spatial: number; // outHeight * outWidth
  imagesPerChunk: number;
  /** The connection table as int32 (what the module reads); null = dense. */
  mask: Int32Array | null;
}

/** Int32 copies of connection tables, made once per table (a plan step reuses its table). */
const int32Masks = new WeakMap<Uint8Array, Int32Array>();

function int32Mask(connection: Uint8Array): Int32Array {
  let mask = int32Masks.get(connection);
  if (!mask) {
    mask = Int32Array.from(connection, (value) => (value ? 1 : 0));
    int32Masks.set(connection, mask);
  }
  return mask;
}

function plan(g: Conv2dGeometry): Plan {
  const patch = g.kernelHeight * g.kernelWidth;
  const depth = g.inChannels * patch;
  const spatial = g.outHeight * g.outWidth;
  const imagesPerChunk = Math.max(
    1,
    Math.min(g.batch, Math.floor(columnBudget / (depth * spatial))),
  );
  const mask = g.connection ? int32Mask(g.connection) : null;
  return { patch, depth, spatial, imagesPerChunk, mask };
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

/** The kernel's array arguments, with the int32 connection table last when there is one. */
function withMask(arrays: ArrayArgument[], mask: Int32Array | null): ArrayArgument[] {
  if (mask) arrays.push({ array: mask, offset: 0, length: mask.length });
  return arrays;
}

export function conv2dForward(runtime: WasmRuntime, args: Conv2dForwardArgs): void {
  const p = plan(args);
  const imageIn = args.inChannels * args.inHeight * args.inWidth;
  const imageOut = args.outChannels * p.spatial;
  const n = p.imagesPerChunk * p.spatial;
  const masked = p.mask !== null;
  const perImage = runsPerImage(p);
  const sizes = [
    p.depth * n,
    perImage ? 0 : args.outChannels * n,
    masked ? args.outChannels * n : 0,
    masked ? args.outChannels * p.patch : 0,
  ];
  const arrays = withMask(
    [
      { array: args.input, offset: 0, length: args.batch * imageIn },
      { array: args.weight, offset: 0, length: args.outChannels * p.depth },
      { array: args.output, offset: 0, length: args.batch * imageOut, written: true },
      { array: args.bias ?? emptyBias, offset: 0, length: args.bias ? args.outChannels : 0 },
    ],
    p.mask,
  );
  runtime.call(arrays, workspaceBytes(...sizes), (pointers, workspace) => {
    const [input, weight, output, bias, mask] = pointers;
    const wasm = runtime.exports;
    const [cols, product, partial, gatheredWeights] = carve(workspace, ...sizes);
    for (let first = 0; first < args.batch; first += p.imagesPerChunk) {
      const images = Math.min(p.imagesPerChunk, args.batch - first);
      const columns = images * p.spatial;
      im2col(runtime, args, input + first * imageIn * 4, images, cols, columns);
      const chunkOutput = output + first * imageOut * 4;
      if (perImage) {
        // One GEMM per image writes its [outChannels, spatial] block of the NCHW output in
        // place: no channel-major product to write, read back and transpose (at large batches
        // that pass went out to memory). Each entry is the same sum as in one wide GEMM.
        for (let image = 0; image < images; image++) {
          wasm.gemm(
            0,
            0,
            args.outChannels,
            p.spatial,
            p.depth,
            1,
            weight,
            p.depth,
            cols + image * p.spatial * 4,
            columns,
            0,
            chunkOutput + image * imageOut * 4,
            p.spatial,
          );
        }
        if (args.bias) {
          wasm.biasActivation(
            -1,
            images,
            args.outChannels,
            p.spatial,
            chunkOutput,
            bias,
            chunkOutput,
          );
        }
      } else {
        if (!masked) {
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
          wasm.maskedConvForward(
            mask,
            args.inChannels,
            args.outChannels,
            p.patch,
            weight,
            cols,
            columns,
            product,
            partial,
            gatheredWeights,
          );
        }
        wasm.channelMajorToNchw(
          product,
          images,
          args.outChannels,
          p.spatial,
          args.bias ? bias : 0,
          chunkOutput,
        );
      }
    }
  });
}

export function conv2dBackwardInput(runtime: WasmRuntime, args: Conv2dBackwardInputArgs): void {
  const p = plan(args);
  const imageIn = args.inChannels * args.inHeight * args.inWidth;
  const imageOut = args.outChannels * p.spatial;
  const n = p.imagesPerChunk * p.spatial;
  const masked = p.mask !== null;
  const perImage = runsPerImage(p);
  const sizes = [
    p.depth * n,
    perImage ? 0 : args.outChannels * n,
    masked ? args.outChannels * n : 0,
    masked ? args.outChannels * p.patch : 0,
  ];
  const arrays = withMask(
    [
      { array: args.gradOutput, offset: 0, length: args.batch * imageOut },
      { array: args.weight, offset: 0, length: args.outChannels * p.depth },
      { array: args.gradInput, offset: 0, length: args.batch * imageIn, written: true },
    ],
    p.mask,
  );
  runtime.call(arrays, workspaceBytes(...sizes), (pointers, workspace) => {
    const [gradOutput, weight, gradInput, mask] = pointers;
    const wasm = runtime.exports;
    const [gradCols, gradChannelMajor, gatheredGrad, gatheredWeights] = carve(workspace, ...sizes);
    for (let first = 0; first < args.batch; first += p.imagesPerChunk) {
      const images = Math.min(p.imagesPerChunk, args.batch - first);
      const columns = images * p.spatial;
      const chunkGrad = gradOutput + first * imageOut * 4;
      if (perImage) {
        // Per image, gradCols [depth, spatial] (row stride columns) = weight^T x the image's
        // [outChannels, spatial] block of the NCHW gradient, read in place (no transpose).
        for (let image = 0; image < images; image++) {
          wasm.gemm(
            1,
            0,
            p.depth,
            p.spatial,
            args.outChannels,
            1,
            weight,
            p.depth,
            chunkGrad + image * imageOut * 4,
            p.spatial,
            0,
            gradCols + image * p.spatial * 4,
            columns,
          );
        }
      } else {
        wasm.nchwToChannelMajor(chunkGrad, images, args.outChannels, p.spatial, gradChannelMajor);
        if (!masked) {
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
          wasm.maskedConvBackwardInput(
            mask,
            args.inChannels,
            args.outChannels,
            p.patch,
            weight,
            gradChannelMajor,
            columns,
            gradCols,
            gatheredGrad,
            gatheredWeights,
          );
        }
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
  const masked = p.mask !== null;
  const sizes = [
    p.depth * n,
    args.outChannels * n,
    masked ? args.outChannels * n : 0,
    masked ? args.outChannels * p.patch : 0,
  ];
  const arrays = withMask(
    [
      { array: args.input, offset: 0, length: args.batch * imageIn },
      { array: args.gradOutput, offset: 0, length: args.batch * imageOut },
      { array: args.gradWeight, offset: 0, length: args.outChannels * p.depth, written: true },
      {
        array: args.gradBias ?? emptyBias,
        offset: 0,
        length: args.gradBias ? args.outChannels : 0,
        written: true,
      },
    ],
    p.mask,
  );
  runtime.call(arrays, workspaceBytes(...sizes), (pointers, workspace) => {
    const [input, gradOutput, gradWeight, gradBias, mask] = pointers;
    const wasm = runtime.exports;
    const [cols, gradChannelMajor, gatheredGrad, partial] = carve(workspace, ...sizes);
    if (masked) {
      // Unconnected weights get zero; connected ones accumulate over chunks.
      new Float32Array(runtime.memoryBuffer, gradWeight, args.outChannels * p.depth).fill(0);
    }
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
      if (!masked) {
        // gradWeight [outChannels, depth] (+)= grad [outChannels, columns] x cols^T [columns, depth]:
        // dot products of rows, both stored along `columns`.
        wasm.dotProducts(
          args.outChannels,
          p.depth,
          columns,
          gradChannelMajor,
          columns,
          cols,
          columns,
          beta,
          gradWeight,
          p.depth,
        );
      } else {
        wasm.maskedConvBackwardWeight(
          mask,
          args.inChannels,
          args.outChannels,
          p.patch,
          gradChannelMajor,
          cols,
          columns,
          gradWeight,
          gatheredGrad,
          partial,
        );
      }
      if (args.gradBias) wasm.rowSums(gradChannelMajor, args.outChannels, columns, gradBias, beta);
    }
  });
}
