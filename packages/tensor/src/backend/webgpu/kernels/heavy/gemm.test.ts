import { afterAll, describe, it } from 'vitest';
import { Generator } from '../../../../generator.js';
import type { GemmArgs } from '../../../backend.js';
import { closeTestDevice, testDevice, webGpuSkipReason } from './dawn-gpu-context.test-support.js';
import { heavyKernels } from './index.js';
import { expectConforms } from './kernel-check.test-support.js';

const device = await testDevice();
afterAll(closeTestDevice);

const tolerance = { rtol: 1e-4, atol: 1e-4 };

function floats(g: Generator, length: number): Float32Array {
  return g.fillUniform(new Float32Array(length), -1, 1);
}

/** A GEMM call with padded leading dimensions and nonzero offsets, as on sub-matrices. */
function gemmArgs(
  g: Generator,
  [m, n, k, batch]: [number, number, number, number],
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
  broadcastB = false,
): GemmArgs {
  const lda = (transA ? m : k) + 2;
  const ldb = (transB ? k : n) + 1;
  const ldc = n + 3;
  const aStride = (transA ? k : m) * lda;
  const bStride = broadcastB ? 0 : (transB ? n : k) * ldb;
  const cStride = m * ldc;
  const c = floats(g, 1 + batch * cStride);
  if (beta === 0) c[1] = Number.NaN; // beta = 0 must not read C
  return {
    batch,
    m,
    n,
    k,
    transA,
    transB,
    alpha,
    beta,
    a: floats(g, 2 + batch * aStride),
    aOffset: 2,
    lda,
    aBatchStride: aStride,
    b: floats(g, 1 + (broadcastB ? 1 : batch) * (transB ? n : k) * ldb),
    bOffset: 1,
    ldb,
    bBatchStride: bStride,
    c,
    cOffset: 1,
    ldc,
    cBatchStride: cStride,
  };
}

// m, n, k, batch: tiny, odd, tile edges, LeNet-5's dense layers (batch 32: 32x120x400,
// 32x84x120, 32x10x84) and their weight gradients (120x400x32), tiny M*N with deep K.
const sizes: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [3, 5, 7, 1],
  [17, 33, 9, 1],
  [64, 64, 64, 1],
  [65, 63, 31, 1],
  [130, 67, 257, 1],
  [5, 6, 4, 3],
  [1, 37, 21, 1],
  [19, 23, 1, 1],
  [32, 120, 400, 1],
  [32, 10, 84, 1],
  [120, 400, 32, 1],
  [6, 25, 3000, 1],
  [2, 3, 1000, 2],
];

describe.skipIf(!device)(`webgpu heavy gemm ${webGpuSkipReason ?? ''}`, () => {
  const g = new Generator(19);
  for (const size of sizes) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const beta = (size[0] + size[1]) % 2 === 0 ? 0 : 0.5;
      const alpha = size[2] === 7 ? -1.5 : 1;
      const args = gemmArgs(g, size, transA, transB, alpha, beta);
      it(`${size.join('x')} transA=${transA} transB=${transB} beta=${beta}`, async () => {
        await expectConforms(
          device as GPUDevice,
          heavyKernels.gemm,
          'gemm',
          args,
          ['c'],
          tolerance,
        );
      });
    }
  }
  it('broadcasts B over a batch and accumulates into C (beta = 1)', async () => {
    const args = gemmArgs(g, [33, 20, 50, 3], false, true, 0.75, 1, true);
    await expectConforms(device as GPUDevice, heavyKernels.gemm, 'gemm', args, ['c'], tolerance);
  });
  it('alpha = 0 scales C without reading A or B', async () => {
    const args = gemmArgs(g, [9, 10, 11, 1], false, false, 0, 0.5);
    args.a.fill(Number.NaN);
    await expectConforms(device as GPUDevice, heavyKernels.gemm, 'gemm', args, ['c'], tolerance);
  });
});
