import { expect, it } from 'vitest';
import { bestWasmVariant, detectWasmFeatures, isWasmVariantSupported } from './feature-detect.js';

it('finds SIMD on Node 20 and relaxed SIMD only behind its flag', () => {
  const features = detectWasmFeatures();
  expect(features.simd).toBe(true);
  const flagged = process.execArgv.includes('--experimental-wasm-relaxed-simd');
  const major = Number(process.versions.node.split('.')[0]);
  if (major === 20) expect(features.relaxedSimd).toBe(flagged);
  expect(bestWasmVariant()).toBe(features.relaxedSimd ? 'relaxed-simd' : 'simd');
  expect(isWasmVariantSupported('scalar')).toBe(true);
  expect(detectWasmFeatures()).toBe(features);
});
