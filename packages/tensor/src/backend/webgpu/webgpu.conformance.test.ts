import { describe, it } from 'vitest';
import { readBack, runConformanceSuite } from '../../testing/index.js';
import { webGpuForTests } from './node-webgpu.test-support.js';

const backend = await webGpuForTests();

// The reviewed list of differences from the shared tolerances.
const tolerances = {
  adamUpdate: {
    rtol: 1e-5,
    atol: 1e-6,
    reason: 'WGSL has no float64: the step is computed in float32',
  },
};

if (backend === null) {
  describe.skip('conformance: webgpu vs reference (no WebGPU adapter)', () => {});
} else {
  runConformanceSuite('webgpu', { describe, it }, { readBack, tolerances });
}
