// Every `BackendKernels` member except the heavy eight (GEMM, convolutions, pooling,
// sub-sampling, in ./heavy/), as `(gpu, args) => void` functions recording WGSL dispatches.
import type { BackendKernels } from '../../backend.js';
import type { GpuContext } from '../gpu-context.js';
import { biasActivation, biasActivationBackward } from './bias-activation.js';
import {
  adamUpdate,
  axpy,
  binary,
  fill,
  subtractProduct,
  unary,
  unaryBackward,
} from './elementwise.js';
import { copy, gather, scatterAdd } from './indexing.js';
import { argmax, logSoftmax, logSoftmaxBackward, reduce } from './reduce.js';

/** A kernel of the WebGPU backend: it records dispatches through the runtime's context. */
export type GpuKernels = {
  [K in Exclude<keyof BackendKernels, 'allocate'>]: (
    gpu: GpuContext,
    args: Parameters<BackendKernels[K]>[0],
  ) => void;
};

/** The kernels that are not heavy ones. */
export type LightKernelName = Exclude<
  keyof GpuKernels,
  | 'gemm'
  | 'conv2dForward'
  | 'conv2dBackwardInput'
  | 'conv2dBackwardWeight'
  | 'pool2dForward'
  | 'pool2dBackward'
  | 'subsampling'
  | 'subsamplingBackward'
>;

export const lightKernels: Pick<GpuKernels, LightKernelName> = {
  unary,
  unaryBackward,
  binary,
  subtractProduct,
  fill,
  axpy,
  adamUpdate,
  biasActivation,
  biasActivationBackward,
  reduce,
  argmax,
  logSoftmax,
  logSoftmaxBackward,
  gather,
  scatterAdd,
  copy: copy as GpuKernels['copy'],
};
