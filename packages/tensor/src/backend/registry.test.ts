import { afterEach, describe, expect, it } from 'vitest';
import { zeros } from '../creation.js';
import type { Storage } from './backend.js';
import { backendNames, getBackend, registerBackend, setBackend } from './registry.js';

afterEach(() => {
  setBackend('reference');
});

describe('backend registry', () => {
  it('starts on the wasm backend (or the one LENET_BACKEND names), reporting its variant', () => {
    expect(getBackend().name).toBe(process.env.LENET_BACKEND || 'wasm');
    if (getBackend().name === 'wasm') {
      expect(getBackend().variant).toMatch(/^(relaxed-simd|simd|scalar)$/);
    }
    expect(backendNames()).toContain('reference');
  });

  it('falls back to reference for kernels a backend does not provide', () => {
    const allocated: number[] = [];
    const backend = registerBackend('counting-test', {
      allocate(length: number): Storage {
        allocated.push(length);
        return { length, data: new Float32Array(length) };
      },
    });
    expect(backend.ownKernels).toEqual(['allocate']);
    expect(backend.gemm).toBe(getBackend().gemm);
    setBackend('counting-test');
    zeros([2, 3]);
    expect(allocated).toEqual([6]);
  });

  it('rejects unknown names and kernels, and protects reference', () => {
    expect(() => setBackend('nope')).toThrow(/no backend named "nope"; registered: reference/);
    expect(() => setBackend('webgpu')).toThrow(/call `await initWebGpuBackend\(\)`/);
    expect(() => registerBackend('bad', { gemmm: () => {} } as never)).toThrow(
      /unknown kernel "gemmm"/,
    );
    expect(() => registerBackend('reference', {})).toThrow(/cannot be replaced/);
  });
});
