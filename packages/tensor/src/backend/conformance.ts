// The conformance suite: every kernel a backend implements itself, run side by side with
// `reference` on the same random inputs (odd sizes, size 1, large, transposes, broadcasts,
// padding and strides, the connection table), compared with a tolerance stated per kernel.
// Shipped as `@lenet/tensor/testing` so a third-party backend can run it. It imports no test
// framework: `runConformanceSuite(name, { describe, it })` declares the cases in the caller's
// (vitest, node:test, ...), and `checkConformance(name)` runs them all and returns the
// mismatches. Kernels a backend does not implement fall back to `reference` and are skipped.
import { deviceResidency } from '../device-residency.js';
import { Generator } from '../generator.js';
import { lenet5C3Mask } from '../testing/lenet5-c3.js';
import {
  type Activation,
  type Backend,
  type BackendKernels,
  type BinaryOp,
  type PoolMode,
  type Storage,
  type SubsamplingGeometry,
  type UnaryOp,
  windowOutputSize,
} from './backend.js';
import { findBackend } from './registry.js';

type KernelName = Exclude<keyof BackendKernels, 'allocate'>;

/** |actual - expected| <= atol + rtol * |expected|, per kernel; exact (0, 0) for integer outputs. */
export const conformanceTolerances: Record<KernelName, { rtol: number; atol: number }> = {
  // float32 sums of up to ~300 products of values in [-1, 1]; reference sums in float64
  gemm: { rtol: 1e-4, atol: 1e-4 },
  conv2dForward: { rtol: 1e-4, atol: 1e-4 },
  conv2dBackwardInput: { rtol: 1e-4, atol: 1e-4 },
  conv2dBackwardWeight: { rtol: 1e-4, atol: 1e-3 }, // sums over batch * spatial (up to ~6,000 terms)
  pool2dForward: { rtol: 1e-6, atol: 1e-6 },
  pool2dBackward: { rtol: 1e-6, atol: 1e-6 },
  // transcendental functions may be approximated (e.g. a polynomial exp in WebAssembly)
  unary: { rtol: 1e-5, atol: 1e-6 },
  unaryBackward: { rtol: 1e-5, atol: 1e-6 },
  binary: { rtol: 1e-5, atol: 1e-6 },
  fill: { rtol: 0, atol: 0 },
  subtractProduct: { rtol: 0, atol: 0 }, // one rounded product and one rounded difference
  axpy: { rtol: 0, atol: 0 }, // two rounded products and one rounded sum
  adamUpdate: { rtol: 0, atol: 0 }, // float64 arithmetic in a fixed order, stored as float32
  subsampling: { rtol: 1e-5, atol: 1e-6 },
  subsamplingBackward: { rtol: 1e-4, atol: 1e-4 }, // float32 sums over batch * positions
  biasActivation: { rtol: 1e-5, atol: 1e-6 },
  biasActivationBackward: { rtol: 1e-4, atol: 1e-4 },
  reduce: { rtol: 1e-5, atol: 1e-4 },
  argmax: { rtol: 0, atol: 0 },
  logSoftmax: { rtol: 1e-5, atol: 1e-5 },
  logSoftmaxBackward: { rtol: 1e-5, atol: 1e-5 },
  gather: { rtol: 0, atol: 0 },
  scatterAdd: { rtol: 1e-6, atol: 1e-6 },
  copy: { rtol: 0, atol: 0 },
};

export interface ConformanceOptions {
  /** Kernels not checked, each with the reason (keep this list short and reviewed). */
  exclude?: Partial<Record<KernelName, string>>;
  /**
   * Kernels checked with a looser tolerance than `conformanceTolerances`, each with the reason
   * (e.g. a GPU without float64 arithmetic).
   */
  tolerances?: Partial<Record<KernelName, { rtol: number; atol: number; reason: string }>>;
}

/**
 * Makes arrays that kernels wrote readable on the host (a device backend's read-back);
 * `checkConformanceAsync` defaults to the installed device's (`sync`).
 */
export type ReadBack = (arrays: readonly (Float32Array | Int32Array)[]) => Promise<void>;

type Buffers = Record<string, Float32Array | Int32Array | Uint8Array>;

/**
 * One case: named inputs (float32 ones are copied into the backend's own memory), named
 * outputs with their lengths and initial values, and the kernel call given the buffers.
 */
interface KernelCase {
  label: string;
  inputs: Buffers;
  outputs: Record<string, Float32Array | Int32Array>;
  call(backend: Backend, buffers: Buffers): void;
}

/** Runs one case on `backend`: float32 buffers live in backend storage. Returns copies of the outputs. */
function runCase(
  backend: Backend,
  kernelCase: KernelCase,
): Record<string, Float32Array | Int32Array> {
  const outputs = startCase(backend, kernelCase);
  return collectOutputs(outputs);
}

/** `runCase` on a backend whose outputs must be read back before they are copied. */
async function runCaseAsync(
  backend: Backend,
  kernelCase: KernelCase,
  readBack: ReadBack,
): Promise<Record<string, Float32Array | Int32Array>> {
  const outputs = startCase(backend, kernelCase);
  await readBack(Object.values(outputs).map((output) => output.array()));
  return collectOutputs(outputs);
}

type CaseOutputs = Record<string, { array(): Float32Array | Int32Array }>;

