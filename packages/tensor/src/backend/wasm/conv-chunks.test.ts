// A batch larger than one chunk of im2col columns (src/backend/wasm/conv2d.ts, columnBudget):
// the wasm convolution runs it chunk by chunk (the weight gradient accumulating across
// chunks) and must still agree with reference, with and without a connection table. A dense
// convolution whose output positions per image fill whole 8-column panels (C1: 784) runs one
// GEMM per image straight into NCHW: it must give the bits of one wide GEMM over the columns.
import { describe, expect, it } from 'vitest';
import { Generator } from '../../generator.js';
import { lenet5C3Mask } from '../../testing/lenet5-c3.js';
import type { Conv2dGeometry, GemmArgs } from '../backend.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../reference/conv2d.js';
import { columnBudget } from './conv2d.js';
import { isWasmVariantSupported, wasmVariants } from './feature-detect.js';
import { createWasmBackendSync } from './wasm-backend.js';

function geometry(
  batch: number,
  inChannels: number,
  size: number,
  outChannels: number,
  connection: Uint8Array | null,
): Conv2dGeometry {
  return {
    batch,
    inChannels,
    inHeight: size,
    inWidth: size,
    outChannels,
    kernelHeight: 5,
    kernelWidth: 5,
    strideHeight: 1,
    strideWidth: 1,
    paddingHeight: 0,
    paddingWidth: 0,
    outHeight: size - 4,
    outWidth: size - 4,
    connection,
  };
}

describe.each(wasmVariants.filter(isWasmVariantSupported))('wasm %s', (variant) => {
  const wasm = createWasmBackendSync({ variant }).kernels;

  it.each([
    ['C1', geometry(23, 1, 32, 6, null)],
    ['C3 with its table', geometry(19, 6, 14, 16, lenet5C3Mask())],
    ['C3 dense', geometry(19, 6, 14, 16, null)],
  ] as const)('%s over several chunks', (_name, g) => {
    const perImage = g.inChannels * 25 * g.outHeight * g.outWidth;
    expect(g.batch * perImage).toBeGreaterThan(2 * columnBudget); // at least three chunks
    const generator = new Generator(g.batch);
    const input = generator.fillUniform(
      new Float32Array(g.batch * g.inChannels * g.inHeight ** 2),
      -1,
      1,
    );
    const weight = generator.fillUniform(
      new Float32Array(g.outChannels * g.inChannels * 25),
      -1,
      1,
    );
    const bias = generator.fillUniform(new Float32Array(g.outChannels), -1, 1);
    const gradOutput = generator.fillUniform(
      new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth),
      -1,
      1,
    );
    const run = (kernels: typeof wasm | null) => {
      const output = new Float32Array(gradOutput.length);
      const gradInput = new Float32Array(input.length);
      const gradWeight = new Float32Array(weight.length);
      const gradBias = new Float32Array(g.outChannels);
      (kernels?.conv2dForward ?? conv2dForward)({ ...g, input, weight, bias, output });
      (kernels?.conv2dBackwardInput ?? conv2dBackwardInput)({
        ...g,
        gradOutput,
        weight,
        gradInput,
      });
      (kernels?.conv2dBackwardWeight ?? conv2dBackwardWeight)({
        ...g,
        input,
        gradOutput,
        gradWeight,
        gradBias,
      });
      return { output, gradInput, gradWeight, gradBias };
    };
    const expected = run(null);
    const actual = run(wasm);
    expect(actual.output).toBeAllclose(expected.output, { rtol: 1e-4, atol: 1e-4 });
    expect(actual.gradInput).toBeAllclose(expected.gradInput, { rtol: 1e-4, atol: 1e-4 });
    expect(actual.gradWeight).toBeAllclose(expected.gradWeight, { rtol: 1e-4, atol: 1e-3 });
    expect(actual.gradBias).toBeAllclose(expected.gradBias, { rtol: 1e-4, atol: 1e-3 });
  });
});

/** The im2col matrix [inChannels * 25, batch * spatial] of a stride-1, unpadded 5x5 geometry. */
function im2colOf(g: Conv2dGeometry, input: Float32Array): Float32Array {
  const spatial = g.outHeight * g.outWidth;
  const columns = g.batch * spatial;
  const cols = new Float32Array(g.inChannels * 25 * columns);
  for (let c = 0; c < g.inChannels; c++) {
    for (let kh = 0; kh < 5; kh++) {
      for (let kw = 0; kw < 5; kw++) {
        const row = (c * 25 + kh * 5 + kw) * columns;
        for (let image = 0; image < g.batch; image++) {
          for (let oy = 0; oy < g.outHeight; oy++) {
            for (let ox = 0; ox < g.outWidth; ox++) {
              const source =
                ((image * g.inChannels + c) * g.inHeight + oy + kh) * g.inWidth + ox + kw;
              cols[row + image * spatial + oy * g.outWidth + ox] = input[source];
            }
          }
        }
      }
    }
  }
  return cols;
}

describe.each(wasmVariants.filter(isWasmVariantSupported))(
  'wasm %s, one GEMM per image',
  (variant) => {
    const wasm = createWasmBackendSync({ variant }).kernels;

    it.each([
      ['C1', geometry(5, 1, 32, 6, null)],
      ['C3 dense', geometry(7, 6, 14, 16, null)],
    ] as const)('%s forward: the bits of one wide GEMM, bias added after', (_name, g) => {
      const generator = new Generator(g.batch + 100);
      const input = generator.fillUniform(
        new Float32Array(g.batch * g.inChannels * g.inHeight ** 2),
        -1,
        1,
      );
      const weight = generator.fillUniform(
        new Float32Array(g.outChannels * g.inChannels * 25),
        -1,
        1,
      );
      const bias = generator.fillUniform(new Float32Array(g.outChannels), -1, 1);
      const spatial = g.outHeight * g.outWidth;
      const columns = g.batch * spatial;
      const depth = g.inChannels * 25;
      const product = new Float32Array(g.outChannels * columns);
      wasm.gemm({
        batch: 1,
        m: g.outChannels,
        n: columns,
        k: depth,
        transA: false,
        transB: false,
        alpha: 1,
        beta: 0,
        a: weight,
        aOffset: 0,
        lda: depth,
        aBatchStride: 0,
        b: im2colOf(g, input),
        bOffset: 0,
        ldb: columns,
        bBatchStride: 0,
        c: product,
        cOffset: 0,
        ldc: columns,
        cBatchStride: 0,
      } as GemmArgs);
      const expected = new Float32Array(g.batch * g.outChannels * spatial);
      for (let image = 0; image < g.batch; image++) {
        for (let o = 0; o < g.outChannels; o++) {
          for (let i = 0; i < spatial; i++) {
            expected[(image * g.outChannels + o) * spatial + i] =
              product[o * columns + image * spatial + i] + bias[o];
          }
        }
      }
      const output = new Float32Array(expected.length);
      wasm.conv2dForward({ ...g, input, weight, bias, output });
      expect(output).toEqual(expected);
    });
  },
);
