// The layers a fused step knows, each as a forward and a backward over buffers allocated once
// for one batch size. They call the backend kernels the autograd ops call, in the same order,
// without recording a tape or allocating per step.
import {
  AvgPool2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  RBFOutput,
  Subsampling,
} from '@lenet/nn-layers';
import { type Backend, type Tensor, windowOutputSize, zeros, zerosLike } from '@lenet/tensor';

/** One layer of a fused program, bound to one batch size. */
export interface FusedLayer {
  /** Shape of one output sample. */
  readonly outputShape: readonly number[];
  /** Reads `input` (the previous layer's output), writes its own output; returns it. */
  forward(backend: Backend, input: Tensor): Tensor;
  /**
   * From the gradient of its output (which it may overwrite), sets its parameters' `.grad`
   * and, unless `needInputGradient` is false, returns the gradient of its input.
   */
  backward(backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null;
}

function gradientOf(parameter: Tensor): Tensor {
  parameter.grad ??= zerosLike(parameter);
  return parameter.grad;
}

class FusedConv2d implements FusedLayer {
  readonly outputShape: number[];
  private readonly geometry;
  private input: Tensor | null = null;
  private readonly output: Tensor;
  private readonly gradInput: Tensor;
  /** Stands in for a missing bias in the forward pass, and for its gradient (separately). */
  private readonly zeroBias: Tensor;
  private readonly scratchBias: Tensor;

  constructor(
    private readonly layer: Conv2d,
    private readonly batch: number,
    inputShape: readonly number[],
  ) {
    this.geometry = layer.geometry([batch, ...inputShape]);
    const { outChannels, outHeight, outWidth } = this.geometry;
    this.outputShape = [outChannels, outHeight, outWidth];
    this.output = zeros([batch, ...this.outputShape]);
    this.gradInput = zeros([batch, ...inputShape]);
    this.zeroBias = zeros([outChannels]);
    this.scratchBias = zeros([outChannels]);
  }

  forward(backend: Backend, input: Tensor): Tensor {
    const { layer, geometry, output } = this;
    this.input = input;
    const fused = layer.activation !== 'identity';
    backend.conv2dForward({
      ...geometry,
      input: input.data,
      weight: layer.weight.data,
      bias: fused ? null : (layer.bias?.data ?? null),
      output: output.data,
    });
    if (fused) {
      const data = output.data;
      backend.biasActivation({
        activation: layer.activation,
        outer: this.batch,
        channels: geometry.outChannels,
        inner: geometry.outHeight * geometry.outWidth,
        input: data,
        bias: (layer.bias ?? this.zeroBias).data,
        output: data,
      });
    }
    return output;
  }

  backward(backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null {
    const { layer, geometry } = this;
    const fused = layer.activation !== 'identity';
    const gradWeight = gradientOf(layer.weight);
    const gradBias = layer.bias ? gradientOf(layer.bias) : null;
    if (fused) {
      const data = gradOutput.data;
      backend.biasActivationBackward({
        activation: layer.activation,
        outer: this.batch,
        channels: geometry.outChannels,
        inner: geometry.outHeight * geometry.outWidth,
        output: this.output.data,
        gradOutput: data,
        gradInput: data,
        gradBias: (gradBias ?? this.scratchBias).data,
      });
    }
    backend.conv2dBackwardWeight({
      ...geometry,
      input: this.input!.data,
      gradOutput: gradOutput.data,
      gradWeight: gradWeight.data,
      gradBias: fused ? null : (gradBias?.data ?? null),
    });
    if (!needInputGradient) return null;
    backend.conv2dBackwardInput({
      ...geometry,
      gradOutput: gradOutput.data,
      weight: layer.weight.data,
      gradInput: this.gradInput.data,
    });
    return this.gradInput;
  }
}

class FusedPool implements FusedLayer {
  readonly outputShape: number[];
  private readonly geometry;
  private readonly output: Tensor;
  private readonly gradInput: Tensor;
  private readonly argmax: Int32Array | null;

  constructor(layer: AvgPool2d | MaxPool2d, batch: number, inputShape: readonly number[]) {
    const [channels, inHeight, inWidth] = inputShape;
    const [kernelHeight, kernelWidth] = layer.kernelSize;
    const [strideHeight, strideWidth] = layer.stride;
    const outHeight = windowOutputSize(inHeight, kernelHeight, strideHeight);
    const outWidth = windowOutputSize(inWidth, kernelWidth, strideWidth);
    this.geometry = {
      mode: layer instanceof MaxPool2d ? ('max' as const) : ('avg' as const),
      planes: batch * channels,
      inHeight,
      inWidth,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
      outHeight,
      outWidth,
    };
    this.outputShape = [channels, outHeight, outWidth];
    this.output = zeros([batch, ...this.outputShape]);
    this.gradInput = zeros([batch, ...inputShape]);
    this.argmax = layer instanceof MaxPool2d ? new Int32Array(this.output.size) : null;
  }