function collectOutputs(outputs: CaseOutputs): Record<string, Float32Array | Int32Array> {
  const results: Record<string, Float32Array | Int32Array> = {};
  for (const [name, output] of Object.entries(outputs)) results[name] = output.array().slice();
  return results;
}

/** Sets up the buffers of a case and calls its kernel; returns where each output is. */
function startCase(backend: Backend, kernelCase: KernelCase): CaseOutputs {
  const storages = new Map<string, Storage>();
  const all: Buffers = { ...kernelCase.inputs, ...kernelCase.outputs };
  for (const [name, values] of Object.entries(all)) {
    if (values instanceof Float32Array) storages.set(name, backend.allocate(values.length));
  }
  // Views are read only after every allocation (allocation may move backend memory).
  const buffers: Buffers = {};
  for (const [name, values] of Object.entries(all)) {
    const storage = storages.get(name);
    if (storage) {
      storage.data.set(values as Float32Array);
      // What `Tensor.data` tells a device backend: the host copy was written.
      deviceResidency()?.hostAccess(storage.data);
      buffers[name] = storage.data;
    } else {
      buffers[name] = values.slice();
    }
  }
  kernelCase.call(backend, buffers);
  const outputs: CaseOutputs = {};
  for (const name of Object.keys(kernelCase.outputs)) {
    const storage = storages.get(name);
    // The view is read when used (after the call, backend memory may have moved).
    outputs[name] = { array: () => (storage ? storage.data : (buffers[name] as Int32Array)) };
  }
  return outputs;
}

function floats(generator: Generator, length: number, low = -1, high = 1): Float32Array {
  return generator.fillUniform(new Float32Array(length), low, high);
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function contiguous(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

function gemmCases(g: Generator): KernelCase[] {
  const cases: KernelCase[] = [];
  const sizes: [number, number, number, number][] = [
    // m, n, k, batch
    [1, 1, 1, 1],
    [3, 5, 7, 1],
    [17, 33, 9, 1],
    [64, 64, 64, 1],
    [130, 67, 257, 1],
    [5, 6, 4, 3],
    // One row (a dense layer at batch size 1) and depth 1 (its weight gradient): own paths.
    [1, 37, 21, 1],
    [1, 38, 7, 1],
    [1, 20, 9, 3],
    [19, 23, 1, 1],
    [20, 23, 1, 1],
  ];
  for (const [m, n, k, batch] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const beta = (m + n) % 2 === 0 ? 0 : 0.5;
        const alpha = k === 7 ? -1.5 : 1;
        // Leading dimensions larger than needed and nonzero offsets, as in sub-matrices.
        const lda = (transA ? m : k) + 2;
        const ldb = (transB ? k : n) + 1;
        const ldc = n + 3;
        const aRows = transA ? k : m;
        const bRows = transB ? n : k;
        const aStride = aRows * lda;
        const bStride = batch > 1 ? 0 : bRows * ldb; // batch > 1 broadcasts B
        const cStride = m * ldc;
        const c = floats(g, 1 + batch * cStride);
        if (beta === 0) c[1] = Number.NaN; // beta = 0 must not read C
        cases.push({
          label: `${m}x${n}x${k} batch ${batch} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`,
          inputs: { a: floats(g, 2 + batch * aStride), b: floats(g, 1 + bRows * ldb) },
          outputs: { c },
          call: (backend, x) =>
            backend.gemm({
              batch,
              m,
              n,
              k,
              transA,
              transB,
              alpha,
              beta,
              a: x.a as Float32Array,
              aOffset: 2,
              lda,
              aBatchStride: aStride,
              b: x.b as Float32Array,
              bOffset: 1,
              ldb,
              bBatchStride: bStride,
              c: x.c as Float32Array,
              cOffset: 1,
              ldc,
              cBatchStride: cStride,
            }),
        });
      }
    }
  }
  return cases;
}

const c3Connection = lenet5C3Mask;

