// The heavy kernels (GEMM, convolutions, pooling, sub-sampling) of the WebGPU backend. Until
// their WGSL lands in ./kernels/heavy/, each throws rather than let `reference` read GPU-only
// values on the host.
import type { GpuKernels, LightKernelName } from './kernels/index.js';

type HeavyKernelName = Exclude<keyof GpuKernels, LightKernelName>;

function missing(name: HeavyKernelName): () => never {
  return () => {
    throw new Error(`webgpu: the ${name} kernel is not implemented yet`);
  };
}

export const heavyKernels: Pick<GpuKernels, HeavyKernelName> = {
  gemm: missing('gemm'),
  conv2dForward: missing('conv2dForward'),
  conv2dBackwardInput: missing('conv2dBackwardInput'),
  conv2dBackwardWeight: missing('conv2dBackwardWeight'),
  pool2dForward: missing('pool2dForward'),
  pool2dBackward: missing('pool2dBackward'),
  subsampling: missing('subsampling'),
  subsamplingBackward: missing('subsamplingBackward'),
};
