import { describe, expect, it } from 'vitest';
import { sizeClass, WasmHeap } from './wasm-heap.js';

describe('sizeClass', () => {
  it('rounds up to 64 bytes, then to quarter steps between powers of two', () => {
    expect([1, 64, 65, 128, 129, 257, 1000, 4096, 4097].map(sizeClass)).toEqual([
      64, 64, 128, 128, 192, 320, 1024, 4096, 5120,
    ]);
  });

  it('never wastes more than a quarter above 256 bytes', () => {
    for (let bytes = 257; bytes < 100_000; bytes += 97) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size / bytes).toBeLessThanOrEqual(1.25);
    }
  });
});

describe('WasmHeap', () => {
  it('hands out aligned, disjoint blocks and reuses freed ones', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 100);
    const first = heap.allocate(100);
    const second = heap.allocate(100);
    expect(first % 64).toBe(0);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(first + 128);
    heap.free(first);
    expect(heap.allocate(120)).toBe(first);
    expect(heap.bytesInUse).toBe(256);
  });

  it('grows the memory when full (detaching old views) and keeps contents', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 0);
    const pointer = heap.allocate(1000);
    const before = heap.float32View(pointer, 4);
    before.set([1, 2, 3, 4]);
    heap.allocate(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThan(200_000);
    expect(before.length).toBe(0);
    expect(Array.from(heap.float32View(pointer, 4))).toEqual([1, 2, 3, 4]);
  });

  it('stays flat when the same sizes are allocated and freed over and over', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
    const sizes = [4000, 120, 33_000, 7, 4000];
    for (let step = 0; step < 1000; step++) {
      const pointers = sizes.map((size) => heap.allocate(size));
      for (const pointer of pointers) heap.free(pointer);
      if (step === 0) expect(heap.bytesReserved).toBeLessThan(2 * 65_536);
    }
    expect(heap.bytesInUse).toBe(0);
    expect(heap.bytesReserved).toBeLessThan(2 * 65_536);
  });

  it('rejects freeing what it did not allocate', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
    expect(() => heap.free(64)).toThrow(/not an allocated block/);
  });
});