interface ConvShape {
  batch: number;
  inChannels: number;
  outChannels: number;
  size: [number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  connection: Uint8Array | null;
  bias: boolean;
}

const convShapes: ConvShape[] = [
  {
    batch: 1,
    inChannels: 1,
    outChannels: 1,
    size: [1, 1],
    kernel: [1, 1],
    stride: [1, 1],
    padding: [0, 0],
    connection: null,
    bias: true,
  },
  {
    batch: 2,
    inChannels: 1,
    outChannels: 6,
    size: [32, 32],
    kernel: [5, 5],
    stride: [1, 1],
    padding: [0, 0],
    connection: null,
    bias: true,
  },
  {
    batch: 2,
    inChannels: 6,
    outChannels: 16,
    size: [14, 14],
    kernel: [5, 5],
    stride: [1, 1],
    padding: [0, 0],
    connection: c3Connection(),
    bias: true,
  },
  {
    batch: 3,
    inChannels: 3,
    outChannels: 5,
    size: [9, 7],
    kernel: [3, 2],
    stride: [2, 3],
    padding: [1, 2],
    connection: null,
    bias: false,
  },
  {
    batch: 1,
    inChannels: 2,
    outChannels: 3,
    size: [6, 5],
    kernel: [3, 3],
    stride: [1, 2],
    padding: [2, 0],
    connection: new Uint8Array([1, 0, 0, 1, 1, 1]),
    bias: true,
  },
];

function convCases(g: Generator, kernel: 'forward' | 'input' | 'weight'): KernelCase[] {
  return convShapes.map((shape): KernelCase => {
    const [inHeight, inWidth] = shape.size;
    const [kernelHeight, kernelWidth] = shape.kernel;
    const [strideHeight, strideWidth] = shape.stride;
    const [paddingHeight, paddingWidth] = shape.padding;
    const geometry = {
      batch: shape.batch,
      inChannels: shape.inChannels,
      inHeight,
      inWidth,
      outChannels: shape.outChannels,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
      paddingHeight,
      paddingWidth,
      outHeight: windowOutputSize(inHeight, kernelHeight, strideHeight, paddingHeight),
      outWidth: windowOutputSize(inWidth, kernelWidth, strideWidth, paddingWidth),
      connection: shape.connection,
    };
    const inputLength = shape.batch * shape.inChannels * inHeight * inWidth;
    const weightLength = shape.outChannels * shape.inChannels * kernelHeight * kernelWidth;
    const outputLength = shape.batch * shape.outChannels * geometry.outHeight * geometry.outWidth;
    const label = `${JSON.stringify({ ...shape, connection: shape.connection !== null })}`;
    if (kernel === 'forward') {
      return {
        label,
        inputs: {
          input: floats(g, inputLength),
          weight: floats(g, weightLength),
          bias: floats(g, shape.outChannels),
        },
        outputs: { output: floats(g, outputLength) },
        call: (backend, x) =>
          backend.conv2dForward({
            ...geometry,
            input: x.input as Float32Array,
            weight: x.weight as Float32Array,
            bias: shape.bias ? (x.bias as Float32Array) : null,
            output: x.output as Float32Array,
          }),
      };
    }
    if (kernel === 'input') {
      return {
        label,
        inputs: { gradOutput: floats(g, outputLength), weight: floats(g, weightLength) },
        outputs: { gradInput: floats(g, inputLength) },
        call: (backend, x) =>
          backend.conv2dBackwardInput({
            ...geometry,
            gradOutput: x.gradOutput as Float32Array,
            weight: x.weight as Float32Array,
            gradInput: x.gradInput as Float32Array,
          }),
      };
    }
    return {
      label,
      inputs: { input: floats(g, inputLength), gradOutput: floats(g, outputLength) },
      outputs: { gradWeight: floats(g, weightLength), gradBias: floats(g, shape.outChannels) },
      call: (backend, x) =>
        backend.conv2dBackwardWeight({
          ...geometry,
          input: x.input as Float32Array,
          gradOutput: x.gradOutput as Float32Array,
          gradWeight: x.gradWeight as Float32Array,
          gradBias: shape.bias ? (x.gradBias as Float32Array) : null,
        }),
    };
  });
}

function poolCases(g: Generator, backward: boolean): KernelCase[] {
  const shapes: [PoolMode, number, number, number, number, number, number, number][] = [
    // mode, planes, inHeight, inWidth, kernelHeight, kernelWidth, strideHeight, strideWidth
    ['max', 1, 1, 1, 1, 1, 1, 1],
    ['max', 12, 28, 28, 2, 2, 2, 2],
    ['avg', 7, 10, 10, 2, 2, 2, 2],
    ['sum', 5, 9, 11, 3, 2, 2, 3],
    ['max', 3, 7, 8, 3, 3, 1, 2],
    ['avg', 2, 5, 5, 5, 5, 1, 1],
  ];
  return shapes.map(
    ([
      mode,
      planes,
      inHeight,
      inWidth,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
    ]): KernelCase => {
      const outHeight = windowOutputSize(inHeight, kernelHeight, strideHeight);
      const outWidth = windowOutputSize(inWidth, kernelWidth, strideWidth);
      const geometry = {
        mode,
        planes,
        inHeight,
        inWidth,
        kernelHeight,
        kernelWidth,
        strideHeight,
        strideWidth,
        outHeight,
        outWidth,
      };
      const inputLength = planes * inHeight * inWidth;
      const outputLength = planes * outHeight * outWidth;
      const label = JSON.stringify(geometry);
      const input = floats(g, inputLength);
      if (!backward) {
        return {
          label,
          inputs: { input },
          outputs: { output: floats(g, outputLength), argmax: new Int32Array(outputLength) },
          call: (backend, x) =>
            backend.pool2dForward({
              ...geometry,
              input: x.input as Float32Array,
              output: x.output as Float32Array,
              argmax: mode === 'max' ? (x.argmax as Int32Array) : null,
            }),
        };
      }
      // The argmax comes from a reference forward pass, so both backends see the same one.
      const argmax = new Int32Array(outputLength);
      if (mode === 'max') {
        findBackend('reference')!.pool2dForward({
          ...geometry,
          input,
          output: new Float32Array(outputLength),
          argmax,
        });
      }
      return {
        label,
        inputs: { gradOutput: floats(g, outputLength), argmax },
        outputs: { gradInput: floats(g, inputLength) },
        call: (backend, x) =>
          backend.pool2dBackward({
            ...geometry,
            gradOutput: x.gradOutput as Float32Array,
            gradInput: x.gradInput as Float32Array,
            argmax: mode === 'max' ? (x.argmax as Int32Array) : null,
          }),
      };
    },
  );
}

const unaryOps: UnaryOp[] = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'square',
  'tanh',
  'sigmoid',
  'relu',
  'scaledTanh',
];
const lengths = [1, 7, 1000, 4099];

