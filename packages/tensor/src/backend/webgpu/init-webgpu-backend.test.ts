import { describe, expect, it } from 'vitest';
import { initWebGpuBackend, webGpuAvailable } from './init-webgpu-backend.js';

describe('initWebGpuBackend without WebGPU', () => {
  it('names what is missing: no navigator.gpu', async () => {
    await expect(initWebGpuBackend()).rejects.toThrow(
      /WebGPU is not available here \(no navigator\.gpu\).*initWebGpuBackendNode\(\)/,
    );
    expect(await webGpuAvailable()).toBe(false);
  });

  it('names what is missing: no adapter', async () => {
    const gpu = { requestAdapter: async () => null };
    await expect(initWebGpuBackend({ gpu })).rejects.toThrow(/no WebGPU adapter found/);
    expect(await webGpuAvailable({ gpu })).toBe(false);
  });
});
