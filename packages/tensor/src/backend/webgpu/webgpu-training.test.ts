import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../compile/compile.js';
import { sync } from '../../sync.js';
import type { Tensor } from '../../tensor.js';
import { customCnn, customCnnBatch } from '../../testing/custom-cnn.js';
import { getBackend, setBackend } from '../registry.js';
import { webGpuStatistics } from './init-webgpu-backend.js';
import { webGpuForTests } from './node-webgpu.test-support.js';

const backend = await webGpuForTests();
const initial = getBackend().name;

/** Three compiled SGD steps of the custom CNN on `name`: the losses and the final parameters. */
async function train(name: string) {
  setBackend(name);
  const model = customCnn(1);
  const parameters = Object.values(model.parameters);
  const { images, labels } = customCnnBatch(2, 4);
  const step = compile((x: Tensor, y: Tensor<'int32'>) => {
    for (const parameter of parameters) parameter.grad = null;
    const loss = model.forward(x, y);
    loss.backward();
    for (const parameter of parameters) parameter.add_(parameter.grad!, { alpha: -0.1 });
    return loss;
  });
  const losses: number[] = [];
  let submits = 0;
  for (let i = 0; i < 3; i++) {
    const before = webGpuStatistics()?.submits ?? 0;
    const loss = step(images, labels);
    await loss.sync();
    submits = (webGpuStatistics()?.submits ?? 0) - before;
    losses.push(loss.item());
  }
  await sync(...parameters);
  return { losses, parameters: parameters.map((p) => Array.from(p.data)), submits };
}

describe.skipIf(backend === null)('training on webgpu', () => {
  afterAll(() => {
    setBackend(initial);
  });

  it('a compiled SGD step of a small CNN is one submit and equals wasm within float32 tolerance', async () => {
    const wasm = await train('wasm');
    const gpu = await train('webgpu');
    expect(gpu.submits).toBe(1);
    for (let i = 0; i < wasm.losses.length; i++) {
      expect(gpu.losses[i]).toBeCloseTo(wasm.losses[i], 4);
    }
    expect(wasm.losses[2]).toBeLessThan(wasm.losses[0]);
    for (let p = 0; p < wasm.parameters.length; p++) {
      const expected = wasm.parameters[p];
      const actual = gpu.parameters[p];
      for (let i = 0; i < expected.length; i++) {
        expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
          1e-4 + 1e-4 * Math.abs(expected[i]),
        );
      }
    }
  });
});
