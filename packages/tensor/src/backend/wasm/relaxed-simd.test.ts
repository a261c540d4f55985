// Relaxed SIMD on Node 20: detection sets V8's flag in this process before the module is
// compiled, unless LENET_WASM_RELAXED=0. A flag once set stays set, so detection both ways is
// checked in child processes; the relaxed build's results are checked against the SIMD build's
// here (the conformance suite checks both against the reference backend).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../generator.js';
import type { GemmArgs } from '../backend.js';
import { isWasmVariantSupported } from './feature-detect.js';
import { createWasmBackendSync } from './wasm-backend.js';

const packageDir = join(import.meta.dirname, '../../..');
const nodeMajor = Number(process.versions.node.split('.')[0]);

/** Detection and the default variant in a fresh Node process with `environment` added. */
function detectInChild(environment: Record<string, string>): {
  features: { simd: boolean; relaxedSimd: boolean; relaxedSimdByFlag: boolean };
  variant: string;
  forcedRelaxed: string;
} {
  const code = `
    import { detectWasmFeatures } from './src/backend/wasm/feature-detect.ts';
    import { createWasmBackendSync } from './src/backend/wasm/wasm-backend.ts';
    const features = detectWasmFeatures();
    const variant = createWasmBackendSync().variant;
    let forcedRelaxed;
    try {
      forcedRelaxed = createWasmBackendSync({ variant: 'relaxed-simd' }).variant;
    } catch (error) {
      forcedRelaxed = error.message;
    }
    console.log(JSON.stringify({ features, variant, forcedRelaxed }));
  `;
  const { LENET_WASM_VARIANT: _variant, LENET_WASM_RELAXED: _relaxed, ...inherited } = process.env;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', code],
    { cwd: packageDir, encoding: 'utf8', env: { ...inherited, ...environment } },
  );
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
}

describe('relaxed SIMD detection', () => {
  it('is on by default: the relaxed-SIMD build is chosen (by the flag on Node 20)', () => {
    const { features, variant, forcedRelaxed } = detectInChild({});
    expect(features.simd).toBe(true);
    expect(features.relaxedSimd).toBe(true);
    expect(features.relaxedSimdByFlag).toBe(nodeMajor === 20);
    expect(variant).toBe('relaxed-simd');
    expect(forcedRelaxed).toBe('relaxed-simd');
  });

  it.runIf(nodeMajor === 20)('LENET_WASM_RELAXED=0 leaves the flag off: the SIMD build', () => {
    const { features, variant, forcedRelaxed } = detectInChild({ LENET_WASM_RELAXED: '0' });
    expect(features).toEqual({ simd: true, relaxedSimd: false, relaxedSimdByFlag: false });
    expect(variant).toBe('simd');
    expect(forcedRelaxed).toMatch(/variant "relaxed-simd" is not supported/);
  });
});

describe.runIf(isWasmVariantSupported('relaxed-simd'))('relaxed-SIMD build', () => {
  const relaxed = createWasmBackendSync({ variant: 'relaxed-simd' }).kernels;
  const simd = createWasmBackendSync({ variant: 'simd' }).kernels;

  // LeNet-5's GEMMs at large batches: C1 and C3 forward on an im2col chunk, C5 forward.
  it.each([
    [6, 4704, 25, false],
    [16, 800, 150, false],
    [512, 120, 400, true],
  ] as const)(
    'GEMM %i x %i x %i (B transposed: %s) agrees with SIMD and repeats bit for bit',
    (m, n, k, transB) => {
      const generator = new Generator(m * n + k);
      const a = generator.fillUniform(new Float32Array(m * k), -1, 1);
      const b = generator.fillUniform(new Float32Array(k * n), -1, 1);
      const args = (c: Float32Array) =>
        ({
          batch: 1,
          m,
          n,
          k,
          transA: false,
          transB,
          alpha: 1,
          beta: 0,
          a,
          aOffset: 0,
          lda: k,
          aBatchStride: 0,
          b,
          bOffset: 0,
          ldb: transB ? k : n,
          bBatchStride: 0,
          c,
          cOffset: 0,
          ldc: n,
          cBatchStride: 0,
        }) as GemmArgs;
      const fused = new Float32Array(m * n);
      const again = new Float32Array(m * n);
      const unfused = new Float32Array(m * n);
      relaxed.gemm(args(fused));
      relaxed.gemm(args(again));
      simd.gemm(args(unfused));
      expect(again).toEqual(fused);
      // A fused multiply-add rounds once where SIMD rounds twice: sums of k products of
      // magnitude < 1 differ by a few ulps of k.
      let largest = 0;
      for (let i = 0; i < fused.length; i++) {
        largest = Math.max(largest, Math.abs(fused[i] - unfused[i]));
      }
      expect(largest).toBeLessThan(k * 2 ** -22);
      expect(fused.some((value, i) => value !== unfused[i]) || k < 4).toBe(true);
    },
  );
});
