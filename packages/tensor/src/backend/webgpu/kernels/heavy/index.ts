// The heavy kernels of the WebGPU backend: GEMM, convolutions, pooling and the paper's
// sub-sampling, each `(gpu, args) => void` over the arguments of src/backend/backend.ts. The
// runtime registers `{ ...lightKernels, ...heavyKernels }`.
import type {
  Conv2dBackwardInputArgs,
  Conv2dBackwardWeightArgs,
  Conv2dForwardArgs,
  GemmArgs,
  Pool2dBackwardArgs,
  Pool2dForwardArgs,
  SubsamplingArgs,
  SubsamplingBackwardArgs,
} from '../../../backend.js';
import type { GpuContext } from '../../gpu-context.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import { gemm } from './gemm.js';
import { pool2dBackward, pool2dForward } from './pool2d.js';
import { subsampling, subsamplingBackward } from './subsampling.js';

export interface HeavyKernels {
  gemm(gpu: GpuContext, args: GemmArgs): void;
  conv2dForward(gpu: GpuContext, args: Conv2dForwardArgs): void;
  conv2dBackwardInput(gpu: GpuContext, args: Conv2dBackwardInputArgs): void;
  conv2dBackwardWeight(gpu: GpuContext, args: Conv2dBackwardWeightArgs): void;
  pool2dForward(gpu: GpuContext, args: Pool2dForwardArgs): void;
  pool2dBackward(gpu: GpuContext, args: Pool2dBackwardArgs): void;
  subsampling(gpu: GpuContext, args: SubsamplingArgs): void;
  subsamplingBackward(gpu: GpuContext, args: SubsamplingBackwardArgs): void;
}

export const heavyKernels: HeavyKernels = {
  gemm: (gpu, args) => gemm(gpu, args),
  conv2dForward: (gpu, args) => conv2dForward(gpu, args),
  conv2dBackwardInput: (gpu, args) => conv2dBackwardInput(gpu, args),
  conv2dBackwardWeight: (gpu, args) => conv2dBackwardWeight(gpu, args),
  pool2dForward,
  pool2dBackward,
  subsampling,
  subsamplingBackward,
};
