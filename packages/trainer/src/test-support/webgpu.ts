// Test support (not built): the `webgpu` backend for the trainer's tests in Node (Dawn through
// the optional `webgpu` package). Without an adapter the tests skip, unless
// LENET_REQUIRE_WEBGPU=1 (CI with SwiftShader) makes that an error.
import { getBackend, setBackend, sync, tensor } from '@lenet/tensor';
import { initWebGpuBackendNode } from '@lenet/tensor/node';

/** Why the WebGPU tests cannot run here (null: they can). */
export async function webGpuUnavailable(): Promise<string | null> {
  try {
    await initWebGpuBackendNode();
  } catch (error) {
    if (process.env.LENET_REQUIRE_WEBGPU === '1') throw error;
    return (error as Error).message;
  }
  return null;
}

/**
 * Why LeNet-5 cannot train on webgpu yet (null: it can): the GEMM and convolution kernels are
 * stubs that throw "not implemented yet" until their WGSL is merged (another branch).
 */
export async function webGpuHeavyKernelsMissing(): Promise<string | null> {
  const previous = getBackend().name;
  setBackend('webgpu');
  try {
    const product = tensor([1, 2, 3, 4], [2, 2]).matmul(tensor([1, 0, 0, 1], [2, 2]));
    await sync(product);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    if (/not implemented yet/.test(message)) return message;
    throw error;
  } finally {
    setBackend(previous);
  }
}
