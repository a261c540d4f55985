// Compiles and instantiates one variant of the embedded module. Node (and workers) may compile
// synchronously; a browser's main thread refuses synchronous compilation of modules over 4 KB,
// so the async path is what `initWasmBackend()` uses there.

import type { WasmVariant } from './feature-detect.js';
import { relaxedSimdBase64, scalarBase64, simdBase64 } from './wasm-modules.generated.js';

/** The functions exported by assembly/index.ts (pointers, sizes and booleans are numbers). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  // biome-ignore format: one line per group of arguments reads better
  gemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  dotProducts(
    m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number,
    beta: number, c: number, ldc: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  im2col(
    input: number, images: number, channels: number, height: number, width: number,
    kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number,
    paddingHeight: number, paddingWidth: number, outHeight: number, outWidth: number,
    cols: number, columns: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  col2im(
    cols: number, columns: number, images: number, channels: number, height: number, width: number,
    kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number,
    paddingHeight: number, paddingWidth: number, outHeight: number, outWidth: number,
    gradInput: number,
  ): void;
  accumulate(destination: number, source: number, n: number): void;
  // biome-ignore format: one line per group of arguments reads better
  channelMajorToNchw(
    source: number, images: number, channels: number, spatial: number, bias: number,
    destination: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  nchwToChannelMajor(
    source: number, images: number, channels: number, spatial: number, destination: number,
  ): void;
  rowSums(source: number, rows: number, columns: number, destination: number, add: number): void;
  // biome-ignore format: one line per group of arguments reads better
  maskedConvForward(
    mask: number, inChannels: number, outChannels: number, patch: number, weight: number,
    cols: number, columns: number, product: number, partial: number, gathered: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  maskedConvBackwardInput(
    mask: number, inChannels: number, outChannels: number, patch: number, weight: number,
    grad: number, columns: number, gradCols: number, gatheredGrad: number, gathered: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  maskedConvBackwardWeight(
    mask: number, inChannels: number, outChannels: number, patch: number, grad: number,
    cols: number, columns: number, gradWeight: number, gatheredGrad: number, partial: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  pool2dForward(
    mode: number, planes: number, inHeight: number, inWidth: number, kernelHeight: number,
    kernelWidth: number, strideHeight: number, strideWidth: number, outHeight: number,
    outWidth: number, input: number, output: number, argmax: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  pool2dBackward(
    mode: number, planes: number, inHeight: number, inWidth: number, kernelHeight: number,
    kernelWidth: number, strideHeight: number, strideWidth: number, outHeight: number,
    outWidth: number, gradOutput: number, gradInput: number, argmax: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  subsampling(
    activation: number, batch: number, channels: number, multiplier: number, inHeight: number,
    inWidth: number, window: number, outHeight: number, outWidth: number,
    input: number, coefficient: number, bias: number, sums: number, output: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  subsamplingBackward(
    activation: number, batch: number, channels: number, multiplier: number, inHeight: number,
    inWidth: number, window: number, outHeight: number, outWidth: number,
    sums: number, output: number, coefficient: number, gradOutput: number,
    gradCoefficient: number, gradBias: number, gradInput: number,
  ): void;
  unary(op: number, n: number, input: number, output: number): void;
  // biome-ignore format: one line per group of arguments reads better
  unaryBackward(
    op: number, n: number, input: number, output: number, gradOutput: number, gradInput: number,
  ): void;
  binary(op: number, rank: number, layout: number, a: number, b: number, output: number): void;
  subtractProduct(n: number, a: number, b: number, output: number): void;
  fill(n: number, value: number, output: number): void;
  axpy(n: number, alpha: number, x: number, beta: number, y: number): void;
  // biome-ignore format: one line per group of arguments reads better
  adamUpdate(
    n: number, weights: number, gradient: number, first: number, second: number,
    beta1: number, beta2: number, epsilon: number, stepSize: number, correction2: number,
    gradientDecay: number, weightScale: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  biasActivation(
    activation: number, outer: number, channels: number, inner: number, input: number,
    bias: number, output: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  biasActivationBackward(
    activation: number, outer: number, channels: number, inner: number, output: number,
    gradOutput: number, gradInput: number, gradBias: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  reduce(
    op: number, outer: number, axis: number, inner: number, input: number, output: number,
  ): void;
  argmax(outer: number, axis: number, inner: number, input: number, output: number): void;
  logSoftmax(rows: number, columns: number, input: number, output: number): void;
  // biome-ignore format: one line per group of arguments reads better
  logSoftmaxBackward(
    rows: number, columns: number, output: number, gradOutput: number, gradInput: number,
  ): void;
  // biome-ignore format: one line per group of arguments reads better
  gather(
    outer: number, axis: number, count: number, inner: number, input: number, indices: number,
    output: number,
  ): number;
  // biome-ignore format: one line per group of arguments reads better
  scatterAdd(
    outer: number, axis: number, count: number, inner: number, source: number, indices: number,
    output: number,
  ): number;
  copy(rank: number, layout: number, input: number, output: number): void;
}

const base64ByVariant: Record<WasmVariant, string> = {
  'relaxed-simd': relaxedSimdBase64,
  simd: simdBase64,
  scalar: scalarBase64,
};

/** The bytes of the compiled `variant`. */
export function wasmModuleBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  const text = atob(base64ByVariant[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const imports = {
  env: {
    abort(_message: number, _file: number, line: number, column: number): never {
      throw new Error(`wasm backend: the module aborted at line ${line}:${column}`);
    },
  },
};

/** Compiles and instantiates `variant` synchronously (Node, workers). */
export function instantiateWasmModuleSync(variant: WasmVariant): WasmExports {
  const module = new WebAssembly.Module(wasmModuleBytes(variant));
  return new WebAssembly.Instance(module, imports).exports as unknown as WasmExports;
}

/** Compiles and instantiates `variant` without blocking (any thread, including a page's). */
export async function instantiateWasmModule(variant: WasmVariant): Promise<WasmExports> {
  const { instance } = await WebAssembly.instantiate(wasmModuleBytes(variant), imports);
  return instance.exports as unknown as WasmExports;
}
