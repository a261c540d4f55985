// Reference element-wise kernels: unary functions and their derivatives, broadcast binary
// functions, and the fused per-channel bias + activation. The switch on the function is
// outside each loop so every loop body is a single expression.
import type {
  Activation,
  AdamUpdateArgs,
  AxpyArgs,
  BiasActivationArgs,
  BiasActivationBackwardArgs,
  BinaryArgs,
  BinaryOp,
  FillArgs,
  SubtractProductArgs,
  UnaryArgs,
  UnaryBackwardArgs,
  UnaryOp,
} from '../backend.js';

/** The paper's squashing function f(x) = A tanh(S x) (LeCun et al. 1998, appendix A). */
export const SCALED_TANH_A = 1.7159;
export const SCALED_TANH_S = 2 / 3;

function sigmoid(x: number): number {
  // Two branches so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function unary(args: UnaryArgs): void {
  const { op, length: n, input: x, output: y } = args;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) y[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) y[i] = Math.max(x[i], 0);
      return;
    case 'scaledTanh':
      for (let i = 0; i < n; i++) y[i] = SCALED_TANH_A * Math.tanh(SCALED_TANH_S * x[i]);
      return;
    default:
      throw new TypeError(`unary: unknown op ${op satisfies never}`);
  }
}

export function unaryBackward(args: UnaryBackwardArgs): void {
  const { op, length: n, input: x, output: y, gradOutput: g, gradInput: gi } = args;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) gi[i] = -g[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) gi[i] = g[i] * y[i];
      return;
    case 'log':
      for (let i = 0; i < n; i++) gi[i] = g[i] / x[i];
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) gi[i] = g[i] / (2 * y[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) gi[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0;
      return;
    case 'square':
      for (let i = 0; i < n; i++) gi[i] = 2 * x[i] * g[i];
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) gi[i] = g[i] * (1 - y[i] * y[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) gi[i] = g[i] * y[i] * (1 - y[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) gi[i] = x[i] > 0 ? g[i] : 0;
      return;
    case 'scaledTanh':
      for (let i = 0; i < n; i++) gi[i] = g[i] * activationDerivative('scaledTanh', y[i]);
      return;
    default:
      throw new TypeError(`unaryBackward: unknown op ${op satisfies never}`);
  }
}

/** f'(pre-activation) written as a function of the output y = f(pre-activation). */
function activationDerivative(activation: Activation, y: number): number {
  switch (activation) {
    case 'identity':
      return 1;
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'scaledTanh':
      // d/dx A tanh(S x) = A S (1 - tanh^2) = (S / A) (A^2 - y^2)
      return (SCALED_TANH_S / SCALED_TANH_A) * (SCALED_TANH_A * SCALED_TANH_A - y * y);
    default:
      throw new TypeError(`activation: unknown ${activation satisfies never}`);
  }
}

function activationOp(activation: Activation): UnaryOp | null {
  return activation === 'identity' ? null : activation;
}

export function biasActivation(args: BiasActivationArgs): void {
  const { activation, outer, channels, inner, input, bias, output } = args;
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const value = bias[c];
      for (let i = 0; i < inner; i++, index++) output[index] = input[index] + value;
    }
  }
  const op = activationOp(activation);
  if (op) unary({ op, length: outer * channels * inner, input: output, output });
}

export function biasActivationBackward(args: BiasActivationBackwardArgs): void {
  const { activation, outer, channels, inner, output, gradOutput, gradInput, gradBias } = args;
  gradBias.fill(0, 0, channels);
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let i = 0; i < inner; i++, index++) {
        const grad = gradOutput[index] * activationDerivative(activation, output[index]);
        gradInput[index] = grad;
        sum += grad;
      }
      gradBias[c] += sum;
    }
  }
}

/**
 * Merges neighbouring dimensions that are contiguous in the output and in both operands, so
 * most broadcasts become one long inner loop (e.g. [N, C] + [C] -> N rows of C).
 */