function unaryCases(g: Generator, backward: boolean): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const op of unaryOps) {
    for (const length of lengths) {
      const positive = op === 'log' || op === 'sqrt';
      const input = positive ? floats(g, length, 0.05, 4) : floats(g, length, -4, 4);
      const output = new Float32Array(length);
      findBackend('reference')!.unary({ op, length, input, output });
      if (!backward) {
        cases.push({
          label: `${op} length ${length}`,
          inputs: { input },
          outputs: { output: floats(g, length) },
          call: (backend, x) =>
            backend.unary({
              op,
              length,
              input: x.input as Float32Array,
              output: x.output as Float32Array,
            }),
        });
      } else {
        cases.push({
          label: `${op} length ${length}`,
          inputs: { input, output, gradOutput: floats(g, length) },
          outputs: { gradInput: floats(g, length) },
          call: (backend, x) =>
            backend.unaryBackward({
              op,
              length,
              input: x.input as Float32Array,
              output: x.output as Float32Array,
              gradOutput: x.gradOutput as Float32Array,
              gradInput: x.gradInput as Float32Array,
            }),
        });
      }
    }
  }
  return cases;
}

function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = contiguous(shape);
  const offset = target.length - shape.length;
  return target.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]));
}

function binaryCases(g: Generator): KernelCase[] {
  const shapes: [number[], number[], number[]][] = [
    // a, b, output
    [[1], [1], [1]],
    [[1037], [1037], [1037]],
    [[4, 5], [], [4, 5]],
    [[], [3, 2], [3, 2]],
    [[64, 10], [10], [64, 10]],
    [
      [3, 1, 5],
      [1, 4, 1],
      [3, 4, 5],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 1],
      [2, 3, 4, 5],
    ],
    [
      [7, 1],
      [7, 9],
      [7, 9],
    ],
  ];
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
  const cases: KernelCase[] = [];
  for (const op of ops) {
    for (const [aShape, bShape, shape] of shapes) {
      const positive = op === 'pow';
      const a = positive ? floats(g, product(aShape), 0.1, 3) : floats(g, product(aShape));
      const b =
        op === 'div' ? floats(g, product(bShape), 0.5, 2) : floats(g, product(bShape), -2, 2);
      cases.push({
        label: `${op} [${aShape}] with [${bShape}]`,
        inputs: { a, b },
        outputs: { output: floats(g, product(shape)) },
        call: (backend, x) =>
          backend.binary({
            op,
            shape,
            a: x.a as Float32Array,
            aStrides: broadcastStrides(aShape, shape),
            b: x.b as Float32Array,
            bStrides: broadcastStrides(bShape, shape),
            output: x.output as Float32Array,
          }),
      });
    }
  }
  return cases;
}

function biasActivationCases(g: Generator, backward: boolean): KernelCase[] {
  const activations: Activation[] = ['identity', 'relu', 'tanh', 'sigmoid', 'scaledTanh'];
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [64, 120, 1],
    [3, 6, 28 * 28],
    [5, 7, 3],
  ];
  const cases: KernelCase[] = [];
  for (const activation of activations) {
    for (const [outer, channels, inner] of shapes) {
      const length = outer * channels * inner;
      const label = `${activation} [${outer}, ${channels}, ${inner}]`;
      if (!backward) {
        cases.push({
          label,
          inputs: { input: floats(g, length, -3, 3), bias: floats(g, channels) },
          outputs: { output: floats(g, length) },
          call: (backend, x) =>
            backend.biasActivation({
              activation,
              outer,
              channels,
              inner,
              input: x.input as Float32Array,
              bias: x.bias as Float32Array,
              output: x.output as Float32Array,
            }),
        });
        continue;
      }
      const output = new Float32Array(length);
      findBackend('reference')!.biasActivation({
        activation,
        outer,
        channels,
        inner,
        input: floats(g, length, -3, 3),
        bias: floats(g, channels),
        output,
      });
      cases.push({
        label,
        inputs: { output, gradOutput: floats(g, length) },
        outputs: { gradInput: floats(g, length), gradBias: floats(g, channels) },
        call: (backend, x) =>
          backend.biasActivationBackward({
            activation,
            outer,
            channels,
            inner,
            output: x.output as Float32Array,
            gradOutput: x.gradOutput as Float32Array,
            gradInput: x.gradInput as Float32Array,
            gradBias: x.gradBias as Float32Array,
          }),
      });
    }
  }
  return cases;
}

const reduceShapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 1000, 1],
  [64, 10, 1],
  [3, 7, 5],
  [1, 33, 129],
  [6, 2, 1],
];

function reduceCases(g: Generator): KernelCase[] {
  return (['sum', 'max'] as const).flatMap((op) =>
    reduceShapes.map(([outer, axis, inner]) => ({
      label: `${op} [${outer}, ${axis}, ${inner}]`,
      inputs: { input: floats(g, outer * axis * inner) },
      outputs: { output: floats(g, outer * inner) },
      call: (backend: Backend, x: Buffers) =>
        backend.reduce({
          op,
          outer,
          axis,
          inner,
          input: x.input as Float32Array,
          output: x.output as Float32Array,
        }),
    })),
  );
}

