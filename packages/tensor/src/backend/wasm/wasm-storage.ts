// Tensor storage inside WebAssembly memory, so kernels run on it without copies, and with no
// dispose() for users. Two mechanisms give memory back:
// - A FinalizationRegistry frees the block of a storage that became unreachable. Its callbacks
//   run only between tasks (never inside a synchronous loop), so on its own it cannot keep a
//   synchronous training loop flat.
// - Eviction: when the resident bytes would pass `residentBytesLimit`, every resident storage
//   is moved out to an ordinary Float32Array (which the JS garbage collector then owns, dead or
//   alive) and its block is freed. Storage allocated afterwards is resident again, so in a
//   training loop the working set of the current step is resident and the rest is released.
// Blocks freed by an eviction are reused only after the next one (a quarantine), so a view read
// just before an eviction still reads the right numbers. As with memory growth, a view taken
// from `data` is valid until the next allocation: read `data` again after allocating.

import type { WasmRuntime } from './wasm-runtime.js';

interface Cell {
  pointer: number;
  readonly length: number;
  /** The cached view (re-created when growth detached it), or the evicted copy. */
  view: Float32Array;
}

/** Float32 storage handed out by `WasmStoragePool`; `data` is the current view. */
export class WasmStorage {
  readonly #cell: Cell;
  readonly #pool: WasmStoragePool;

  constructor(cell: Cell, pool: WasmStoragePool) {
    this.#cell = cell;
    this.#pool = pool;
  }

  get length(): number {
    return this.#cell.length;
  }

  /** Whether the floats are in WebAssembly memory (false after an eviction). */
  get resident(): boolean {
    return this.#cell.pointer >= 0;
  }

  /** The floats: a view of WebAssembly memory while resident, an ordinary array after eviction. */
  get data(): Float32Array {
    const cell = this.#cell;
    // A memory growth detaches the view (length 0); `.buffer` would cost more than the check.
    if (cell.pointer >= 0 && cell.view.length !== cell.length) {
      cell.view = this.#pool.view(cell.pointer, cell.length);
    }
    return cell.view;
  }
}

export interface StoragePoolStatistics {
  /** Bytes of blocks held by resident storage. */
  residentBytes: number;
  /** Storage objects currently resident. */
  residentCount: number;
  /** Evictions so far. */
  evictions: number;
  /** Bytes of the whole WebAssembly memory. */
  reservedBytes: number;
}

export class WasmStoragePool {
  readonly #runtime: WasmRuntime;
  /** Resident cells by pointer (the finalizer's held value). */
  readonly #resident = new Map<number, Cell>();
  readonly #registry: FinalizationRegistry<number>;
  #quarantine: number[] = [];
  #residentBytes = 0;
  #evictions = 0;
  /** Resident bytes above which an allocation evicts everything first. */
  residentBytesLimit: number;

  constructor(runtime: WasmRuntime, residentBytesLimit = 64 * 2 ** 20) {
    this.#runtime = runtime;
    this.residentBytesLimit = residentBytesLimit;
    this.#registry = new FinalizationRegistry((pointer) => this.#finalize(pointer));
  }

  get memoryBuffer(): ArrayBuffer {
    return this.#runtime.memoryBuffer;
  }

  view(pointer: number, length: number): Float32Array {
    return this.#runtime.float32View(pointer, length);
  }

  /** New storage of `length` floats, zero-filled. */
  allocate(length: number): WasmStorage {
    const bytes = Math.max(length, 1) * 4;
    if (this.#residentBytes + bytes > this.residentBytesLimit) this.evictAll();
    const heap = this.#runtime.heap;
    const pointer = heap.allocate(bytes);
    const view = this.view(pointer, length);
    if (!heap.lastAllocationWasFresh) view.fill(0);
    const cell: Cell = { pointer, length, view };
    const storage = new WasmStorage(cell, this);
    this.#resident.set(pointer, cell);
    this.#residentBytes += bytes;
    this.#registry.register(storage, pointer, cell);
    return storage;
  }

  /** Moves every resident storage to ordinary arrays and frees (after quarantine) the blocks. */
  evictAll(): void {
    const heap = this.#runtime.heap;
    for (const pointer of this.#quarantine) heap.free(pointer);
    this.#quarantine = [];
    const buffer = this.memoryBuffer;
    for (const [pointer, cell] of this.#resident) {
      cell.view = new Float32Array(buffer, pointer, cell.length).slice();
      cell.pointer = -1;
      this.#registry.unregister(cell);
      this.#quarantine.push(pointer);
    }
    this.#resident.clear();
    this.#residentBytes = 0;
    this.#evictions++;
  }

  statistics(): StoragePoolStatistics {
    return {
      residentBytes: this.#residentBytes,
      residentCount: this.#resident.size,
      evictions: this.#evictions,
      reservedBytes: this.#runtime.heap.bytesReserved,
    };
  }

  #finalize(pointer: number): void {
    const cell = this.#resident.get(pointer);
    if (!cell) return;
    this.#resident.delete(pointer);
    this.#residentBytes -= Math.max(cell.length, 1) * 4;
    this.#runtime.heap.free(pointer);
  }
}
