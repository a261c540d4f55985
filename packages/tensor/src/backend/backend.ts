/**
 * The kernel boundary: every heavy loop of `@lenet/tensor` runs behind this interface.
 *
 * The model
 * - Tensors never reach a kernel. A kernel receives one typed argument object with plain
 *   typed arrays (`Float32Array`, `Int32Array`, `Uint8Array`), sizes and, where a caller needs
 *   them, element offsets and strides. That keeps kernels independent of autograd and lets a
 *   WebAssembly backend run them on its own linear memory.
 * - Float32 memory comes from the backend (`allocate`), so a WebAssembly backend can hand out
 *   blocks of its memory and run kernels on them without copies. A `Storage` is a handle: its
 *   `data` view may be re-created (after `WebAssembly.Memory.grow` detaches the old one), so
 *   read it at the moment of use and never keep it across another allocation. Int32 tensors
 *   (labels, indices) are plain JavaScript `Int32Array`s.
 * - A kernel must accept any typed array, not only those from its own `allocate` (tensors may
 *   have been created under another backend); it may take a zero-copy path for its own memory.
 * - Output arrays are written, not read (unless a member says it accumulates), and never alias
 *   an input unless the member says so. Outputs are always contiguous, row-major.
 * - Gradient and curvature rules are not kernels: autograd (src/ops/) expresses them with these
 *   kernels, so a new backend gets every gradient and the SDLM curvature pass for free. Only the few backward passes that are their
 *   own computation (conv2d, pooling, unary derivatives, log-softmax) are kernels.
 * - Backends register with `registerBackend(name, kernels)` (src/backend/registry.ts), possibly with only some kernels:
 *   the rest fall back to `reference` (src/backend/reference/), the readable specification
 *   that every backend is tested against (src/backend/conformance.ts).
 */
/** A block of float32 memory owned by a backend. */
export interface Storage {
  /** Number of float32 elements. */
  readonly length: number;
  /**
   * The current view of the block, exactly `length` long. May be a new object after the
   * backend's memory grew: read it when you use it, do not cache it across allocations.
   */
  readonly data: Float32Array;
}

/** Element-wise functions of one argument, with their derivatives in `unaryBackward`. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'square'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  /** The paper's squashing function 1.7159 * tanh(2/3 * x) (LeCun et al. 1998, appendix A). */
  | 'scaledTanh';

/** Element-wise functions of two broadcast arguments. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Activations a fused bias+activation kernel supports: their derivative is a function of the output. */
export type Activation = 'identity' | 'relu' | 'tanh' | 'sigmoid' | 'scaledTanh';

/** Pooling modes: `max` records argmax indices, `avg` divides by the window size, `sum` does not. */
export type PoolMode = 'max' | 'avg' | 'sum';

/** Reductions along one axis. Mean is `sum` then a scale, done by the op. */
export type ReduceOp = 'sum' | 'max';

/**
 * C = alpha * op(A) @ op(B) + beta * C, for `batch` independent matrices.
 * op(A) is [m x k], op(B) is [k x n], C is [m x n]; op(X) = X or X transposed (BLAS sgemm).
 * Row-major with leading dimensions: element (i, j) of A is `a[aOffset + i * lda + j]`
 * (of the stored, untransposed matrix). Matrix `t` of a batch starts at `aOffset + t * aBatchStride`
 * (0 broadcasts one matrix to every batch entry), likewise for B and C.
 * beta = 0 means C is overwritten without being read (NaN in C does not propagate).
 */
export interface GemmArgs {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  aBatchStride: number;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  bBatchStride: number;
  c: Float32Array;
  cOffset: number;
  ldc: number;
  cBatchStride: number;
}

/**
 * Shapes of a 2-D convolution (cross-correlation, as in every framework) in NCHW layout:
 * input [batch, inChannels, inHeight, inWidth], weight [outChannels, inChannels, kernelHeight,
 * kernelWidth], output [batch, outChannels, outHeight, outWidth] with
 * outHeight = floor((inHeight + 2 * paddingHeight - kernelHeight) / strideHeight) + 1 (same for width).
 * Padding is zeros.
 */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  paddingHeight: number;
  paddingWidth: number;
  outHeight: number;
  outWidth: number;
  /**
   * Optional connection table [outChannels x inChannels], 1 = connected: output channel o sees
   * input channel c only if `connection[o * inChannels + c]` is nonzero (LeNet-5's C3 layer).
   * Weights of unconnected pairs are treated as zero and receive zero gradient. null = dense.
   */
  connection: Uint8Array | null;
}

/** output = conv2d(input, weight) + bias (bias [outChannels] added per output channel, or none). */
export interface Conv2dForwardArgs extends Conv2dGeometry {
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array | null;
  output: Float32Array;
}

