// `--backend`: selects the `@lenet/tensor` backend every command computes on. WebGPU is
// initialised through `initWebGpuBackendNode()` (Dawn's Node bindings, the optional `webgpu`
// package); when it cannot start, the command stops with an error that says why and what to
// use instead, before it reads any data or writes any file.
import { setBackend } from '@lenet/tensor';
import { UsageError } from './errors.js';
import type { BackendName } from './names.js';

/** Makes `name` the backend of everything computed from here on. */
export async function useBackend(name: BackendName): Promise<void> {
  if (name !== 'webgpu') {
    setBackend(name);
    return;
  }
  try {
    const { initWebGpuBackendNode } = await import('@lenet/tensor/node');
    await initWebGpuBackendNode();
    setBackend('webgpu');
  } catch (error) {
    throw new UsageError(
      `--backend webgpu: ${(error as Error).message}. Use --backend wasm (the default) to compute on the CPU.`,
    );
  }
}

/**
 * The thread count a run takes on `backend`: data-parallel threads split batches over CPU
 * cores, so WebGPU runs on one (the GPU computes the whole batch). A --threads above 1 given
 * with --backend webgpu is refused; the CPU-count default becomes 1.
 */
export function threadsFor(backend: BackendName, threads: number, given: boolean): number {
  if (backend !== 'webgpu') return threads;
  if (given && threads > 1) {
    throw new UsageError(
      `--threads ${threads} splits batches over CPU threads, which --backend webgpu does not use (the GPU computes each whole batch); leave --threads out or give --threads 1`,
    );
  }
  return 1;
}