  forward(backend: Backend, input: Tensor): Tensor {
    backend.pool2dForward({
      ...this.geometry,
      input: input.data,
      output: this.output.data,
      argmax: this.argmax,
    });
    return this.output;
  }

  backward(backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null {
    if (!needInputGradient) return null;
    backend.pool2dBackward({
      ...this.geometry,
      gradOutput: gradOutput.data,
      gradInput: this.gradInput.data,
      argmax: this.argmax,
    });
    return this.gradInput;
  }
}

/** Row-major data is already flat: the output is the input, seen with one dimension. */
class FusedFlatten implements FusedLayer {
  readonly outputShape: number[];

  constructor(inputShape: readonly number[]) {
    this.outputShape = [inputShape.reduce((product, size) => product * size, 1)];
  }

  forward(_backend: Backend, input: Tensor): Tensor {
    return input;
  }

  backward(_backend: Backend, gradOutput: Tensor): Tensor {
    return gradOutput;
  }
}

class FusedLinear implements FusedLayer {
  readonly outputShape: number[];
  private input: Tensor | null = null;
  private readonly output: Tensor;
  private readonly gradInput: Tensor;
  /** Stands in for a missing bias (and its gradient). */
  private readonly zeroBias: Float32Array;
  private readonly scratchBias: Float32Array;

  constructor(
    private readonly layer: Linear,
    private readonly batch: number,
  ) {
    this.outputShape = [layer.outFeatures];
    this.output = zeros([batch, layer.outFeatures]);
    this.gradInput = zeros([batch, layer.inFeatures]);
    this.zeroBias = new Float32Array(layer.outFeatures);
    this.scratchBias = new Float32Array(layer.outFeatures);
  }

  forward(backend: Backend, input: Tensor): Tensor {
    const { layer, batch, output } = this;
    const { inFeatures, outFeatures } = layer;
    this.input = input;
    backend.gemm({
      ...gemmShape(batch, outFeatures, inFeatures, false, true),
      a: input.data,
      lda: inFeatures,
      b: layer.weight.data,
      ldb: inFeatures,
      c: output.data,
      ldc: outFeatures,
    });
    if (layer.bias || layer.activation !== 'identity') {
      const data = output.data;
      backend.biasActivation({
        activation: layer.activation,
        outer: batch,
        channels: outFeatures,
        inner: 1,
        input: data,
        bias: layer.bias?.data ?? this.zeroBias,
        output: data,
      });
    }
    return output;
  }

  backward(backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null {
    const { layer, batch } = this;
    const { inFeatures, outFeatures } = layer;
    if (layer.bias || layer.activation !== 'identity') {
      const data = gradOutput.data;
      backend.biasActivationBackward({
        activation: layer.activation,
        outer: batch,
        channels: outFeatures,
        inner: 1,
        output: this.output.data,
        gradOutput: data,
        gradInput: data,
        gradBias: layer.bias ? gradientOf(layer.bias).data : this.scratchBias,
      });
    }
    // dW = dY^T X: [out x batch] @ [batch x in].
    backend.gemm({
      ...gemmShape(outFeatures, inFeatures, batch, true, false),
      a: gradOutput.data,
      lda: outFeatures,
      b: this.input!.data,
      ldb: inFeatures,
      c: gradientOf(layer.weight).data,
      ldc: inFeatures,
    });
    if (!needInputGradient) return null;
    // dX = dY W: [batch x out] @ [out x in].
    backend.gemm({
      ...gemmShape(batch, inFeatures, outFeatures, false, false),
      a: gradOutput.data,
      lda: outFeatures,
      b: layer.weight.data,
      ldb: inFeatures,
      c: this.gradInput.data,
      ldc: inFeatures,
    });
    return this.gradInput;
  }
}

/**
 * The paper's trainable sub-sampling (one coefficient and bias per map): y = act(c * sum of
 * the 2x2 window + b). Only the one-to-one form (multiplier 1) of LeNet-5's S2 and S4.
 */
class FusedSubsampling implements FusedLayer {
  readonly outputShape: number[];
  private readonly geometry;
  private readonly sums: Tensor;
  private readonly output: Tensor;
  private readonly gradInput: Tensor;
  private readonly inner: number;

  constructor(
    private readonly layer: Subsampling,
    private readonly batch: number,
    inputShape: readonly number[],
  ) {
    const [channels, inHeight, inWidth] = inputShape;
    const k = layer.kernelSize;
    const outHeight = windowOutputSize(inHeight, k, k);
    const outWidth = windowOutputSize(inWidth, k, k);
    this.geometry = {
      mode: 'sum' as const,
      planes: batch * channels,
      inHeight,
      inWidth,
      kernelHeight: k,
      kernelWidth: k,
      strideHeight: k,
      strideWidth: k,
      outHeight,
      outWidth,
    };
    this.inner = outHeight * outWidth;
    this.outputShape = [channels, outHeight, outWidth];
    this.sums = zeros([batch, ...this.outputShape]);
    this.output = zeros([batch, ...this.outputShape]);
    this.gradInput = zeros([batch, ...inputShape]);
  }

