// The `reference` backend: readable TypeScript kernels, the specification every other
// backend is checked against (src/backend/conformance.ts).
import type { BackendKernels, Storage } from '../backend.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import {
  adamUpdate,
  axpy,
  biasActivation,
  biasActivationBackward,
  binary,
  fill,
  subtractProduct,
  unary,
  unaryBackward,
} from './elementwise.js';
import { gemm } from './gemm.js';
import { copy, gather, scatterAdd } from './indexing.js';
import { pool2dBackward, pool2dForward } from './pool2d.js';
import { argmax, logSoftmax, logSoftmaxBackward, reduce } from './reduce.js';
import { subsampling, subsamplingBackward } from './subsampling.js';

/** JavaScript-heap storage: the view never moves. */
function allocate(length: number): Storage {
  const data = new Float32Array(length);
  return { length, data };
}

export const referenceKernels: BackendKernels = {
  allocate,
  gemm,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  pool2dForward,
  pool2dBackward,
  unary,
  unaryBackward,
  binary,
  subtractProduct,
  fill,
  axpy,
  adamUpdate,
  biasActivation,
  biasActivationBackward,
  subsampling,
  subsamplingBackward,
  reduce,
  argmax,
  logSoftmax,
  logSoftmaxBackward,
  gather,
  scatterAdd,
  copy,
};
