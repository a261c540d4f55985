// WebGPU in Node: Dawn's bindings from the optional `webgpu` package, loaded only when asked.
import type { Backend } from '../backend/backend.js';
import {
  initWebGpuBackend,
  type WebGpuBackendOptions,
  type WebGpuProvider,
} from '../backend/webgpu/init-webgpu-backend.js';

/** Dawn's GPU object, kept alive for as long as the process uses its devices. */
let dawn: WebGpuProvider | null = null;

/**
 * Sets up the `webgpu` backend in Node through Dawn (the `webgpu` package, an optional peer
 * dependency: `npm install webgpu`), then `setBackend('webgpu')` selects it. A machine without
 * a GPU driver can use a software Vulkan one (SwiftShader: point VK_ICD_FILENAMES at its ICD
 * file). `flags` are Dawn's (`create(flags)`), e.g. `['adapter=swiftshader']`.
 */
export async function initWebGpuBackendNode(
  options: Omit<WebGpuBackendOptions, 'gpu'> & { flags?: readonly string[] } = {},
): Promise<Backend> {
  if (dawn === null) {
    let module: { create(flags: string[]): unknown };
    try {
      module = (await import('webgpu')) as unknown as typeof module;
    } catch (error) {
      throw new Error(
        `initWebGpuBackendNode: the optional package \`webgpu\` (Dawn's Node bindings) could not be loaded; install it with \`npm install webgpu\` (${(error as Error).message})`,
      );
    }
    dawn = module.create([...(options.flags ?? [])]) as WebGpuProvider;
  }
  return initWebGpuBackend({ gpu: dawn, powerPreference: options.powerPreference });
}
