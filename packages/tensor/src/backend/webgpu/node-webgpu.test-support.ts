// For tests in Node: set up the `webgpu` backend through Dawn when an adapter exists. Without
// one the tests skip, unless LENET_REQUIRE_WEBGPU=1 (CI, where SwiftShader is installed) makes
// the missing adapter an error.

import { initWebGpuBackendNode } from '../../node/webgpu.js';
import type { Backend } from '../backend.js';

/** The `webgpu` backend, or null (with the reason logged) when this machine has no adapter. */
export async function webGpuForTests(): Promise<Backend | null> {
  try {
    return await initWebGpuBackendNode();
  } catch (error) {
    if (process.env.LENET_REQUIRE_WEBGPU === '1') throw error;
    console.warn(`webgpu tests skipped: ${(error as Error).message}`);
    return null;
  }
}
