import { afterAll, describe, it } from 'vitest';
import { Generator } from '../../../../generator.js';
import { type PoolMode, windowOutputSize } from '../../../backend.js';
import { referenceKernels } from '../../../reference/reference-backend.js';
import { closeTestDevice, testDevice, webGpuSkipReason } from './dawn-gpu-context.test-support.js';
import { heavyKernels } from './index.js';
import { expectConforms } from './kernel-check.test-support.js';

const device = await testDevice();
afterAll(closeTestDevice);

// mode, planes, inHeight, inWidth, kernelHeight, kernelWidth, strideHeight, strideWidth
const shapes: [PoolMode, number, number, number, number, number, number, number][] = [
  ['max', 1, 1, 1, 1, 1, 1, 1],
  ['max', 12, 28, 28, 2, 2, 2, 2],
  ['avg', 7, 10, 10, 2, 2, 2, 2],
  ['sum', 5, 9, 11, 3, 2, 2, 3],
  ['max', 3, 7, 8, 3, 3, 1, 2],
  ['avg', 2, 5, 5, 5, 5, 1, 1],
  ['max', 4, 9, 9, 2, 3, 3, 2],
];

describe.skipIf(!device)(`webgpu heavy pool2d ${webGpuSkipReason ?? ''}`, () => {
  const g = new Generator(7);
  const gpu = device as GPUDevice;
  const tolerance = { rtol: 1e-6, atol: 1e-6 };
  for (const [mode, planes, inHeight, inWidth, kernelHeight, kernelWidth, sh, sw] of shapes) {
    const outHeight = windowOutputSize(inHeight, kernelHeight, sh);
    const outWidth = windowOutputSize(inWidth, kernelWidth, sw);
    const geometry = {
      mode,
      planes,
      inHeight,
      inWidth,
      kernelHeight,
      kernelWidth,
      strideHeight: sh,
      strideWidth: sw,
      outHeight,
      outWidth,
    };
    const inputLength = planes * inHeight * inWidth;
    const outputLength = planes * outHeight * outWidth;
    const label = JSON.stringify(geometry);
    it(`forward ${label}`, async () => {
      const input = g.fillUniform(new Float32Array(inputLength), -1, 1);
      // Ties (the first maximum wins) and a NaN (it wins) in the first plane.
      input[1] = input[0];
      if (inputLength > 8) input[inWidth + 1] = Number.NaN;
      const args = {
        ...geometry,
        input,
        output: new Float32Array(outputLength),
        argmax: mode === 'max' ? new Int32Array(outputLength) : null,
      };
      const outputs = mode === 'max' ? ['output' as const, 'argmax' as const] : ['output' as const];
      await expectConforms(
        gpu,
        heavyKernels.pool2dForward,
        'pool2dForward',
        args,
        outputs,
        tolerance,
      );
    });
    it(`backward ${label}`, async () => {
      const argmax = new Int32Array(outputLength);
      if (mode === 'max') {
        referenceKernels.pool2dForward({
          ...geometry,
          input: g.fillUniform(new Float32Array(inputLength), -1, 1),
          output: new Float32Array(outputLength),
          argmax,
        });
      }
      const args = {
        ...geometry,
        gradOutput: g.fillUniform(new Float32Array(outputLength), -1, 1),
        gradInput: g.fillUniform(new Float32Array(inputLength), -1, 1),
        argmax: mode === 'max' ? argmax : null,
      };
      await expectConforms(
        gpu,
        heavyKernels.pool2dBackward,
        'pool2dBackward',
        args,
        ['gradInput'],
        tolerance,
      );
    });
  }
});