  forward(backend: Backend, input: Tensor): Tensor {
    const { layer, inner } = this;
    backend.pool2dForward({
      ...this.geometry,
      input: input.data,
      output: this.sums.data,
      argmax: null,
    });
    const sums = this.sums.data;
    const output = this.output.data;
    const coefficient = layer.coefficient.data;
    const channels = layer.outChannels;
    for (let plane = 0; plane < this.batch * channels; plane++) {
      const scale = coefficient[plane % channels];
      for (let i = plane * inner; i < (plane + 1) * inner; i++) output[i] = sums[i] * scale;
    }
    backend.biasActivation({
      activation: layer.activation,
      outer: this.batch,
      channels,
      inner,
      input: output,
      bias: layer.bias.data,
      output,
    });
    return this.output;
  }

  backward(backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null {
    const { layer, inner } = this;
    const channels = layer.outChannels;
    const gradient = gradOutput.data;
    backend.biasActivationBackward({
      activation: layer.activation,
      outer: this.batch,
      channels,
      inner,
      output: this.output.data,
      gradOutput: gradient,
      gradInput: gradient,
      gradBias: gradientOf(layer.bias).data,
    });
    const sums = this.sums.data;
    const coefficient = layer.coefficient.data;
    const gradCoefficient = gradientOf(layer.coefficient).data;
    gradCoefficient.fill(0);
    for (let plane = 0; plane < this.batch * channels; plane++) {
      const channel = plane % channels;
      const scale = coefficient[channel];
      let total = 0;
      for (let i = plane * inner; i < (plane + 1) * inner; i++) {
        total += gradient[i] * sums[i];
        gradient[i] *= scale;
      }
      gradCoefficient[channel] += total;
    }
    if (!needInputGradient) return null;
    backend.pool2dBackward({
      ...this.geometry,
      gradOutput: gradient,
      gradInput: this.gradInput.data,
      argmax: null,
    });
    return this.gradInput;
  }
}

/** LeNet-5's Euclidean RBF output with fixed centres: y_i = sum_j (x_j - w_ij)^2. */
class FusedRBFOutput implements FusedLayer {
  readonly outputShape: number[];
  private input: Tensor | null = null;
  private readonly output: Tensor;
  private readonly gradInput: Tensor;

  constructor(
    private readonly layer: RBFOutput,
    private readonly batch: number,
  ) {
    this.outputShape = [layer.classes];
    this.output = zeros([batch, layer.classes]);
    this.gradInput = zeros([batch, layer.features]);
  }

  forward(_backend: Backend, input: Tensor): Tensor {
    const { classes, features } = this.layer;
    this.input = input;
    const x = input.data;
    const centers = this.layer.centers.data;
    const output = this.output.data;
    for (let n = 0; n < this.batch; n++) {
      for (let i = 0; i < classes; i++) {
        let total = 0;
        for (let j = 0; j < features; j++) {
          const difference = x[n * features + j] - centers[i * features + j];
          total += difference * difference;
        }
        output[n * classes + i] = total;
      }
    }
    return this.output;
  }

  backward(_backend: Backend, gradOutput: Tensor, needInputGradient: boolean): Tensor | null {
    if (!needInputGradient) return null;
    const { classes, features } = this.layer;
    const x = this.input!.data;
    const centers = this.layer.centers.data;
    const gradient = gradOutput.data;
    const gradInput = this.gradInput.data;
    for (let n = 0; n < this.batch; n++) {
      for (let j = 0; j < features; j++) {
        const xj = x[n * features + j];
        let total = 0;
        for (let i = 0; i < classes; i++) {
          total += gradient[n * classes + i] * (xj - centers[i * features + j]);
        }
        gradInput[n * features + j] = 2 * total;
      }
    }
    return this.gradInput;
  }
}

function gemmShape(m: number, n: number, k: number, transA: boolean, transB: boolean) {
  return {
    batch: 1,
    m,
    n,
    k,
    transA,
    transB,
    alpha: 1,
    beta: 0,
    aOffset: 0,
    aBatchStride: 0,
    bOffset: 0,
    bBatchStride: 0,
    cOffset: 0,
    cBatchStride: 0,
  };
}

/** The fused form of `layer` for batches of `batch`, or null if this layer is not supported. */
export function fuseLayer(
  layer: Module,
  batch: number,
  inputShape: readonly number[],
): FusedLayer | null {
  if (layer instanceof Conv2d) return new FusedConv2d(layer, batch, inputShape);
  if (layer instanceof AvgPool2d || layer instanceof MaxPool2d) {
    return new FusedPool(layer, batch, inputShape);
  }
  if (layer instanceof Flatten) return new FusedFlatten(inputShape);
  if (layer instanceof Linear) return new FusedLinear(layer, batch);
  if (layer instanceof Subsampling && layer.multiplier === 1) {
    return new FusedSubsampling(layer, batch, inputShape);
  }
  if (layer instanceof RBFOutput && !layer.trainable) return new FusedRBFOutput(layer, batch);
  return null;
}
