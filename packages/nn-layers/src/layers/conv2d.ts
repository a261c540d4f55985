/**
 * 2-D convolution (cross-correlation) in NCHW with stride, zero padding, an optional
 * connection table (LeNet-5's C3: output map o sees input map c only where table[o][c] = 1)
 * and an optional fused activation. Weights of unconnected pairs exist in the weight tensor
 * (so the kernel layout stays dense) but are zero, never trained and not counted as
 * parameters by `parameterCount()`.
 */
import { conv2d, Generator, type Tensor, tensor } from '@lenet/tensor';
import { type InitScheme, initialize } from '../init.js';
import { Module } from '../module.js';
import { applyBiasActivation, type FusedActivation } from './activation.js';
import { checkPositiveInteger, defaultBiasInit, pair } from './layer-options.js';

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** [outChannels][inChannels] of 0/1 (or booleans): which input maps each output map sees. */
  connectionTable?: readonly (readonly (number | boolean)[])[];
  bias?: boolean;
  activation?: FusedActivation;
  /** Default 'lecun98' with the fan-in of each output map (connected inputs x kernel area). */
  init?: InitScheme;
  biasInit?: InitScheme;
  generator?: Generator;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly activation: FusedActivation;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  /** Row-major [outChannels x inChannels] connection table, or null when dense. */
  readonly connection: Uint8Array | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    options: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    checkPositiveInteger('Conv2d', {
      inChannels,
      outChannels,
      kernelHeight: this.kernelSize[0],
      kernelWidth: this.kernelSize[1],
      strideHeight: this.stride[0],
      strideWidth: this.stride[1],
    });
    if (!this.padding.every((p) => Number.isInteger(p) && p >= 0)) {
      throw new RangeError(`Conv2d: padding must be non-negative integers, got ${this.padding}`);
    }
    this.connection = options.connectionTable
      ? connectionMask(options.connectionTable, outChannels, inChannels)
      : null;
    this.activation = options.activation ?? 'identity';
    const generator = options.generator ?? new Generator(0);
    const init = options.init ?? 'lecun98';
    const [kernelHeight, kernelWidth] = this.kernelSize;
    const area = kernelHeight * kernelWidth;
    // Drawn in host memory, then copied into tensors (`tensor()`): no view of backend memory.
    const weightValues = new Float32Array(outChannels * inChannels * area);
    const biasValues = new Float32Array(outChannels);
    // Initialise map by map: in C3 the fan-in differs between maps (75, 100 or 150).
    for (let o = 0; o < outChannels; o++) {
      const connected = this.connectedInputs(o);
      const fans = { fanIn: connected * area, fanOut: outChannels * area };
      const kernels = weightValues.subarray(o * inChannels * area, (o + 1) * inChannels * area);
      for (let c = 0; c < inChannels; c++) {
        const kernel = kernels.subarray(c * area, (c + 1) * area);
        if (this.isConnected(o, c)) initialize(kernel, init, fans, generator);
      }
      initialize(
        biasValues.subarray(o, o + 1),
        options.biasInit ?? defaultBiasInit(init),
        fans,
        generator,
      );
    }
    this.weight = this.registerParameter(
      'weight',
      tensor(weightValues, [outChannels, inChannels, kernelHeight, kernelWidth]),
    );
    this.bias = null;
    if (options.bias ?? true) this.bias = this.registerParameter('bias', tensor(biasValues));
  }

  isConnected(outChannel: number, inChannel: number): boolean {
    return this.connection?.[outChannel * this.inChannels + inChannel] !== 0;
  }

  /** Number of input maps output map `outChannel` sees. */
  connectedInputs(outChannel: number): number {
    let count = 0;
    for (let c = 0; c < this.inChannels; c++) if (this.isConnected(outChannel, c)) count++;
    return count;
  }

  /** Trainable values: connected kernels plus biases (C3: 1,516, not 2,416). */
  override ownParameterCount(): number {
    if (!this.connection) return super.ownParameterCount();
    let connected = 0;
    for (const flag of this.connection) if (flag) connected++;
    const area = this.kernelSize[0] * this.kernelSize[1];
    return connected * area + (this.bias ? this.outChannels : 0);
  }

  forward(input: Tensor): Tensor {
    if (input.rank !== 4 || input.shape[1] !== this.inChannels) {
      throw new RangeError(
        `Conv2d: got input of shape [${input.shape.join(', ')}]; expected [batch, ${this.inChannels}, height, width]`,
      );
    }
    const fused = this.activation !== 'identity';
    const output = conv2d(input, this.weight, fused ? null : this.bias, {
      stride: this.stride,
      padding: this.padding,
      connection: this.connection,
    });
    return fused ? applyBiasActivation(output, this.bias, this.activation) : output;
  }

  protected override describe(): string {
    const [kh, kw] = this.kernelSize;
    const parts = [`${this.inChannels} -> ${this.outChannels}`, `kernel ${kh}x${kw}`];
    if (this.stride[0] !== 1 || this.stride[1] !== 1) parts.push(`stride ${this.stride.join('x')}`);
    if (this.padding[0] !== 0 || this.padding[1] !== 0)
      parts.push(`padding ${this.padding.join('x')}`);
    if (this.connection) parts.push('table');
    if (this.activation !== 'identity') parts.push(this.activation);
    return parts.join(', ');
  }
}

function connectionMask(
  table: readonly (readonly (number | boolean)[])[],
  outChannels: number,
  inChannels: number,
): Uint8Array {
  if (table.length !== outChannels || table.some((row) => row.length !== inChannels)) {
    throw new RangeError(
      `Conv2d: connectionTable must be [outChannels=${outChannels}][inChannels=${inChannels}]`,
    );
  }
  const mask = new Uint8Array(outChannels * inChannels);
  table.forEach((row, o) => {
    row.forEach((flag, c) => {
      mask[o * inChannels + c] = flag ? 1 : 0;
    });
  });
  table.forEach((row, o) => {
    if (!row.some(Boolean)) throw new RangeError(`Conv2d: output map ${o} has no connected input`);
  });
  return mask;
}
