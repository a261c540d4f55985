// 2-D convolution (NCHW) with stride, zero padding, bias and an optional connection table:
// forward, gradient and curvature rule (src/autograd.ts).
import { gaussNewton, recordOp } from '../autograd.js';
import { windowOutputSize } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkFloat, pair } from './checks.js';
import { square } from './elementwise.js';
import { linear } from './linear.js';
import { reshape } from './shape.js';

/**
 * Which input channels each output channel sees: a Uint8Array [outChannels * inChannels]
 * (row-major, nonzero = connected) or nested rows of booleans / 0-1 numbers
 * ([outChannels][inChannels]).
 */
export type ConnectionTable = Uint8Array | readonly (readonly (boolean | number)[])[];

export interface Conv2dOptions {
  /** Step between windows: one number or [height, width]. Default 1. */
  stride?: number | readonly [number, number];
  /** Zeros added on each side: one number or [height, width]. Default 0. */
  padding?: number | readonly [number, number];
  /** Sparse channel connections, as LeNet-5's C3 layer (default: every pair connected). */
  connection?: ConnectionTable | null;
}

function connectionMask(
  table: ConnectionTable,
  outChannels: number,
  inChannels: number,
): Uint8Array {
  const expected = `a connection table of ${outChannels} x ${inChannels} (outChannels x inChannels)`;
  if (table instanceof Uint8Array) {
    if (table.length !== outChannels * inChannels) {
      throw new ShapeError('conv2d', [[table.length]], expected);
    }
    return table;
  }
  if (
    (table as unknown[]).length === undefined ||
    table.length !== outChannels ||
    table.some((row) => row.length !== inChannels)
  ) {
    throw new ShapeError('conv2d', [[table.length ?? 0, table[0]?.length ?? 0]], expected);
  }
  const mask = new Uint8Array(outChannels * inChannels);
  table.forEach((row, o) => {
    row.forEach((connected, c) => {
      mask[o * inChannels + c] = connected ? 1 : 0;
    });
  });
  return mask;
}

/**
 * Cross-correlation of input [N, C, H, W] with weight [O, C, KH, KW], plus bias [O] if given:
 * output [N, O, OH, OW] with OH = floor((H + 2 * paddingH - KH) / strideH) + 1.
 */
export function conv2d(
  inputTensor: Tensor,
  weightTensor: Tensor,
  biasTensor: Tensor | null = null,
  options: Conv2dOptions = {},
): Tensor {
  const input = checkFloat('conv2d', inputTensor);
  const weight = checkFloat('conv2d', weightTensor);
  const bias =
    biasTensor === null || biasTensor === undefined ? null : checkFloat('conv2d', biasTensor);
  const [strideHeight, strideWidth] = pair('conv2d', 'stride', options.stride ?? 1);
  const [paddingHeight, paddingWidth] = pair('conv2d', 'padding', options.padding ?? 0, 0);
  if (input.rank !== 4 || weight.rank !== 4) {
    throw new ShapeError(
      'conv2d',
      [input.shape, weight.shape],
      'input [N, C, H, W] and weight [O, C, KH, KW]',
    );
  }
  const [batch, inChannels, inHeight, inWidth] = input.shape;
  const [outChannels, weightChannels, kernelHeight, kernelWidth] = weight.shape;
  if (weightChannels !== inChannels) {
    throw new ShapeError(
      'conv2d',
      [input.shape, weight.shape],
      `weight [O, ${inChannels}, KH, KW] for ${inChannels} input channels`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError('conv2d', [bias.shape], `a bias of shape [${outChannels}]`);
  }
  const outHeight = windowOutputSize(inHeight, kernelHeight, strideHeight, paddingHeight);
  const outWidth = windowOutputSize(inWidth, kernelWidth, strideWidth, paddingWidth);
  if (outHeight < 1 || outWidth < 1) {
    throw new ShapeError(
      'conv2d',
      [input.shape, weight.shape],
      `a kernel (${kernelHeight}x${kernelWidth}) no larger than the padded input (${inHeight + 2 * paddingHeight}x${inWidth + 2 * paddingWidth})`,
    );
  }
  if (
    outHeight === 1 &&
    outWidth === 1 &&
    kernelHeight === inHeight &&
    kernelWidth === inWidth &&
    paddingHeight === 0 &&
    paddingWidth === 0 &&
    !options.connection
  ) {
    // The kernel covers the whole input (LeNet-5's C5): a dense layer over the flattened
    // sample. One GEMM instead of im2col + a GEMM against a single column per sample; the
    // gradient and curvature are linear's.
    const features = inChannels * inHeight * inWidth;
    const dense = linear(
      reshape(input, [batch, features]),
      reshape(weight, [outChannels, features]),
      bias,
    );
    return reshape(dense, [batch, outChannels, 1, 1]);
  }
  const connection = options.connection
    ? connectionMask(options.connection, outChannels, inChannels)
    : null;
  const geometry = {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    paddingHeight,
    paddingWidth,
    outHeight,
    outWidth,
    connection,
  };
  const out = Tensor.empty([batch, outChannels, outHeight, outWidth]);
  getBackend().conv2dForward({
    ...geometry,
    input: input.kernelData,
    weight: weight.kernelData,
    bias: bias ? bias.kernelData : null,
    output: out.kernelData,
  });
  const inputs = bias ? [input, weight, bias] : [input, weight];
  // The backward kernels with the given operands: gradients (x, w) or curvatures (x^2, w^2).
  const backwardWith = (g: Tensor, x: () => Tensor, w: () => Tensor) => {
    let gradInput: Tensor | null = null;
    let gradWeight: Tensor | null = null;
    let gradBias: Tensor | null = null;
    if (input.requiresGrad) {
      const weightOperand = w();
      gradInput = Tensor.empty(input.shape);
      getBackend().conv2dBackwardInput({
        ...geometry,
        gradOutput: g.kernelData,
        weight: weightOperand.kernelData,
        gradInput: gradInput.kernelData,
      });
    }
    if (weight.requiresGrad || bias?.requiresGrad) {
      const inputOperand = x();
      gradWeight = Tensor.empty(weight.shape);
      gradBias = bias ? Tensor.empty(bias.shape) : null;
      getBackend().conv2dBackwardWeight({
        ...geometry,
        input: inputOperand.kernelData,
        gradOutput: g.kernelData,
        gradWeight: gradWeight.kernelData,
        gradBias: gradBias ? gradBias.kernelData : null,
      });
    }
    return [
      gradInput,
      weight.requiresGrad ? gradWeight : null,
      bias?.requiresGrad ? gradBias : null,
    ];
  };
  return recordOp(
    out,
    'conv2d',
    inputs,
    (g) =>
      backwardWith(
        g,
        () => input,
        () => weight,
      ),
    gaussNewton((h) =>
      backwardWith(
        h,
        () => square(input),
        () => square(weight),
      ),
    ),
  );
}