function argmaxCases(g: Generator): KernelCase[] {
  return reduceShapes.map(([outer, axis, inner]) => ({
    label: `[${outer}, ${axis}, ${inner}]`,
    inputs: { input: floats(g, outer * axis * inner) },
    outputs: { output: new Int32Array(outer * inner) },
    call: (backend: Backend, x: Buffers) =>
      backend.argmax({
        outer,
        axis,
        inner,
        input: x.input as Float32Array,
        output: x.output as Int32Array,
      }),
  }));
}

function logSoftmaxCases(g: Generator, backward: boolean): KernelCase[] {
  // [rows, columns, low, high]: moderate logits, then large ones (hundreds, thousands, mixed
  // signs) where rounding max + log(sum) to float32 before subtracting loses digits.
  const shapes: [number, number, number, number][] = [
    [1, 1, -30, 30],
    [1, 10, -30, 30],
    [64, 10, -30, 30],
    [3, 1001, -30, 30],
    [16, 10, 300, 320],
    [16, 10, -320, -300],
    [16, 10, 2990, 3010],
    [16, 10, -3000, 3000],
    [3, 1001, 4990, 5010],
  ];
  return shapes.map(([rows, columns, low, high]): KernelCase => {
    const label = `[${rows}, ${columns}] logits in [${low}, ${high}]`;
    const input = floats(g, rows * columns, low, high);
    if (!backward) {
      return {
        label,
        inputs: { input },
        outputs: { output: floats(g, rows * columns) },
        call: (backend: Backend, x: Buffers) =>
          backend.logSoftmax({
            rows,
            columns,
            input: x.input as Float32Array,
            output: x.output as Float32Array,
          }),
      };
    }
    const output = new Float32Array(rows * columns);
    findBackend('reference')!.logSoftmax({ rows, columns, input, output });
    return {
      label,
      inputs: { output, gradOutput: floats(g, rows * columns) },
      outputs: { gradInput: floats(g, rows * columns) },
      call: (backend: Backend, x: Buffers) =>
        backend.logSoftmaxBackward({
          rows,
          columns,
          output: x.output as Float32Array,
          gradOutput: x.gradOutput as Float32Array,
          gradInput: x.gradInput as Float32Array,
        }),
    };
  });
}

function indexCases(g: Generator, scatter: boolean): KernelCase[] {
  const shapes: [number, number, number, number][] = [
    // outer, axis, count, inner
    [1, 1, 1, 1],
    [64, 10, 1, 1],
    [3, 5, 7, 4],
    [2, 100, 3, 1],
  ];
  return shapes.map(([outer, axis, count, inner]): KernelCase => {
    const indices = new Int32Array(outer * count * inner);
    for (let i = 0; i < indices.length; i++) indices[i] = g.int(axis);
    const label = `[${outer}, ${axis} -> ${count}, ${inner}]`;
    if (!scatter) {
      return {
        label,
        inputs: { input: floats(g, outer * axis * inner), indices },
        outputs: { output: floats(g, outer * count * inner) },
        call: (backend: Backend, x: Buffers) =>
          backend.gather({
            outer,
            axis,
            count,
            inner,
            input: x.input as Float32Array,
            indices: x.indices as Int32Array,
            output: x.output as Float32Array,
          }),
      };
    }
    return {
      label,
      inputs: { source: floats(g, outer * count * inner), indices },
      outputs: { output: floats(g, outer * axis * inner) },
      call: (backend: Backend, x: Buffers) =>
        backend.scatterAdd({
          outer,
          axis,
          count,
          inner,
          source: x.source as Float32Array,
          indices: x.indices as Int32Array,
          output: x.output as Float32Array,
        }),
    };
  });
}

function copyCases(g: Generator): KernelCase[] {
  const cases: KernelCase[] = [];
  // Transposes of various ranks.
  const transposes: [number[], number[]][] = [
    [[1], [0]],
    [
      [37, 53],
      [1, 0],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 3, 1],
    ],
    [
      [6, 1, 7],
      [2, 0, 1],
    ],
  ];
  for (const [shape, permutation] of transposes) {
    const inputStrides = contiguous(shape);
    const outShape = permutation.map((axis) => shape[axis]);
    cases.push({
      label: `permute [${shape}] by [${permutation}]`,
      inputs: { input: floats(g, product(shape)) },
      outputs: { output: floats(g, product(shape)) },
      call: (backend, x) =>
        backend.copy({
          shape: outShape,
          input: x.input as Float32Array,
          inputOffset: 0,
          inputStrides: permutation.map((axis) => inputStrides[axis]),
          output: x.output as Float32Array,
          outputOffset: 0,
          outputStrides: contiguous(outShape),
        }),
    });
  }
  // Padding 28x28 into the centre of 32x32 (output offset and strides), and an int32 slice.
  cases.push({
    label: 'pad [3, 28, 28] into [3, 32, 32]',
    inputs: { input: floats(g, 3 * 28 * 28) },
    outputs: { output: floats(g, 3 * 32 * 32) },
    call: (backend, x) =>
      backend.copy({
        shape: [3, 28, 28],
        input: x.input as Float32Array,
        inputOffset: 0,
        inputStrides: [784, 28, 1],
        output: x.output as Float32Array,
        outputOffset: 2 * 32 + 2,
        outputStrides: [1024, 32, 1],
      }),
  });
  const labels = new Int32Array(50);
  for (let i = 0; i < labels.length; i++) labels[i] = g.int(10);
  cases.push({
    label: 'int32 slice [10:30] of [50]',
    inputs: { input: labels },
    outputs: { output: new Int32Array(20) },
    call: (backend, x) =>
      backend.copy({
        shape: [20],
        input: x.input as Int32Array,
        inputOffset: 10,
        inputStrides: [1],
        output: x.output as Int32Array,
        outputOffset: 0,
        outputStrides: [1],
      }),
  });
  return cases;
}

