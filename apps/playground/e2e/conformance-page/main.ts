// The tensor conformance suite against the reference backend, run on this browser's WebGPU
// (built and opened by ../webgpu-conformance.test.ts; not part of the site). The outcome goes
// to `window.conformance` and the page's text.
import { initWebGpuBackend, setBackend, sync, tensor } from '@lenet/tensor';
import { checkConformanceAsync } from '@lenet/tensor/testing';

type Outcome =
  | { passed: number; skipped: number; failures: string[]; excluded: string[]; adapter: string }
  | { error: string };

const HEAVY = [
  'gemm',
  'conv2dForward',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'pool2dForward',
  'pool2dBackward',
  'subsampling',
  'subsamplingBackward',
] as const;

/** The heavy kernels while they are stubs that throw "not implemented yet" (another branch's). */
async function stubbedHeavyKernels(): Promise<Record<string, string>> {
  try {
    await sync(tensor([1, 2, 3, 4], [2, 2]).matmul(tensor([1, 0, 0, 1], [2, 2])));
    return {};
  } catch (error) {
    const message = (error as Error).message;
    if (!/not implemented yet/.test(message)) throw error;
    return Object.fromEntries(HEAVY.map((name) => [name, message]));
  }
}

async function run(): Promise<Outcome> {
  try {
    const backend = await initWebGpuBackend();
    setBackend('webgpu');
    const exclude = await stubbedHeavyKernels();
    const result = await checkConformanceAsync('webgpu', {
      exclude,
      tolerances: {
        adamUpdate: {
          rtol: 1e-5,
          atol: 1e-6,
          reason: 'WGSL has no float64: the step is computed in float32',
        },
      },
    });
    return { ...result, excluded: Object.keys(exclude), adapter: backend.variant ?? 'webgpu' };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const outcome = await run();
(window as unknown as { conformance: Outcome }).conformance = outcome;
const text = document.getElementById('result');
if (text) text.textContent = JSON.stringify(outcome);
