import { afterEach, describe, expect, it } from 'vitest';
import { type DeviceResidency, setDeviceResidency } from './device-residency.js';
import { flush, isReadable, sync, tensor } from './index.js';

afterEach(() => setDeviceResidency(null));

describe('the read API on the CPU backends', () => {
  it('t.sync() resolves to the tensor at once; sync, isReadable and flush are no-ops', async () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]).mul(2);
    expect(await a.sync()).toBe(a);
    await sync(a, b);
    await sync();
    flush();
    expect(isReadable(b)).toBe(true);
    expect(b.toArray()).toEqual([8, 10, 12]);
  });

  it('sync names a non-tensor argument', async () => {
    await expect(sync(tensor([1]), null as never)).resolves.toBeUndefined();
    setDeviceResidency(fakeDevice(new Set()));
    await expect(sync(tensor([1]), null as never)).rejects.toThrow(
      'sync: argument 1 is not a Tensor (got null)',
    );
  });
});

/** A device that holds the arrays in `onDevice` until they are synced. */
function fakeDevice(onDevice: Set<ArrayBufferView>, log: string[] = []): DeviceResidency {
  return {
    backend: 'fake',
    isReadable: (array) => !onDevice.has(array),
    hostAccess: (array) => !onDevice.has(array),
    async sync(arrays) {
      log.push(`sync ${arrays.length}`);
      for (const array of arrays) onDevice.delete(array);
    },
    flush: () => log.push('flush'),
  };
}

describe('the read API on a device backend', () => {
  it('synchronous reads of device-only values throw an error naming the fix', async () => {
    const t = tensor([[1, 2]]);
    const scalar = tensor(3);
    const onDevice = new Set<ArrayBufferView>([t.storage.data, scalar.storage.data]);
    const log: string[] = [];
    setDeviceResidency(fakeDevice(onDevice, log));
    expect(isReadable(t)).toBe(false);
    const fix = 'call `await t.sync()` (or `await sync(a, b)`) first';
    expect(() => t.data).toThrow(
      `Tensor.data: the values of this tensor (shape [1, 2]) are on the fake device`,
    );
    expect(() => t.data).toThrow(fix);
    expect(() => t.toArray()).toThrow(`toArray: the values`);
    expect(() => scalar.item()).toThrow(`item: the values`);
    expect(String(t)).toBe(
      'tensor(<on the device; await t.sync() to read>, shape=[1, 2], dtype=float32)',
    );
    flush();
    expect(await t.sync()).toBe(t);
    expect(log).toEqual(['flush', 'sync 1']);
    expect(t.toArray()).toEqual([[1, 2]]);
  });

  it('ops pass device-only tensors to kernels without reading them back', () => {
    const t = tensor([1, 2]);
    setDeviceResidency(fakeDevice(new Set([t.storage.data])));
    const doubled = t.mul(2);
    expect(isReadable(doubled)).toBe(true);
    expect(doubled.data).toEqual(new Float32Array([2, 4]));
  });
});