function subtractProductCases(g: Generator): KernelCase[] {
  // Lengths around the SIMD width (tails of 1..7) and a parameter-sized vector.
  return [1, 7, 8, 13, 48_000].map((length) => ({
    label: `length ${length}`,
    inputs: { a: floats(g, length, 0, 0.01), b: floats(g, length, -2, 2) },
    outputs: { output: floats(g, length) },
    call: (backend: Backend, x: Buffers) =>
      backend.subtractProduct({
        length,
        a: x.a as Float32Array,
        b: x.b as Float32Array,
        output: x.output as Float32Array,
      }),
  }));
}

function fillCases(g: Generator): KernelCase[] {
  // Lengths around the SIMD width, a stale output to overwrite, and a value that rounds.
  return [1, 3, 4, 9, 1000].map((length, index) => ({
    label: `length ${length}`,
    inputs: {},
    outputs: { output: floats(g, length + 2) },
    call: (backend: Backend, x: Buffers) =>
      backend.fill({ length, value: index === 2 ? 0.1 : -index, output: x.output as Float32Array }),
  }));
}

function axpyCases(g: Generator): KernelCase[] {
  // Lengths around the SIMD widths, a parameter-sized vector, an offset into x, and the
  // special scales (beta 0 ignores y, alpha 0 ignores x, beta 1 is a plain update).
  const cases: [number, number, number, number][] = [
    [1, 0.7, 0, 0.9],
    [7, -0.01, 0, 1],
    [8, 1, 0, 0.9],
    [13, -0.3, 5, 0],
    [48_000, -0.001, 0, 1],
    [9, 0, 2, 0.5],
    [6, 0, 0, 0],
  ];
  return cases.map(([length, alpha, xOffset, beta]) => ({
    label: `length ${length}, alpha ${alpha}, x offset ${xOffset}, beta ${beta}`,
    inputs: { x: floats(g, length + xOffset, -2, 2) },
    // NaN where beta = 0 shows that y's old values are ignored.
    outputs: { y: beta === 0 ? new Float32Array(length).fill(Number.NaN) : floats(g, length) },
    call: (backend: Backend, buffers: Buffers) =>
      backend.axpy({
        length,
        alpha,
        x: buffers.x as Float32Array,
        xOffset,
        beta,
        y: buffers.y as Float32Array,
      }),
  }));
}

function adamUpdateCases(g: Generator): KernelCase[] {
  // Odd lengths (SIMD tails), a parameter-sized vector, Adam (L2 through the gradient) and
  // AdamW (decoupled decay), an early step (large bias corrections) and a late one.
  const cases: [number, number, number, number][] = [
    [1, 1, 0.01, 1],
    [7, 3, 0, 0.999],
    [13, 100, 0.001, 1],
    [48_000, 10, 0, 0.9995],
  ];
  return cases.map(([length, step, gradientDecay, weightScale]) => ({
    label: `length ${length}, step ${step}, decay ${gradientDecay}, weight scale ${weightScale}`,
    inputs: { gradient: floats(g, length, -2, 2) },
    outputs: {
      weights: floats(g, length),
      firstMoment: floats(g, length, -0.1, 0.1),
      secondMoment: floats(g, length, 0, 0.01),
    },
    call: (backend: Backend, buffers: Buffers) =>
      backend.adamUpdate({
        length,
        weights: buffers.weights as Float32Array,
        gradient: buffers.gradient as Float32Array,
        firstMoment: buffers.firstMoment as Float32Array,
        secondMoment: buffers.secondMoment as Float32Array,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        stepSize: 0.001 / (1 - 0.9 ** step),
        correction2: 1 - 0.999 ** step,
        gradientDecay,
        weightScale,
      }),
  }));
}

const subsamplingShapes: (Omit<SubsamplingGeometry, 'outHeight' | 'outWidth'> & {
  inputGradient: boolean;
})[] = [
  // LeNet-5's S2 and S4; an uneven size (rows and columns left over), windows of 3, two maps
  // per input map, every activation, and no input gradient.
  {
    batch: 2,
    channels: 6,
    multiplier: 1,
    inHeight: 28,
    inWidth: 28,
    window: 2,
    activation: 'scaledTanh',
    inputGradient: true,
  },
  {
    batch: 3,
    channels: 16,
    multiplier: 1,
    inHeight: 10,
    inWidth: 10,
    window: 2,
    activation: 'scaledTanh',
    inputGradient: true,
  },
  {
    batch: 1,
    channels: 2,
    multiplier: 2,
    inHeight: 9,
    inWidth: 11,
    window: 2,
    activation: 'tanh',
    inputGradient: true,
  },
  {
    batch: 2,
    channels: 3,
    multiplier: 1,
    inHeight: 7,
    inWidth: 8,
    window: 3,
    activation: 'sigmoid',
    inputGradient: true,
  },
  {
    batch: 1,
    channels: 4,
    multiplier: 3,
    inHeight: 4,
    inWidth: 4,
    window: 1,
    activation: 'relu',
    inputGradient: false,
  },
  {
    batch: 2,
    channels: 1,
    multiplier: 1,
    inHeight: 16,
    inWidth: 16,
    window: 2,
    activation: 'identity',
    inputGradient: true,
  },
];

