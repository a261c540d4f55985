// The paper's trainable sub-sampling (LeNet-5's S2 and S4) as one fused op: window sums, one
// coefficient and one bias per output map, and an activation, on the backend's `subsampling`
// kernels; forward, gradient and curvature rule side by side.
import { gaussNewton, recordOp } from '../autograd.js';
import { type Activation, windowOutputSize } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { copied } from '../kernel-calls.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { square } from './elementwise.js';

export interface SubsamplingOptions {
  /** Side of the square, non-overlapping windows (also the stride). Default 2. */
  window?: number;
  /**
   * Output maps per input map (default 1): output map m reads input map floor(m / multiplier)
   * (LeNet-4's S2: 4 maps sub-sampled into 8, "connected in pairs").
   */
  multiplier?: number;
  /** Activation fused after the bias (default 'identity'). */
  activation?: Activation;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`subsampling: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * output[n, m] = activation(coefficient[m] * windowSums(input[n, floor(m / multiplier)]) + bias[m])
 * for input [N, C, H, W], coefficient and bias [C * multiplier]: output
 * [N, C * multiplier, floor(H / window), floor(W / window)] (rows and columns left over are
 * not read). Curvature: h_pre = f'(a)^2 h (eq. 27); the coefficient, one connection per
 * position carrying the window's sum, gets sum h_pre * sum^2; the bias sum h_pre; each input,
 * in its window with weight 1, the sum over the maps reading it of coefficient^2 * h_pre.
 */
export function subsampling(
  inputTensor: Tensor,
  coefficientTensor: Tensor,
  biasTensor: Tensor,
  options: SubsamplingOptions = {},
): Tensor {
  const input = checkFloat('subsampling', inputTensor);
  const coefficient = checkFloat('subsampling', coefficientTensor);
  const bias = checkFloat('subsampling', biasTensor);
  const window = positiveInteger('window', options.window ?? 2);
  const multiplier = positiveInteger('multiplier', options.multiplier ?? 1);
  const activation = options.activation ?? 'identity';
  if (input.rank !== 4) {
    throw new ShapeError('subsampling', [input.shape], 'an input [N, C, H, W]');
  }
  const [batch, channels, inHeight, inWidth] = input.shape;
  const outChannels = channels * multiplier;
  for (const parameter of [coefficient, bias]) {
    if (parameter.rank !== 1 || parameter.shape[0] !== outChannels) {
      throw new ShapeError(
        'subsampling',
        [input.shape, coefficient.shape, bias.shape],
        `a coefficient and a bias of shape [${outChannels}] (channels ${channels} x multiplier ${multiplier})`,
      );
    }
  }
  if (window > inHeight || window > inWidth) {
    throw new ShapeError(
      'subsampling',
      [input.shape],
      `a spatial size of at least the window, ${window}x${window}`,
    );
  }
  const geometry = {
    batch,
    channels,
    multiplier,
    inHeight,
    inWidth,
    window,
    outHeight: windowOutputSize(inHeight, window, window),
    outWidth: windowOutputSize(inWidth, window, window),
    activation,
  };
  const sums = Tensor.empty([batch, channels, geometry.outHeight, geometry.outWidth]);
  const out = Tensor.empty([batch, outChannels, geometry.outHeight, geometry.outWidth]);
  getBackend().subsampling({
    ...geometry,
    input: input.kernelData,
    coefficient: coefficient.kernelData,
    bias: bias.kernelData,
    sums: sums.kernelData,
    output: out.kernelData,
  });
  // The backward kernel with the given operands: gradients (sums, coefficient) or curvatures
  // (sums^2, coefficient^2). `preActivation` is overwritten (by value * f'(a)).
  const backwardWith = (preActivation: Tensor, sumOperand: Tensor, coefficientOperand: Tensor) => {
    const gradCoefficient = Tensor.empty([outChannels]);
    const gradBias = Tensor.empty([outChannels]);
    const gradInput = input.requiresGrad ? Tensor.empty(input.shape) : null;
    getBackend().subsamplingBackward({
      ...geometry,
      sums: sumOperand.kernelData,
      output: out.kernelData,
      coefficient: coefficientOperand.kernelData,
      gradOutput: preActivation.kernelData,
      gradCoefficient: gradCoefficient.kernelData,
      gradBias: gradBias.kernelData,
      gradInput: gradInput ? gradInput.kernelData : null,
    });
    return [
      gradInput,
      coefficient.requiresGrad ? gradCoefficient : null,
      bias.requiresGrad ? gradBias : null,
    ];
  };
  return recordOp(
    out,
    'subsampling',
    [input, coefficient, bias],
    (g) => backwardWith(copied(g), sums, coefficient),
    gaussNewton((h) => {
      // One factor f'(a) here, the other in the kernel: h f'^2.
      const scaled = Tensor.empty(out.shape);
      getBackend().biasActivationBackward({
        activation,
        outer: batch,
        channels: outChannels,
        inner: geometry.outHeight * geometry.outWidth,
        output: out.kernelData,
        gradOutput: h.kernelData,
        gradInput: scaled.kernelData,
        gradBias: Tensor.empty([outChannels]).kernelData,
      });
      return backwardWith(scaled, square(sums), square(coefficient));
    }),
  );
}