export function collapseDimensions(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue; // size-1 dimensions contribute nothing
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && stridesList.every((strides, s) => outStrides[s][last] === strides[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      stridesList.forEach((strides, s) => {
        outStrides[s][last] = strides[d];
      });
    } else {
      outShape.push(shape[d]);
      stridesList.forEach((strides, s) => {
        outStrides[s].push(strides[d]);
      });
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((strides) => {
      strides.push(0);
    });
  }
  return { shape: outShape, strides: outStrides };
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

export function binary(args: BinaryArgs): void {
  const { op, a, b, output } = args;
  const collapsed = collapseDimensions(args.shape, [
    args.aStrides,
    args.bStrides,
    contiguousStrides(args.shape),
  ]);
  const shape = collapsed.shape;
  const [aStrides, bStrides] = collapsed.strides;
  const rank = shape.length;
  const rowLength = shape[rank - 1];
  const aStep = aStrides[rank - 1];
  const bStep = bStrides[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d];
  // Walk the outer dimensions with a counter, one row of the last dimension at a time.
  const counter = new Array<number>(rank).fill(0);
  let aIndex = 0;
  let bIndex = 0;
  let outIndex = 0;
  for (let row = 0; row < rows; row++) {
    binaryRow(op, rowLength, a, aIndex, aStep, b, bIndex, bStep, output, outIndex);
    outIndex += rowLength;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      aIndex += aStrides[d];
      bIndex += bStrides[d];
      if (counter[d] < shape[d]) break;
      aIndex -= aStrides[d] * shape[d];
      bIndex -= bStrides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

function binaryRow(
  op: BinaryOp,
  n: number,
  a: Float32Array,
  aStart: number,
  aStep: number,
  b: Float32Array,
  bStart: number,
  bStep: number,
  out: Float32Array,
  outStart: number,
): void {
  let ai = aStart;
  let bi = bStart;
  const end = outStart + n;
  switch (op) {
    case 'add':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] + b[bi];
      return;
    case 'sub':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] - b[bi];
      return;
    case 'mul':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] * b[bi];
      return;
    case 'div':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] / b[bi];
      return;
    case 'pow':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] ** b[bi];
      return;
    case 'maximum':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) {
        out[o] = Math.max(a[ai], b[bi]);
      }
      return;
    case 'minimum':
      for (let o = outStart; o < end; o++, ai += aStep, bi += bStep) {
        out[o] = Math.min(a[ai], b[bi]);
      }
      return;
    default:
      throw new TypeError(`binary: unknown op ${op satisfies never}`);
  }
}

/** output[i] = value (rounded to float32) for i < length. */
export function fill(args: FillArgs): void {
  args.output.fill(args.value, 0, args.length);
}

/** output[i] -= a[i] * b[i], the product rounded to float32 first (as `mul` then `sub`). */
export function subtractProduct(args: SubtractProductArgs): void {
  const { length, a, b, output } = args;
  for (let i = 0; i < length; i++) output[i] -= Math.fround(a[i] * b[i]);
}

/** y = alpha x + beta y, every product and the sum rounded to float32 (as `mul` then `add`). */
export function axpy(args: AxpyArgs): void {
  const { length, x, y } = args;
  const alpha = Math.fround(args.alpha);
  const beta = Math.fround(args.beta);
  const xOffset = args.xOffset ?? 0;
  if (alpha === 0) {
    for (let i = 0; i < length; i++) y[i] = beta === 0 ? 0 : Math.fround(beta * y[i]);
    return;
  }
  for (let i = 0; i < length; i++) {
    const scaled = Math.fround(alpha * x[xOffset + i]);
    y[i] = beta === 0 ? scaled : Math.fround(scaled + Math.fround(beta * y[i]));
  }
}

/** One Adam step in float64 (JavaScript numbers), moments and weights stored as float32. */
export function adamUpdate(args: AdamUpdateArgs): void {
  const { length, weights, gradient, firstMoment, secondMoment, beta1, beta2, epsilon } = args;
  const { stepSize, correction2, gradientDecay, weightScale } = args;
  for (let i = 0; i < length; i++) {
    const g = gradient[i] + gradientDecay * weights[i];
    const m = beta1 * firstMoment[i] + (1 - beta1) * g;
    const v = beta2 * secondMoment[i] + (1 - beta2) * g * g;
    firstMoment[i] = m;
    secondMoment[i] = v;
    weights[i] = weights[i] * weightScale - (stepSize * m) / (Math.sqrt(v / correction2) + epsilon);
  }
}
