// The Backend kernels on one instantiated module: each validates nothing the ops already
// validated, binds its typed arrays to pointers (zero-copy for storage of this module) and
// calls the matching export of assembly/.

import type { BackendKernels, CopyArgs, GemmArgs } from '../backend.js';
import { collapseDimensions } from '../reference/elementwise.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import {
  activationCodes,
  binaryCodes,
  codeOf,
  poolCodes,
  reduceCodes,
  unaryCodes,
} from './op-codes.js';
import type { ArrayArgument, WasmRuntime } from './wasm-runtime.js';
import type { WasmStoragePool } from './wasm-storage.js';

/** The element range [start, start + length) touched by an n-d strided walk from `offset`. */
function extent(offset: number, shape: readonly number[], strides: readonly number[]) {
  let low = offset;
  let high = offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = (shape[d] - 1) * strides[d];
    if (reach < 0) low += reach;
    else high += reach;
  }
  return { start: low, length: high - low + 1 };
}

/** The element range of matrix argument X of a batched GEMM (stored rows x columns). */
function matrixExtent(
  offset: number,
  batch: number,
  batchStride: number,
  rows: number,
  columns: number,
  leading: number,
) {
  return extent(offset, [batch, rows, columns], [batchStride, leading, 1]);
}

/** Writes an n-d layout (size and strides per dimension, outermost first) as int32 triples. */
function writeLayout(
  runtime: WasmRuntime,
  pointer: number,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): void {
  const layout = new Int32Array(runtime.memoryBuffer, pointer, shape.length * 3);
  shape.forEach((size, d) => {
    layout[d * 3] = size;
    layout[d * 3 + 1] = strides[0][d];
    layout[d * 3 + 2] = strides[1][d];
  });
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

function gemm(runtime: WasmRuntime, args: GemmArgs): void {
  const { batch, m, n, k, transA, transB } = args;
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const a = matrixExtent(
    args.aOffset,
    batch,
    args.aBatchStride,
    transA ? k : m,
    transA ? m : k,
    args.lda,
  );
  const b = matrixExtent(
    args.bOffset,
    batch,
    args.bBatchStride,
    transB ? n : k,
    transB ? k : n,
    args.ldb,
  );
  const c = matrixExtent(args.cOffset, batch, args.cBatchStride, m, n, args.ldc);
  const arrays: ArrayArgument[] = [
    { array: args.a, offset: a.start, length: k > 0 ? a.length : 0 },
    { array: args.b, offset: b.start, length: k > 0 ? b.length : 0 },
    { array: args.c, offset: c.start, length: c.length, written: true },
  ];
  runtime.call(arrays, 0, ([aPointer, bPointer, cPointer]) => {
    for (let t = 0; t < batch; t++) {
      runtime.exports.gemm(
        transA ? 1 : 0,
        transB ? 1 : 0,
        m,
        n,
        k,
        args.alpha,
        aPointer + (args.aOffset - a.start + t * args.aBatchStride) * 4,
        args.lda,
        bPointer + (args.bOffset - b.start + t * args.bBatchStride) * 4,
        args.ldb,
        args.beta,
        cPointer + (args.cOffset - c.start + t * args.cBatchStride) * 4,
        args.ldc,
      );
    }
  });
}

function copy(runtime: WasmRuntime, args: CopyArgs): void {
  for (const size of args.shape) if (size === 0) return;
  const collapsed = collapseDimensions(args.shape, [args.inputStrides, args.outputStrides]);
  const input = extent(args.inputOffset, collapsed.shape, collapsed.strides[0]);
  const output = extent(args.outputOffset, collapsed.shape, collapsed.strides[1]);
  const rank = collapsed.shape.length;
  const arrays: ArrayArgument[] = [
    { array: args.input, offset: input.start, length: input.length },
    { array: args.output, offset: output.start, length: output.length, written: true },
  ];
  runtime.call(arrays, rank * 16, ([inputPointer, outputPointer], layout) => {
    writeLayout(runtime, layout, collapsed.shape, collapsed.strides);
    runtime.exports.copy(
      rank,
      layout,
      inputPointer + (args.inputOffset - input.start) * 4,
      outputPointer + (args.outputOffset - output.start) * 4,
    );
  });
}

/** Every kernel of the Backend interface, running on `runtime`. */
export function createWasmKernels(
  runtime: WasmRuntime,
  storagePool: WasmStoragePool,
): BackendKernels {
  const wasm = runtime.exports;
  return {
    allocate: (length) => storagePool.allocate(length),

    gemm: (args) => gemm(runtime, args),

    conv2dForward: (args) => conv2dForward(runtime, args),
    conv2dBackwardInput: (args) => conv2dBackwardInput(runtime, args),
    conv2dBackwardWeight: (args) => conv2dBackwardWeight(runtime, args),

    pool2dForward(args) {
      const mode = codeOf('pool2dForward', poolCodes, args.mode);
      if (args.mode === 'max' && !args.argmax)
        throw new TypeError('pool2dForward: max pooling needs argmax');
      const inLength = args.planes * args.inHeight * args.inWidth;
      const outLength = args.planes * args.outHeight * args.outWidth;
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: inLength },
        { array: args.output, offset: 0, length: outLength, written: true },
      ];
      if (args.argmax)
        arrays.push({ array: args.argmax, offset: 0, length: outLength, written: true });
      runtime.call(arrays, 0, ([input, output, argmax]) => {
        wasm.pool2dForward(
          mode,
          args.planes,
          args.inHeight,
          args.inWidth,
          args.kernelHeight,
          args.kernelWidth,
          args.strideHeight,
          args.strideWidth,
          args.outHeight,
          args.outWidth,
          input,
          output,
          argmax ?? 0,
        );
      });
    },

    pool2dBackward(args) {
      const mode = codeOf('pool2dBackward', poolCodes, args.mode);
      if (args.mode === 'max' && !args.argmax)
        throw new TypeError('pool2dBackward: max pooling needs argmax');
      const inLength = args.planes * args.inHeight * args.inWidth;
      const outLength = args.planes * args.outHeight * args.outWidth;
      const arrays: ArrayArgument[] = [
        { array: args.gradOutput, offset: 0, length: outLength },
        { array: args.gradInput, offset: 0, length: inLength, written: true },
      ];
      if (args.argmax) arrays.push({ array: args.argmax, offset: 0, length: outLength });
      runtime.call(arrays, 0, ([gradOutput, gradInput, argmax]) => {
        wasm.pool2dBackward(
          mode,
          args.planes,
          args.inHeight,
          args.inWidth,
          args.kernelHeight,
          args.kernelWidth,
          args.strideHeight,
          args.strideWidth,
          args.outHeight,
          args.outWidth,
          gradOutput,
          gradInput,
          argmax ?? 0,
        );
      });
    },

    subsampling(args) {
      const activation = codeOf('subsampling', activationCodes, args.activation);
      const outChannels = args.channels * args.multiplier;
      const inner = args.outHeight * args.outWidth;
      const arrays: ArrayArgument[] = [
        {
          array: args.input,
          offset: 0,
          length: args.batch * args.channels * args.inHeight * args.inWidth,
        },
        { array: args.coefficient, offset: 0, length: outChannels },
        { array: args.bias, offset: 0, length: outChannels },
        { array: args.sums, offset: 0, length: args.batch * args.channels * inner, written: true },
        { array: args.output, offset: 0, length: args.batch * outChannels * inner, written: true },
      ];
      runtime.call(arrays, 0, ([input, coefficient, bias, sums, output]) => {
        wasm.subsampling(
          activation,
          args.batch,
          args.channels,
          args.multiplier,
          args.inHeight,
          args.inWidth,
          args.window,
          args.outHeight,
          args.outWidth,
          input,
          coefficient,
          bias,
          sums,
          output,
        );
      });
    },

    subsamplingBackward(args) {
      const activation = codeOf('subsamplingBackward', activationCodes, args.activation);
      const outChannels = args.channels * args.multiplier;
      const inner = args.outHeight * args.outWidth;
      const arrays: ArrayArgument[] = [
        { array: args.sums, offset: 0, length: args.batch * args.channels * inner },
        { array: args.output, offset: 0, length: args.batch * outChannels * inner },
        { array: args.coefficient, offset: 0, length: outChannels },
        {
          array: args.gradOutput,
          offset: 0,
          length: args.batch * outChannels * inner,
          written: true,
        },
        { array: args.gradCoefficient, offset: 0, length: outChannels, written: true },
        { array: args.gradBias, offset: 0, length: outChannels, written: true },
      ];
      if (args.gradInput) {
        const length = args.batch * args.channels * args.inHeight * args.inWidth;
        arrays.push({ array: args.gradInput, offset: 0, length, written: true });
      }
      runtime.call(arrays, 0, (pointers) => {
        const [sums, output, coefficient, gradOutput, gradCoefficient, gradBias, gradInput] =
          pointers;
        wasm.subsamplingBackward(
          activation,
          args.batch,
          args.channels,
          args.multiplier,
          args.inHeight,
          args.inWidth,
          args.window,
          args.outHeight,
          args.outWidth,
          sums,
          output,
          coefficient,
          gradOutput,
          gradCoefficient,
          gradBias,
          gradInput ?? 0,
        );
      });
    },

    unary(args) {
      const op = codeOf('unary', unaryCodes, args.op);
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: args.length },
        { array: args.output, offset: 0, length: args.length, written: true },
      ];
      runtime.call(arrays, 0, ([input, output]) => wasm.unary(op, args.length, input, output));
    },

    unaryBackward(args) {
      const op = codeOf('unaryBackward', unaryCodes, args.op);
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: args.length },
        { array: args.output, offset: 0, length: args.length },
        { array: args.gradOutput, offset: 0, length: args.length },
        { array: args.gradInput, offset: 0, length: args.length, written: true },
      ];
      runtime.call(arrays, 0, ([input, output, gradOutput, gradInput]) => {
        wasm.unaryBackward(op, args.length, input, output, gradOutput, gradInput);
      });
    },

    binary(args) {
      const op = codeOf('binary', binaryCodes, args.op);
      const size = args.shape.reduce((product, length) => product * length, 1);
      if (size === 0) return;
      const collapsed = collapseDimensions(args.shape, [
        args.aStrides,
        args.bStrides,
        contiguousStrides(args.shape),
      ]);
      const a = extent(0, collapsed.shape, collapsed.strides[0]);
      const b = extent(0, collapsed.shape, collapsed.strides[1]);
      const rank = collapsed.shape.length;
      const arrays: ArrayArgument[] = [
        { array: args.a, offset: a.start, length: a.length },
        { array: args.b, offset: b.start, length: b.length },
        { array: args.output, offset: 0, length: size, written: true },
      ];
      runtime.call(arrays, rank * 16, ([aPointer, bPointer, output], layout) => {
        writeLayout(runtime, layout, collapsed.shape, collapsed.strides);
        wasm.binary(op, rank, layout, aPointer - a.start * 4, bPointer - b.start * 4, output);
      });
    },

    subtractProduct(args) {
      const { length } = args;
      const arrays: ArrayArgument[] = [
        { array: args.a, offset: 0, length },
        { array: args.b, offset: 0, length },
        { array: args.output, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([a, b, output]) => wasm.subtractProduct(length, a, b, output));
    },

    fill(args) {
      const { length, value } = args;
      if (length === 0) return;
      const arrays: ArrayArgument[] = [{ array: args.output, offset: 0, length, written: true }];
      runtime.call(arrays, 0, ([output]) => wasm.fill(length, value, output));
    },

    axpy(args) {
      const { length, alpha, beta } = args;
      const arrays: ArrayArgument[] = [
        { array: args.x, offset: args.xOffset ?? 0, length },
        { array: args.y, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([x, y]) => wasm.axpy(length, alpha, x, beta, y));
    },

    adamUpdate(args) {
      const { length } = args;
      const arrays: ArrayArgument[] = [
        { array: args.weights, offset: 0, length, written: true },
        { array: args.gradient, offset: 0, length },
        { array: args.firstMoment, offset: 0, length, written: true },
        { array: args.secondMoment, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([weights, gradient, first, second]) =>
        wasm.adamUpdate(
          length,
          weights,
          gradient,
          first,
          second,
          args.beta1,
          args.beta2,
          args.epsilon,
          args.stepSize,
          args.correction2,
          args.gradientDecay,
          args.weightScale,
        ),
      );
    },

    biasActivation(args) {
      const activation = codeOf('biasActivation', activationCodes, args.activation);
      const length = args.outer * args.channels * args.inner;
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length },
        { array: args.bias, offset: 0, length: args.channels },
        { array: args.output, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([input, bias, output]) => {
        wasm.biasActivation(activation, args.outer, args.channels, args.inner, input, bias, output);
      });
    },

    biasActivationBackward(args) {
      const activation = codeOf('biasActivationBackward', activationCodes, args.activation);
      const length = args.outer * args.channels * args.inner;
      const arrays: ArrayArgument[] = [
        { array: args.output, offset: 0, length },
        { array: args.gradOutput, offset: 0, length },
        { array: args.gradInput, offset: 0, length, written: true },
        { array: args.gradBias, offset: 0, length: args.channels, written: true },
      ];
      runtime.call(arrays, 0, ([output, gradOutput, gradInput, gradBias]) => {
        wasm.biasActivationBackward(
          activation,
          args.outer,
          args.channels,
          args.inner,
          output,
          gradOutput,
          gradInput,
          gradBias,
        );
      });
    },

    reduce(args) {
      const op = codeOf('reduce', reduceCodes, args.op);
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: args.outer * args.axis * args.inner },
        { array: args.output, offset: 0, length: args.outer * args.inner, written: true },
      ];
      runtime.call(arrays, 0, ([input, output]) => {
        wasm.reduce(op, args.outer, args.axis, args.inner, input, output);
      });
    },

    argmax(args) {
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: args.outer * args.axis * args.inner },
        { array: args.output, offset: 0, length: args.outer * args.inner, written: true },
      ];
      runtime.call(arrays, 0, ([input, output]) => {
        wasm.argmax(args.outer, args.axis, args.inner, input, output);
      });
    },

    logSoftmax(args) {
      const length = args.rows * args.columns;
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length },
        { array: args.output, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([input, output]) => {
        wasm.logSoftmax(args.rows, args.columns, input, output);
      });
    },

    logSoftmaxBackward(args) {
      const length = args.rows * args.columns;
      const arrays: ArrayArgument[] = [
        { array: args.output, offset: 0, length },
        { array: args.gradOutput, offset: 0, length },
        { array: args.gradInput, offset: 0, length, written: true },
      ];
      runtime.call(arrays, 0, ([output, gradOutput, gradInput]) => {
        wasm.logSoftmaxBackward(args.rows, args.columns, output, gradOutput, gradInput);
      });
    },

    gather(args) {
      const count = args.outer * args.count * args.inner;
      const arrays: ArrayArgument[] = [
        { array: args.input, offset: 0, length: args.outer * args.axis * args.inner },
        { array: args.indices, offset: 0, length: count },
        { array: args.output, offset: 0, length: count, written: true },
      ];
      let failed = 0;
      runtime.call(arrays, 0, ([input, indices, output]) => {
        failed = wasm.gather(args.outer, args.axis, args.count, args.inner, input, indices, output);
      });
      if (failed) throwIndexError('gather', args.indices[failed - 1], args.axis);
    },

    scatterAdd(args) {
      const count = args.outer * args.count * args.inner;
      const arrays: ArrayArgument[] = [
        { array: args.source, offset: 0, length: count },
        { array: args.indices, offset: 0, length: count },
        {
          array: args.output,
          offset: 0,
          length: args.outer * args.axis * args.inner,
          written: true,
        },
      ];
      let failed = 0;
      runtime.call(arrays, 0, ([source, indices, output]) => {
        failed = wasm.scatterAdd(
          args.outer,
          args.axis,
          args.count,
          args.inner,
          source,
          indices,
          output,
        );
      });
      if (failed) throwIndexError('scatterAdd', args.indices[failed - 1], args.axis);
    },

    copy: (args) => copy(runtime, args),
  };
}

function throwIndexError(kernel: string, index: number, axis: number): never {
  throw new RangeError(`${kernel}: index ${index} is out of range [0, ${axis})`);
}
