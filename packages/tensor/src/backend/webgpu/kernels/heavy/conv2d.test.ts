import { afterAll, describe, it } from 'vitest';
import { Generator } from '../../../../generator.js';
import { lenet5C3Mask } from '../../../../testing/lenet5-c3.js';
import { type Conv2dGeometry, windowOutputSize } from '../../../backend.js';
import { closeTestDevice, testDevice, webGpuSkipReason } from './dawn-gpu-context.test-support.js';
import { heavyKernels } from './index.js';
import { expectConforms } from './kernel-check.test-support.js';

const device = await testDevice();
afterAll(closeTestDevice);

function floats(g: Generator, length: number): Float32Array {
  return g.fillUniform(new Float32Array(length), -1, 1);
}

interface Shape {
  batch: number;
  channels: [number, number];
  size: [number, number];
  kernel: [number, number];
  stride?: [number, number];
  padding?: [number, number];
  connection?: Uint8Array;
  bias?: boolean;
}

// LeNet-5's C1, C3 (with its connection table) and C5, odd sizes, strides and padding.
const shapes: Shape[] = [
  { batch: 1, channels: [1, 1], size: [1, 1], kernel: [1, 1] },
  { batch: 3, channels: [1, 6], size: [32, 32], kernel: [5, 5] },
  { batch: 2, channels: [6, 16], size: [14, 14], kernel: [5, 5], connection: lenet5C3Mask() },
  { batch: 4, channels: [16, 120], size: [5, 5], kernel: [5, 5] },
  { batch: 3, channels: [3, 5], size: [9, 7], kernel: [3, 2], stride: [2, 3], padding: [1, 2] },
  {
    batch: 1,
    channels: [2, 3],
    size: [6, 5],
    kernel: [3, 3],
    stride: [1, 2],
    padding: [2, 0],
    connection: new Uint8Array([1, 0, 0, 1, 1, 1]),
    bias: false,
  },
  { batch: 2, channels: [7, 9], size: [11, 13], kernel: [3, 3], padding: [1, 1] },
];

function geometry(shape: Shape): Conv2dGeometry {
  const [inHeight, inWidth] = shape.size;
  const [kernelHeight, kernelWidth] = shape.kernel;
  const [strideHeight, strideWidth] = shape.stride ?? [1, 1];
  const [paddingHeight, paddingWidth] = shape.padding ?? [0, 0];
  return {
    batch: shape.batch,
    inChannels: shape.channels[0],
    inHeight,
    inWidth,
    outChannels: shape.channels[1],
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    paddingHeight,
    paddingWidth,
    outHeight: windowOutputSize(inHeight, kernelHeight, strideHeight, paddingHeight),
    outWidth: windowOutputSize(inWidth, kernelWidth, strideWidth, paddingWidth),
    connection: shape.connection ?? null,
  };
}

describe.skipIf(!device)(`webgpu heavy conv2d ${webGpuSkipReason ?? ''}`, () => {
  const g = new Generator(5);
  const gpu = device as GPUDevice;
  for (const shape of shapes) {
    const shapeGeometry = geometry(shape);
    const { batch, inChannels, outChannels, inHeight, inWidth, outHeight, outWidth } =
      shapeGeometry;
    const inputLength = batch * inChannels * inHeight * inWidth;
    const weightLength = outChannels * inChannels * shape.kernel[0] * shape.kernel[1];
    const outputLength = batch * outChannels * outHeight * outWidth;
    const label = JSON.stringify({ ...shape, connection: shape.connection !== undefined });
    it(`forward ${label}`, async () => {
      const args = {
        ...shapeGeometry,
        input: floats(g, inputLength),
        weight: floats(g, weightLength),
        bias: shape.bias === false ? null : floats(g, outChannels),
        output: floats(g, outputLength),
      };
      await expectConforms(gpu, heavyKernels.conv2dForward, 'conv2dForward', args, ['output'], {
        rtol: 1e-4,
        atol: 1e-4,
      });
    });
    it(`backward input ${label}`, async () => {
      const args = {
        ...shapeGeometry,
        gradOutput: floats(g, outputLength),
        weight: floats(g, weightLength),
        gradInput: floats(g, inputLength),
      };
      await expectConforms(
        gpu,
        heavyKernels.conv2dBackwardInput,
        'conv2dBackwardInput',
        args,
        ['gradInput'],
        { rtol: 1e-4, atol: 1e-4 },
      );
    });
    it(`backward weight ${label}`, async () => {
      const args = {
        ...shapeGeometry,
        input: floats(g, inputLength),
        gradOutput: floats(g, outputLength),
        gradWeight: floats(g, weightLength),
        gradBias: shape.bias === false ? null : floats(g, outChannels),
      };
      const outputs =
        shape.bias === false
          ? ['gradWeight' as const]
          : ['gradWeight' as const, 'gradBias' as const];
      await expectConforms(
        gpu,
        heavyKernels.conv2dBackwardWeight,
        'conv2dBackwardWeight',
        args,
        outputs,
        { rtol: 1e-4, atol: 1e-3 },
      );
    });
  }
});
