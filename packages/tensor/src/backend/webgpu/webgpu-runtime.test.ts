import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compile/compile.js';
import { tensor } from '../../creation.js';
import { isReadable, sync } from '../../sync.js';
import type { Tensor } from '../../tensor.js';
import type { Backend } from '../backend.js';
import { getBackend, setBackend } from '../registry.js';
import { currentWebGpuRuntime } from './current-runtime.js';
import { webGpuStatistics } from './init-webgpu-backend.js';
import { webGpuForTests } from './node-webgpu.test-support.js';

const backend = await webGpuForTests();

describe.skipIf(backend === null)('the webgpu runtime', () => {
  let previous: Backend;
  beforeAll(() => {
    previous = getBackend();
    setBackend('webgpu');
  });
  afterAll(() => {
    setBackend(previous.name);
  });

  it('keeps results on the GPU until sync, then reads them back in one submit', async () => {
    const before = webGpuStatistics()!;
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const rowSums = a
      .mul(2)
      .add(tensor([1, 0, -1]))
      .sum(1);
    const best = a.argmax(1);
    expect(isReadable(rowSums)).toBe(false);
    expect(() => rowSums.toArray()).toThrow('call `await t.sync()`');
    await sync(rowSums, best);
    expect(isReadable(rowSums)).toBe(true);
    expect(rowSums.toArray()).toEqual([12, 30]);
    expect(best.toArray()).toEqual([2, 2]);
    const after = webGpuStatistics()!;
    expect(after.submits - before.submits).toBe(1);
    expect(after.readBacks - before.readBacks).toBe(2);
  });

  it('uploads host writes made after a read-back', async () => {
    const x = await tensor([1, 2, 3]).mul(1).sync();
    x.data[0] = 10;
    const doubled = await x.mul(2).sync();
    expect(doubled.toArray()).toEqual([20, 4, 6]);
  });

  it('keeps recorded work on the old values when the host writes a tensor before the submit', async () => {
    const x = tensor([1, 2, 3]);
    const before = x.mul(2); // recorded: reads x's first upload
    x.data[0] = 10; // the host copy is newer again
    const after = x.mul(3);
    await sync(before, after);
    expect(before.toArray()).toEqual([2, 4, 6]);
    expect(after.toArray()).toEqual([30, 6, 9]);
  });

  it('replays a compiled step as recorded dispatches: one submit per step, caches warm', async () => {
    const w = tensor([0.5, -0.25, 2]);
    w.requiresGrad = true;
    const step = compile((x: Tensor) => {
      w.grad = null;
      const loss = x.mul(w).tanh().sum();
      loss.backward();
      return loss;
    });
    const x = tensor([1, 2, -1]);
    await step(x).sync();
    await step(x).sync();
    const before = webGpuStatistics()!;
    for (let k = 2; k <= 4; k++) {
      x.data.set([k, 2 * k, -k]);
      const loss = await step(x).sync();
      const expected = Math.tanh(0.5 * k) + Math.tanh(-0.5 * k) + Math.tanh(-2 * k);
      expect(loss.item()).toBeCloseTo(expected, 5);
    }
    const after = webGpuStatistics()!;
    expect(after.submits - before.submits).toBe(3);
    expect(after.pipelines - before.pipelines).toBe(0);
    expect(after.bindGroups - before.bindGroups).toBe(0);
    expect(after.uploads - before.uploads).toBe(3); // the input, rewritten on the host
    await w.grad!.sync();
    const k = 4;
    const derivative = (z: number) => 1 - Math.tanh(z) ** 2;
    const grads = w.grad!.toArray() as number[];
    expect(grads[0]).toBeCloseTo(k * derivative(0.5 * k), 5);
    expect(grads[2]).toBeCloseTo(-k * derivative(-2 * k), 5);
  });

  it('reports a GPU error at the next sync, naming the kernel, then recovers', async () => {
    const runtime = currentWebGpuRuntime()!;
    runtime.beginKernel();
    runtime.dispatch({ label: 'broken-for-test', code: 'not wgsl at all' }, null, [], [1]);
    runtime.endKernel();
    const t = tensor([1, 2]).mul(3);
    await expect(t.sync()).rejects.toThrow(/validation error .*broken-for-test/s);
    expect((await tensor([1, 2]).mul(3).sync()).toArray()).toEqual([3, 6]);
  });
});
