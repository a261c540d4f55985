import { afterAll, describe, it } from 'vitest';
import { Generator } from '../../../../generator.js';
import type { Activation, SubsamplingGeometry } from '../../../backend.js';
import { referenceKernels } from '../../../reference/reference-backend.js';
import { closeTestDevice, testDevice, webGpuSkipReason } from './dawn-gpu-context.test-support.js';
import { heavyKernels } from './index.js';
import { expectConforms } from './kernel-check.test-support.js';

const device = await testDevice();
afterAll(closeTestDevice);

// LeNet-5's S2 and S4, a multiplier above 1, windows that leave a remainder, every activation.
const shapes: [number, number, number, number, number, number, Activation, boolean][] = [
  // batch, channels, multiplier, inHeight, inWidth, window, activation, input gradient
  [3, 6, 1, 28, 28, 2, 'scaledTanh', false],
  [2, 16, 1, 10, 10, 2, 'scaledTanh', true],
  [2, 3, 2, 7, 9, 2, 'tanh', true],
  [1, 2, 3, 6, 6, 3, 'sigmoid', true],
  [2, 2, 1, 5, 4, 2, 'relu', true],
  [1, 1, 1, 1, 1, 1, 'identity', true],
];

describe.skipIf(!device)(`webgpu heavy subsampling ${webGpuSkipReason ?? ''}`, () => {
  const g = new Generator(11);
  const gpu = device as GPUDevice;
  const floats = (length: number) => g.fillUniform(new Float32Array(length), -1, 1);
  for (const [
    batch,
    channels,
    multiplier,
    inHeight,
    inWidth,
    window,
    activation,
    withInput,
  ] of shapes) {
    const geometry: SubsamplingGeometry = {
      batch,
      channels,
      multiplier,
      inHeight,
      inWidth,
      window,
      outHeight: Math.floor(inHeight / window),
      outWidth: Math.floor(inWidth / window),
      activation,
    };
    const maps = channels * multiplier;
    const inner = geometry.outHeight * geometry.outWidth;
    const label = JSON.stringify(geometry);
    it(`forward ${label}`, async () => {
      const args = {
        ...geometry,
        input: floats(batch * channels * inHeight * inWidth),
        coefficient: floats(maps),
        bias: floats(maps),
        sums: floats(batch * channels * inner),
        output: floats(batch * maps * inner),
      };
      await expectConforms(gpu, heavyKernels.subsampling, 'subsampling', args, ['sums', 'output'], {
        rtol: 1e-5,
        atol: 1e-6,
      });
    });
    it(`backward ${label} input gradient=${withInput}`, async () => {
      const forward = {
        ...geometry,
        input: floats(batch * channels * inHeight * inWidth),
        coefficient: floats(maps),
        bias: floats(maps),
        sums: new Float32Array(batch * channels * inner),
        output: new Float32Array(batch * maps * inner),
      };
      referenceKernels.subsampling(forward);
      const args = {
        ...geometry,
        sums: forward.sums,
        output: forward.output,
        coefficient: forward.coefficient,
        gradOutput: floats(batch * maps * inner),
        gradCoefficient: floats(maps),
        gradBias: floats(maps),
        gradInput: withInput ? floats(batch * channels * inHeight * inWidth) : null,
      };
      const outputs = ['gradOutput', 'gradCoefficient', 'gradBias'] as const;
      await expectConforms(
        gpu,
        heavyKernels.subsamplingBackward,
        'subsamplingBackward',
        args,
        withInput ? [...outputs, 'gradInput'] : outputs,
        { rtol: 1e-4, atol: 1e-4 },
      );
    });
  }
});
