// The 2 x 2 / stride 2 sub-sampling fast path (LeNet's S2 and S4) against reference, forward
// and backward, for sizes with and without a partial group of four outputs, and a size the
// windows do not tile exactly (general path).
import { expect, it } from 'vitest';
import { Generator } from '../../generator.js';
import type { PoolMode } from '../backend.js';
import { pool2dBackward, pool2dForward } from '../reference/pool2d.js';
import { createWasmBackendSync } from './wasm-backend.js';

const wasm = createWasmBackendSync({ variant: 'simd' }).kernels;

it.each([
  ['sum', 6, 28, 28],
  ['avg', 16, 10, 10],
  ['sum', 3, 18, 18],
  ['sum', 2, 9, 9],
] as [PoolMode, number, number, number][])(
  '%s pool 2x2 of %i planes of %ix%i',
  (mode, planes, height, width) => {
    const generator = new Generator(planes + height);
    const outHeight = Math.floor((height - 2) / 2) + 1;
    const outWidth = Math.floor((width - 2) / 2) + 1;
    const geometry = {
      mode,
      planes,
      inHeight: height,
      inWidth: width,
      kernelHeight: 2,
      kernelWidth: 2,
      strideHeight: 2,
      strideWidth: 2,
      outHeight,
      outWidth,
      argmax: null,
    };
    const input = new Float32Array(planes * height * width);
    generator.fillUniform(input, -1, 1);
    const gradOutput = new Float32Array(planes * outHeight * outWidth);
    generator.fillUniform(gradOutput, -1, 1);
    const expected = new Float32Array(gradOutput.length);
    const actual = new Float32Array(gradOutput.length);
    pool2dForward({ ...geometry, input, output: expected });
    wasm.pool2dForward({ ...geometry, input, output: actual });
    expect(actual).toBeAllclose(expected, { rtol: 1e-6, atol: 1e-6 });
    const expectedGrad = new Float32Array(input.length);
    const actualGrad = new Float32Array(input.length).fill(Number.NaN);
    pool2dBackward({ ...geometry, gradOutput, gradInput: expectedGrad });
    wasm.pool2dBackward({ ...geometry, gradOutput, gradInput: actualGrad });
    expect(actualGrad).toBeAllclose(expectedGrad, { rtol: 1e-6, atol: 1e-6 });
  },
);