function subsamplingCases(g: Generator, backward: boolean): KernelCase[] {
  return subsamplingShapes.map(({ inputGradient, ...shape }): KernelCase => {
    const geometry: SubsamplingGeometry = {
      ...shape,
      outHeight: windowOutputSize(shape.inHeight, shape.window, shape.window),
      outWidth: windowOutputSize(shape.inWidth, shape.window, shape.window),
    };
    const label = `${JSON.stringify(shape)}${backward && !inputGradient ? ' without input gradient' : ''}`;
    const maps = shape.channels * shape.multiplier;
    const inner = geometry.outHeight * geometry.outWidth;
    const inputLength = shape.batch * shape.channels * shape.inHeight * shape.inWidth;
    const input = floats(g, inputLength);
    const coefficient = floats(g, maps, -1.5, 1.5);
    const bias = floats(g, maps);
    const sums = new Float32Array(shape.batch * shape.channels * inner);
    const output = new Float32Array(shape.batch * maps * inner);
    if (!backward) {
      return {
        label,
        inputs: { input, coefficient, bias },
        outputs: { sums: floats(g, sums.length), output: floats(g, output.length) },
        call: (backend, x) =>
          backend.subsampling({
            ...geometry,
            input: x.input as Float32Array,
            coefficient: x.coefficient as Float32Array,
            bias: x.bias as Float32Array,
            sums: x.sums as Float32Array,
            output: x.output as Float32Array,
          }),
      };
    }
    findBackend('reference')!.subsampling({ ...geometry, input, coefficient, bias, sums, output });
    return {
      label,
      inputs: { sums, output, coefficient },
      outputs: {
        gradOutput: floats(g, output.length),
        gradCoefficient: floats(g, maps),
        gradBias: floats(g, maps),
        gradInput: floats(g, inputLength),
      },
      call: (backend, x) =>
        backend.subsamplingBackward({
          ...geometry,
          sums: x.sums as Float32Array,
          output: x.output as Float32Array,
          coefficient: x.coefficient as Float32Array,
          gradOutput: x.gradOutput as Float32Array,
          gradCoefficient: x.gradCoefficient as Float32Array,
          gradBias: x.gradBias as Float32Array,
          gradInput: inputGradient ? (x.gradInput as Float32Array) : null,
        }),
    };
  });
}

/** Every kernel's cases, generated from one seed so every backend sees the same inputs. */
function allCases(): Record<KernelName, KernelCase[]> {
  const g = new Generator(20240601);
  return {
    gemm: gemmCases(g),
    conv2dForward: convCases(g, 'forward'),
    conv2dBackwardInput: convCases(g, 'input'),
    conv2dBackwardWeight: convCases(g, 'weight'),
    pool2dForward: poolCases(g, false),
    pool2dBackward: poolCases(g, true),
    unary: unaryCases(g, false),
    unaryBackward: unaryCases(g, true),
    binary: binaryCases(g),
    biasActivation: biasActivationCases(g, false),
    biasActivationBackward: biasActivationCases(g, true),
    reduce: reduceCases(g),
    argmax: argmaxCases(g),
    logSoftmax: logSoftmaxCases(g, false),
    logSoftmaxBackward: logSoftmaxCases(g, true),
    gather: indexCases(g, false),
    scatterAdd: indexCases(g, true),
    copy: copyCases(g),
    // Cases added later draw after the others, so earlier kernels keep their inputs.
    subtractProduct: subtractProductCases(g),
    subsampling: subsamplingCases(g, false),
    subsamplingBackward: subsamplingCases(g, true),
    fill: fillCases(g),
    axpy: axpyCases(g),
    adamUpdate: adamUpdateCases(g),
  };
}

/** One case of one kernel, ready to run against `reference`. */
export interface ConformanceCase {
  readonly kernel: KernelName;
  readonly label: string;
  readonly tolerance: { readonly rtol: number; readonly atol: number };
  /** Why the case is not run (kernel falls back to reference, or excluded), or null. */
  readonly skipReason: string | null;
  /** Runs the case on the backend and on `reference`; the first mismatch as text, or null. */
  run(): string | null;
  /** `run` for a backend whose outputs are read back asynchronously (webgpu). */
  runAsync(readBack: ReadBack): Promise<string | null>;
}

