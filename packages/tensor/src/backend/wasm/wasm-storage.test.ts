import { describe, expect, it } from 'vitest';
import { createWasmBackendSync } from './wasm-backend.js';

describe('WasmStoragePool', () => {
  it('allocates zero-filled storage in WebAssembly memory and reuses freed blocks', () => {
    const { storagePool, runtime } = createWasmBackendSync({ variant: 'simd' });
    const storage = storagePool.allocate(10);
    expect(storage.resident).toBe(true);
    expect(runtime.isResident(storage.data)).toBe(true);
    expect(Array.from(storage.data)).toEqual(new Array(10).fill(0));
    storage.data.set([1, 2, 3]);
    expect(storage.data[2]).toBe(3);
  });

  it('re-creates the view after the memory grew, keeping the values', () => {
    const { storagePool, runtime } = createWasmBackendSync({ variant: 'simd' });
    const storage = storagePool.allocate(4);
    storage.data.set([1, 2, 3, 4]);
    const before = storage.data;
    const bytes = runtime.heap.bytesReserved;
    storagePool.allocate(bytes / 4); // more than what is left: forces growth
    expect(runtime.heap.bytesReserved).toBeGreaterThan(bytes);
    expect(before.length).toBe(0); // the old view is detached
    expect(Array.from(storage.data)).toEqual([1, 2, 3, 4]);
  });

  it('moves storage out to ordinary arrays past the resident limit, values intact', () => {
    const { storagePool, runtime } = createWasmBackendSync({
      variant: 'simd',
      residentBytesLimit: 4096,
    });
    const first = storagePool.allocate(512); // 2 KB
    first.data.fill(7);
    const second = storagePool.allocate(512); // 4 KB resident: still within the limit
    expect(storagePool.statistics().evictions).toBe(0);
    const third = storagePool.allocate(16); // over the limit: everything before moves out
    expect(storagePool.statistics().evictions).toBe(1);
    expect(first.resident).toBe(false);
    expect(second.resident).toBe(false);
    expect(third.resident).toBe(true);
    expect(runtime.isResident(first.data)).toBe(false);
    expect(first.data.every((value) => value === 7)).toBe(true);
    expect(storagePool.statistics().residentBytes).toBe(64);
  });

  it('zero-fills a reused block', () => {
    const { storagePool } = createWasmBackendSync({ variant: 'simd' });
    const first = storagePool.allocate(1000);
    const pointer = first.data.byteOffset;
    first.data.fill(5);
    storagePool.evictAll(); // first's block goes to quarantine
    storagePool.evictAll(); // ... and then to the free list
    const second = storagePool.allocate(1000);
    expect(second.data.byteOffset).toBe(pointer);
    expect(second.data.every((value) => value === 0)).toBe(true);
    expect(first.data.every((value) => value === 5)).toBe(true);
  });

  it('stays flat over many synchronous steps of the same allocations', () => {
    const { storagePool } = createWasmBackendSync({
      variant: 'simd',
      residentBytesLimit: 2 * 2 ** 20,
    });
    const step = () => {
      for (const length of [1000, 50_000, 3, 20_000]) storagePool.allocate(length).data[0] = 1;
    };
    for (let i = 0; i < 100; i++) step();
    const reserved = storagePool.statistics().reservedBytes;
    for (let i = 0; i < 900; i++) step();
    expect(storagePool.statistics().reservedBytes).toBe(reserved);
    expect(storagePool.statistics().evictions).toBeGreaterThan(10);
  });
});
