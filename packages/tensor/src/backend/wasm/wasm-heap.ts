// An allocator over a WebAssembly.Memory: blocks are rounded up to a size class (quarter steps
// between powers of two, so at most 25% is wasted), freed blocks go to a free list per class
// and are handed out again before the memory grows. A training loop allocates the same sizes
// every step, so after the first step it runs entirely on reused blocks. Memory only grows
// (WebAssembly cannot shrink); growth detaches every view on the old `memory.buffer`, which is
// why callers keep pointers, not views, across allocations.

const pageBytes = 65_536;
/** Every block starts on a cache line (also what v128 loads like). */
const alignment = 64;

/** The size class holding `byteLength`: 64, then four steps per power of two. */
export function sizeClass(byteLength: number): number {
  if (byteLength <= alignment) return alignment;
  const power = 2 ** Math.floor(Math.log2(byteLength - 1));
  const step = Math.max(alignment, power / 4);
  return Math.ceil(byteLength / step) * step;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  #top: number;
  readonly #freeLists = new Map<number, number[]>();
  readonly #blockSizes = new Map<number, number>();
  #bytesInUse = 0;
  #lastWasFresh = false;

  /** Manages `memory` from byte `base` (the module's first free byte) upwards. */
  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.#top = Math.ceil(base / alignment) * alignment;
  }

  /** A pointer to `byteLength` bytes (contents undefined), aligned to 64 bytes. */
  allocate(byteLength: number): number {
    const size = sizeClass(byteLength);
    const reused = this.#freeLists.get(size)?.pop();
    this.#lastWasFresh = reused === undefined;
    const pointer = reused ?? this.#bump(size);
    this.#blockSizes.set(pointer, size);
    this.#bytesInUse += size;
    return pointer;
  }

  /** Returns the block at `pointer` (from `allocate`) to its free list. */
  free(pointer: number): void {
    const size = this.#blockSizes.get(pointer);
    if (size === undefined) throw new Error(`WasmHeap.free: ${pointer} is not an allocated block`);
    this.#blockSizes.delete(pointer);
    this.#bytesInUse -= size;
    const list = this.#freeLists.get(size);
    if (list) list.push(pointer);
    else this.#freeLists.set(size, [pointer]);
  }

  /** Whether the last `allocate` returned never-used memory (zeros, as memory.grow gives). */
  get lastAllocationWasFresh(): boolean {
    return this.#lastWasFresh;
  }

  /** Bytes in allocated blocks (after rounding to size classes). */
  get bytesInUse(): number {
    return this.#bytesInUse;
  }

  /** Bytes of the whole WebAssembly memory (static data, live and free blocks). */
  get bytesReserved(): number {
    return this.memory.buffer.byteLength;
  }

  /** A Float32Array on the current `memory.buffer` (re-create it after any allocation). */
  float32View(pointer: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, pointer, length);
  }

  #bump(size: number): number {
    const pointer = this.#top;
    const end = pointer + size;
    const available = this.memory.buffer.byteLength;
    if (end > available) {
      const pagesNeeded = Math.ceil((end - available) / pageBytes);
      // Grow by at least half the current size, so that growth (and view detaching) is rare.
      const pages = Math.max(pagesNeeded, Math.ceil(available / pageBytes / 2));
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(pagesNeeded);
        } catch {
          throw new RangeError(
            `wasm backend: out of WebAssembly memory allocating ${size} bytes ` +
              `(${this.#bytesInUse} bytes in use, ${available} reserved)`,
          );
        }
      }
    }
    this.#top = end;
    return pointer;
  }
}