/** gradInput = d(loss)/d(input) given gradOutput (shaped like the output); overwrites gradInput. */
export interface Conv2dBackwardInputArgs extends Conv2dGeometry {
  gradOutput: Float32Array;
  weight: Float32Array;
  gradInput: Float32Array;
}

/**
 * gradWeight = d(loss)/d(weight) (zero where the connection table is 0) and, when given,
 * gradBias[o] = sum of gradOutput over batch, height and width. Overwrites both.
 */
export interface Conv2dBackwardWeightArgs extends Conv2dGeometry {
  input: Float32Array;
  gradOutput: Float32Array;
  gradWeight: Float32Array;
  gradBias: Float32Array | null;
}

/**
 * Shapes of 2-D pooling without padding over `planes` = batch * channels independent planes:
 * input [planes, inHeight, inWidth], output [planes, outHeight, outWidth] with
 * outHeight = floor((inHeight - kernelHeight) / strideHeight) + 1 (same for width).
 */
export interface Pool2dGeometry {
  mode: PoolMode;
  planes: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Pools input into output. For `max`, `argmax` (one entry per output element) receives the
 * index within its input plane (row * inWidth + column) of the first maximum; null otherwise.
 */
export interface Pool2dForwardArgs extends Pool2dGeometry {
  input: Float32Array;
  output: Float32Array;
  argmax: Int32Array | null;
}

/** gradInput = d(loss)/d(input) from gradOutput (and `argmax` of the forward for `max`); overwrites gradInput. */
export interface Pool2dBackwardArgs extends Pool2dGeometry {
  gradOutput: Float32Array;
  gradInput: Float32Array;
  argmax: Int32Array | null;
}

/** output[i] = op(input[i]) for i < length. output may be input (in place). */
export interface UnaryArgs {
  op: UnaryOp;
  length: number;
  input: Float32Array;
  output: Float32Array;
}

/**
 * gradInput[i] = gradOutput[i] * op'(input[i]); `output` is the forward result (tanh, exp,
 * sigmoid... use it rather than recompute). Overwrites gradInput, which may be gradOutput.
 * Conventions at kinks: relu'(0) = 0, abs'(0) = 0.
 */
export interface UnaryBackwardArgs {
  op: UnaryOp;
  length: number;
  input: Float32Array;
  output: Float32Array;
  gradOutput: Float32Array;
  gradInput: Float32Array;
}

/**
 * output = op(a, b) with NumPy broadcasting. `shape` is the output shape (output contiguous);
 * `aStrides`/`bStrides` give, per output dimension, the element stride into a / b: 0 where that
 * operand is broadcast. output may be a or b when that operand is contiguous with `shape`.
 * `maximum`/`minimum` propagate NaN.
 */
export interface BinaryArgs {
  op: BinaryOp;
  shape: readonly number[];
  a: Float32Array;
  aStrides: readonly number[];
  b: Float32Array;
  bStrides: readonly number[];
  output: Float32Array;
}

/**
 * In-place multiply-subtract over `length` elements: output[i] = output[i] - a[i] * b[i], the
 * product rounded to float32 before the subtraction (what `mul` then `sub` give). An
 * optimizer step with one rate per weight (SDLM: weights -= rates * gradients) in one pass.
 */
export interface SubtractProductArgs {
  length: number;
  a: Float32Array;
  b: Float32Array;
  /** Read and written; aliases neither a nor b. */
  output: Float32Array;
}

/** output[i] = value for i < length (zeroing before an accumulation, constants, ones). */
export interface FillArgs {
  length: number;
  value: number;
  output: Float32Array;
}

/**
 * y[i] = alpha * x[i] + beta * y[i] over contiguous vectors (BLAS's axpy, with beta): each
 * product rounded to float32 (alpha and beta first), then the sum, never fused. beta = 0
 * ignores what y held; alpha = 0 ignores x (y = beta * y). An optimizer's update, a momentum
 * buffer, a weighted sum of gradients.
 */
export interface AxpyArgs {
  length: number;
  alpha: number;
  x: Float32Array;
  /** First element of x (default 0), so x can be a row of a larger array. */
  xOffset?: number;
  beta: number;
  /** Read (unless beta = 0) and written; aliases x only when it is the same vector. */
  y: Float32Array;
}

/**
 * One Adam step (Kingma & Ba 2015) over contiguous vectors, in place, computed in float64 and
 * stored as float32: g = gradient + gradientDecay w; m = beta1 m + (1 - beta1) g;
 * v = beta2 v + (1 - beta2) g g; w = w weightScale - stepSize m / (sqrt(v / correction2) +
 * epsilon), with the unrounded m and v. Adam: gradientDecay = beta, weightScale = 1; AdamW:
 * gradientDecay = 0, weightScale = 1 - lr beta.
 */
export interface AdamUpdateArgs {
  length: number;
  /** Read and written. */
  weights: Float32Array;
  gradient: Float32Array;
  /** Read and written. */
  firstMoment: Float32Array;
  /** Read and written. */
  secondMoment: Float32Array;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learningRate / (1 - beta1^t). */
  stepSize: number;
  /** 1 - beta2^t. */
  correction2: number;
  gradientDecay: number;
  weightScale: number;
}

/**
 * Fused per-channel bias and activation over data laid out [outer, channels, inner]
 * (NCHW conv outputs: outer = batch, inner = height * width; dense layers: inner = 1):
 * output[o, c, i] = activation(input[o, c, i] + bias[c]). output may be input.
 */
export interface BiasActivationArgs {
  activation: Activation;
  outer: number;
  channels: number;
  inner: number;
  input: Float32Array;
  bias: Float32Array;
  output: Float32Array;
}

/**
 * Backward of `biasActivation`: gradInput = gradOutput * activation'(pre-activation), the
 * derivative computed from the forward `output`; gradBias[c] = sum of gradInput over outer and
 * inner. Overwrites gradInput (which may be gradOutput) and gradBias.
 */
export interface BiasActivationBackwardArgs {
  activation: Activation;
  outer: number;
  channels: number;
  inner: number;
  output: Float32Array;
  gradOutput: Float32Array;
  gradInput: Float32Array;
  gradBias: Float32Array;
}

/** Sizes of the paper's trainable sub-sampling (LeNet-5's S2 and S4). */
export interface SubsamplingGeometry {
  batch: number;
  /** Input maps. */
  channels: number;
  /** Output maps per input map: output map m reads input map floor(m / multiplier). */
  multiplier: number;
  inHeight: number;
  inWidth: number;
  /** Side of the square windows, which are also the stride (no overlap, no padding). */
  window: number;
  outHeight: number;
  outWidth: number;
  activation: Activation;
}

/**
 * Sub-sampling forward in one pass: sums[n, c] = the window sums of input[n, c];
 * output[n, m] = activation(coefficient[m] * sums[n, floor(m / multiplier)] + bias[m]).
 * input [batch, channels, inHeight, inWidth]; sums [batch, channels, outHeight, outWidth] (kept
 * for the backward pass); output [batch, channels * multiplier, outHeight, outWidth].
 */
export interface SubsamplingArgs extends SubsamplingGeometry {
  input: Float32Array;
  coefficient: Float32Array;
  bias: Float32Array;
  sums: Float32Array;
  output: Float32Array;
}

/**
 * Backward of `subsampling` from its `sums` and `output`. Overwrites gradOutput with
 * g = gradOutput * activation'(output) (the gradient before the activation); sets
 * gradCoefficient[m] = sum over samples and positions of g * sums, gradBias[m] = sum of g, and,
 * unless null, gradInput [batch, channels, inHeight, inWidth]: over each window, the sum over
 * the maps m reading it of coefficient[m] * g (zero outside every window).
 */
export interface SubsamplingBackwardArgs extends SubsamplingGeometry {
  sums: Float32Array;
  output: Float32Array;
  coefficient: Float32Array;
  gradOutput: Float32Array;
  gradCoefficient: Float32Array;
  gradBias: Float32Array;
  gradInput: Float32Array | null;
}

/**
 * Reduction of input viewed as [outer, axis, inner] along the middle axis into output
 * [outer, inner]. `max` propagates NaN. axis >= 1.
 */
export interface ReduceArgs {
  op: ReduceOp;
  outer: number;
  axis: number;
  inner: number;
  input: Float32Array;
  output: Float32Array;
}

/** output[o, i] = index j of the first maximum of input[o, j, i] (first NaN if any). axis >= 1. */
export interface ArgmaxArgs {
  outer: number;
  axis: number;
  inner: number;
  input: Float32Array;
  output: Int32Array;
}

/** Numerically stable log-softmax of each row of input [rows, columns] (the last axis). */
export interface LogSoftmaxArgs {
  rows: number;
  columns: number;
  input: Float32Array;
  output: Float32Array;
}

/**
 * Backward of `logSoftmax` from its forward `output`:
 * gradInput[r, j] = gradOutput[r, j] - exp(output[r, j]) * sum_k gradOutput[r, k]. Overwrites gradInput.
 */
export interface LogSoftmaxBackwardArgs {
  rows: number;
  columns: number;
  output: Float32Array;
  gradOutput: Float32Array;
  gradInput: Float32Array;
}

/**
 * Gather along the middle axis: input is [outer, axis, inner], indices and output are
 * [outer, count, inner]; output[o, j, i] = input[o, indices[o, j, i], i].
 * Throws RangeError on an index outside [0, axis).
 */
export interface GatherArgs {
  outer: number;
  axis: number;
  count: number;
  inner: number;
  input: Float32Array;
  indices: Int32Array;
  output: Float32Array;
}

/**
 * The adjoint of `gather`, accumulating: output[o, indices[o, j, i], i] += source[o, j, i],
 * output [outer, axis, inner] (not cleared first), source and indices [outer, count, inner].
 * Throws RangeError on an index outside [0, axis).
 */
export interface ScatterAddArgs {
  outer: number;
  axis: number;
  count: number;
  inner: number;
  source: Float32Array;
  indices: Int32Array;
  output: Float32Array;
}

/**
 * Strided copy over an n-d index space `shape`: for every index (i0, i1, ...),
 * output[outputOffset + sum_d i_d * outputStrides[d]] = input[inputOffset + sum_d i_d * inputStrides[d]].
 * Transpose/permute, pad, slice and concat are this one kernel. input and output have the
 * same element type (int32 tensors use it too) and do not overlap.
 */
export interface CopyArgs<Data extends Float32Array | Int32Array = Float32Array | Int32Array> {
  shape: readonly number[];
  input: Data;
  inputOffset: number;
  inputStrides: readonly number[];
  output: Data;
  outputOffset: number;
  outputStrides: readonly number[];
}

/** Everything a backend provides, member by member. All kernels return nothing and write their outputs. */
export interface BackendKernels {
  /** A zero-filled block of `length` float32 elements for a tensor's storage. */
  allocate(length: number): Storage;
  /** Batched general matrix multiply (BLAS sgemm semantics). */
  gemm(args: GemmArgs): void;
  /** Convolution forward with optional bias and connection table. */
  conv2dForward(args: Conv2dForwardArgs): void;
  /** Convolution gradient with respect to the input (a transposed convolution). */
  conv2dBackwardInput(args: Conv2dBackwardInputArgs): void;
  /** Convolution gradient with respect to the weight and bias. */
  conv2dBackwardWeight(args: Conv2dBackwardWeightArgs): void;
  /** Max / average / sum pooling forward. */
  pool2dForward(args: Pool2dForwardArgs): void;
  /** Max / average / sum pooling backward. */
  pool2dBackward(args: Pool2dBackwardArgs): void;
  /** One-argument element-wise function. */
  unary(args: UnaryArgs): void;
  /** Derivative of a one-argument element-wise function times the incoming gradient. */
  unaryBackward(args: UnaryBackwardArgs): void;
  /** Two-argument element-wise function with broadcasting. */
  binary(args: BinaryArgs): void;
  /** In-place output -= a * b over contiguous vectors (an optimizer's update). */
  subtractProduct(args: SubtractProductArgs): void;
  /** Sets every element of a block to one value. */
  fill(args: FillArgs): void;
  /** In-place y = alpha * x + beta * y over contiguous vectors. */
  axpy(args: AxpyArgs): void;
  /** One in-place Adam step (moments and weights), in float64 arithmetic. */
  adamUpdate(args: AdamUpdateArgs): void;
  /** Fused per-channel bias + activation. */
  biasActivation(args: BiasActivationArgs): void;
  /** Backward of the fused bias + activation, including the bias gradient. */
  biasActivationBackward(args: BiasActivationBackwardArgs): void;
  /** The paper's trainable sub-sampling: window sums, coefficient, bias, activation. */
  subsampling(args: SubsamplingArgs): void;
  /** Backward of `subsampling`: coefficient, bias and (optionally) input gradients. */
  subsamplingBackward(args: SubsamplingBackwardArgs): void;
  /** Sum or max along one axis. */
  reduce(args: ReduceArgs): void;
  /** Index of the maximum along one axis. */
  argmax(args: ArgmaxArgs): void;
  /** Log-softmax along the last axis. */
  logSoftmax(args: LogSoftmaxArgs): void;
  /** Backward of log-softmax. */
  logSoftmaxBackward(args: LogSoftmaxBackwardArgs): void;
  /** Gather along an axis with int32 indices. */
  gather(args: GatherArgs): void;
  /** Scatter-add along an axis with int32 indices (the adjoint of gather). */
  scatterAdd(args: ScatterAddArgs): void;
  /** Strided n-d copy (float32 or int32). */
  copy(args: CopyArgs): void;
}

/** A registered backend: its name and a full set of kernels (its own, then `reference`'s). */
export interface Backend extends BackendKernels {
  readonly name: string;
  /** Names of the kernels this backend implements itself (the rest are `reference`'s). */
  readonly ownKernels: readonly (keyof BackendKernels)[];
  /** Which build of the backend runs, when it has several (`wasm`: relaxed-simd, simd, scalar). */
  readonly variant?: string;
}

/** Output length of a convolution or pooling window along one dimension. */
export function windowOutputSize(
  inSize: number,
  kernelSize: number,
  stride: number,
  padding = 0,
): number {
  return Math.floor((inSize + 2 * padding - kernelSize) / stride) + 1;
}
