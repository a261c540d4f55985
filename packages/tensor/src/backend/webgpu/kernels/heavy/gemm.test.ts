import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../../../generator.js';
import type { GemmArgs } from '../../../backend.js';
import { closeTestDevice, testDevice, webGpuSkipReason } from './dawn-gpu-context.test-support.js';
import { gemm } from './gemm.js';
import { planGemm, type Tile, tiles } from './gemm-engine.js';
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

// Every path on small shapes with ragged edges (SwiftShader runs a 256-invocation tile slowly).
// m, n, k, batch; the plan (tile, K slices) forced, or null for the engine's own choice.
const cases: [[number, number, number, number], Tile | null | 'auto', number?][] = [
  [[1, 1, 1, 1], 'auto'],
  [[3, 5, 7, 1], 'auto'],
  [[5, 6, 4, 3], 'auto'],
  [[1, 37, 21, 1], 'auto'],
  [[19, 23, 1, 1], 'auto'],
  [[17, 33, 9, 2], null],
  [[66, 65, 33, 1], tiles.large],
  [[33, 31, 20, 2], tiles.medium],
  [[5, 70, 33, 1], tiles.smallM],
  [[70, 5, 33, 1], tiles.smallN],
  [[6, 25, 300, 1], null, 3],
  [[6, 25, 300, 2], tiles.smallM, 4],
  [[33, 17, 70, 1], tiles.medium, 2],
];

describe.skipIf(!device)(`webgpu heavy gemm ${webGpuSkipReason ?? ''}`, () => {
  const g = new Generator(19);
  const gpu = device as GPUDevice;
  for (const [size, tile, splits] of cases) {
    const [m, n, k, batch] = size;
    const plan =
      tile === 'auto' ? undefined : planGemm(m, n, k, batch, { tile, splits: splits ?? 1 });
    const transposes =
      tile === 'auto' || tile === null
        ? [
            [false, false],
            [true, false],
            [false, true],
            [true, true],
          ]
        : [
            [false, false],
            [true, true],
          ];
    for (const [transA, transB] of transposes) {
      const beta = (m + n) % 2 === 0 ? 0 : 0.5;
      const alpha = k === 7 ? -1.5 : 1;
      const args = gemmArgs(g, size, transA, transB, alpha, beta);
      const label = `${size.join('x')} ${tile === 'auto' ? 'planned' : `tile=${tile?.name ?? 'naive'} splits=${splits ?? 1}`} transA=${transA} transB=${transB} beta=${beta}`;
      it(label, async () => {
        await expectConforms(
          gpu,
          (context, a) => gemm(context, a, plan),
          'gemm',
          args,
          ['c'],
          tolerance,
        );
      });
    }
  }
  it('plans LeNet-5 shapes: skinny tiles for small M or N, split-K for deep K', () => {
    expect(planGemm(32, 120, 400, 1).tile?.name).toBe('medium');
    expect(planGemm(12, 25088, 25, 1).tile).toBe(tiles.smallM);
    expect(planGemm(6, 25088, 25, 1).tile).toBeNull();
    expect(planGemm(120, 16, 400, 1).tile).toBe(tiles.smallN);
    expect(planGemm(1024, 1024, 1024, 1)).toEqual({
      tile: tiles.large,
      splits: 1,
      kPerSplit: 1024,
    });
    const weightGradient = planGemm(16, 150, 32 * 100, 1);
    expect(weightGradient.splits).toBeGreaterThan(16);
    expect(weightGradient.kPerSplit * weightGradient.splits).toBeGreaterThanOrEqual(32 * 100);
    expect(planGemm(2, 2, 2, 1).tile).toBeNull();
  });
  it('broadcasts B over a batch and accumulates into C (beta = 1)', async () => {
    const args = gemmArgs(g, [33, 20, 50, 3], false, true, 0.75, 1, true);
    await expectConforms(gpu, heavyKernels.gemm, 'gemm', args, ['c'], tolerance);
  });
  it('alpha = 0 scales C without reading A or B', async () => {
    const args = gemmArgs(g, [9, 10, 11, 1], false, false, 0, 0.5);
    args.a.fill(Number.NaN);
    await expectConforms(gpu, heavyKernels.gemm, 'gemm', args, ['c'], tolerance);
  });
});