/** The kernels' cases for the backend registered as `backendName` (throws if none is). */
export function conformanceCases(
  backendName: string,
  options: ConformanceOptions = {},
): ConformanceCase[] {
  const backend = findBackend(backendName);
  if (!backend) {
    throw new Error(
      `conformance: no backend registered as "${backendName}"; call registerBackend first`,
    );
  }
  const reference = findBackend('reference')!;
  const cases = allCases();
  const result: ConformanceCase[] = [];
  for (const kernel of Object.keys(cases) as KernelName[]) {
    const excluded = options.exclude?.[kernel];
    const skipReason = !backend.ownKernels.includes(kernel)
      ? 'falls back to reference'
      : excluded !== undefined
        ? `excluded: ${excluded}`
        : null;
    const looser = options.tolerances?.[kernel];
    const tolerance = looser
      ? { rtol: looser.rtol, atol: looser.atol }
      : conformanceTolerances[kernel];
    for (const kernelCase of cases[kernel]) {
      const compare = (
        actual: Record<string, Float32Array | Int32Array>,
        expected: Record<string, Float32Array | Int32Array>,
      ): string | null => {
        for (const name of Object.keys(expected)) {
          const mismatch = firstMismatch(actual[name], expected[name], tolerance);
          if (mismatch) return `${kernel} ${kernelCase.label}, output ${name}: ${mismatch}`;
        }
        return null;
      };
      result.push({
        kernel,
        label: kernelCase.label,
        tolerance,
        skipReason,
        run: () => {
          const expected = runCase(reference, kernelCase);
          return compare(runCase(backend, kernelCase), expected);
        },
        runAsync: async (readBack) => {
          const expected = runCase(reference, kernelCase);
          return compare(await runCaseAsync(backend, kernelCase, readBack), expected);
        },
      });
    }
  }
  return result;
}

/** |actual - expected| <= atol + rtol * |expected| everywhere (NaN matches NaN), or the first miss. */
function firstMismatch(
  actual: Float32Array | Int32Array,
  expected: Float32Array | Int32Array,
  { rtol, atol }: { rtol: number; atol: number },
): string | null {
  if (actual.length !== expected.length) {
    return `expected ${expected.length} values, received ${actual.length}`;
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const close =
      a === b ||
      (Number.isNaN(a) && Number.isNaN(b)) ||
      Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!close) return `index ${i}: received ${a}, expected ${b} (rtol ${rtol}, atol ${atol})`;
  }
  return null;
}

/** What `runConformanceSuite` needs of a test framework (vitest's and node:test's fit). */
export interface TestFunctions {
  describe: ((name: string, body: () => void) => unknown) & {
    skip: (name: string, body: () => void) => unknown;
  };
  it: (name: string, body: () => void | Promise<void>) => unknown;
}

/**
 * Declares the conformance tests of the backend registered as `backendName`, one per case
 * (asynchronous ones, reading outputs back with `options.readBack`, for a device backend),
 * grouped by kernel, with the caller's test framework; a kernel the backend does not own (or
 * that `options.exclude` lists) is declared skipped. A backend that is not registered (e.g.
 * WebAssembly unavailable) gets one skipped group.
 */
export function runConformanceSuite(
  backendName: string,
  test: TestFunctions,
  options: ConformanceOptions & { readBack?: ReadBack } = {},
): void {
  const title = `conformance: ${backendName} vs reference`;
  if (!findBackend(backendName)) {
    test.describe
      .skip(title, () => {});
    return;
  }
  const cases = conformanceCases(backendName, options);
  test.describe(title, () => {
    for (const kernel of new Set(cases.map((c) => c.kernel))) {
      const ofKernel = cases.filter((c) => c.kernel === kernel);
      const { tolerance, skipReason } = ofKernel[0];
      const group = skipReason === null ? test.describe : test.describe.skip;
      group(
        `${kernel} (rtol ${tolerance.rtol}, atol ${tolerance.atol})${skipReason ? ` [${skipReason}]` : ''}`,
        () => {
          for (const kernelCase of ofKernel) {
            const readBack = options.readBack;
            test.it(
              kernelCase.label,
              readBack === undefined
                ? () => {
                    const mismatch = kernelCase.run();
                    if (mismatch !== null) throw new Error(mismatch);
                  }
                : async () => {
                    const mismatch = await kernelCase.runAsync(readBack);
                    if (mismatch !== null) throw new Error(mismatch);
                  },
            );
          }
        },
      );
    }
  });
}

/**
 * Runs every case the backend owns, outside any test framework. Returns the mismatches
 * (empty when the backend conforms) and how many cases ran and were skipped.
 */
export function checkConformance(
  backendName: string,
  options: ConformanceOptions = {},
): { passed: number; skipped: number; failures: string[] } {
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const kernelCase of conformanceCases(backendName, options)) {
    if (kernelCase.skipReason !== null) {
      skipped++;
      continue;
    }
    const mismatch = kernelCase.run();
    if (mismatch === null) passed++;
    else failures.push(mismatch);
  }
  return { passed, skipped, failures };
}

/** The installed device backend's read-back (`sync`); immediate when none is installed. */
export const readBack: ReadBack = async (arrays) => {
  await deviceResidency()?.sync(arrays);
};

/**
 * `checkConformance` for a backend that computes on a device (webgpu): each case's outputs
 * are read back (with `options.readBack`, default the installed device's) before comparing.
 */
export async function checkConformanceAsync(
  backendName: string,
  options: ConformanceOptions & { readBack?: ReadBack } = {},
): Promise<{ passed: number; skipped: number; failures: string[] }> {
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const kernelCase of conformanceCases(backendName, options)) {
    if (kernelCase.skipReason !== null) {
      skipped++;
      continue;
    }
    const mismatch = await kernelCase.runAsync(options.readBack ?? readBack);
    if (mismatch === null) passed++;
    else failures.push(mismatch);
  }
  return { passed, skipped, failures };
}
