import { expect, it } from 'vitest';
import { bestWasmVariant, detectWasmFeatures, isWasmVariantSupported } from './feature-detect.js';

it('finds SIMD on Node 20, and relaxed SIMD unless LENET_WASM_RELAXED=0 keeps its flag off', () => {
  const features = detectWasmFeatures();
  expect(features.simd).toBe(true);
  const flagged = process.execArgv.includes('--experimental-wasm-relaxed-simd');
  const optedOut = process.env.LENET_WASM_RELAXED === '0';
  const major = Number(process.versions.node.split('.')[0]);
  if (major === 20) {
    expect(features.relaxedSimd).toBe(flagged || !optedOut);
    expect(features.relaxedSimdByFlag).toBe(!flagged && !optedOut);
  } else {
    expect(features.relaxedSimdByFlag).toBe(false);
  }
  expect(bestWasmVariant()).toBe(features.relaxedSimd ? 'relaxed-simd' : 'simd');
  expect(isWasmVariantSupported('scalar')).toBe(true);
  expect(detectWasmFeatures()).toBe(features);
});
