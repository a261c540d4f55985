// One instantiated module with its heap, and the bridge from typed arrays to pointers.
// Kernels take typed arrays + offsets. An array that is a view of this module's memory (tensor
// storage allocated by the backend) is used in place; any other array (plain JS memory) is
// copied into a scratch area before the call and, when the kernel writes it, back after.

import type { WasmVariant } from './feature-detect.js';
import { WasmHeap } from './wasm-heap.js';
import type { WasmExports } from './wasm-module.js';

/** An array argument of a kernel: `length` elements from `offset`. */
export interface ArrayArgument {
  array: Float32Array | Int32Array;
  offset: number;
  length: number;
  /** The kernel writes it (copied back when it is not in WebAssembly memory). */
  written?: boolean;
}

export class WasmRuntime {
  readonly exports: WasmExports;
  readonly heap: WasmHeap;
  readonly variant: WasmVariant;
  #scratchPointer = 0;
  #scratchBytes = 0;
  /**
   * Byte offset of every view handed out by `float32View`: a kernel (or a caller) may have
   * grown the memory since the view was taken, which detaches it and zeroes its byteOffset;
   * the pointer is still known here, so a detached view still works as a kernel argument.
   */
  readonly #viewPointers = new WeakMap<ArrayBufferView, number>();

  /** The memory's buffer as last seen: a growth detaches it (byteLength 0), then it is read again. */
  #memoryBuffer: ArrayBuffer;

  constructor(exports: WasmExports, variant: WasmVariant) {
    this.exports = exports;
    this.variant = variant;
    this.heap = new WasmHeap(exports.memory, exports.heapBase());
    this.#memoryBuffer = exports.memory.buffer;
  }

  /**
   * The memory's current buffer. Cached: `memory.buffer` and a typed array's `.buffer` are
   * getters that cost more than many a small kernel, and a kernel call checks every argument.
   */
  get memoryBuffer(): ArrayBuffer {
    if (this.#memoryBuffer.byteLength === 0) this.#memoryBuffer = this.exports.memory.buffer;
    return this.#memoryBuffer;
  }

  /** A Float32Array on the current memory at `pointer`, still usable by kernels once detached. */
  float32View(pointer: number, length: number): Float32Array {
    const view = new Float32Array(this.memoryBuffer, pointer, length);
    this.#viewPointers.set(view, pointer);
    return view;
  }

  /** Whether `array` is a view of this module's memory (usable without a copy). */
  isResident(array: ArrayBufferView): boolean {
    return array.buffer === this.memoryBuffer;
  }

  /**
   * Runs `kernel` with a pointer for each argument and a workspace of `workspaceBytes`
   * (64-byte aligned, contents undefined). Pointers of resident arrays are taken before any
   * allocation, since growing the memory detaches their views.
   */
  call(
    args: readonly ArrayArgument[],
    workspaceBytes: number,
    kernel: (pointers: number[], workspace: number) => void,
  ): void {
    const pointers = new Array<number>(args.length);
    // Residency is decided now: growth below detaches resident views (their buffer changes).
    const resident = new Array<boolean>(args.length);
    const memoryBuffer = this.memoryBuffer;
    let scratchBytes = 0;
    for (let i = 0; i < args.length; i++) {
      const { array, offset, length } = args[i];
      const buffer = array.buffer;
      if (buffer === memoryBuffer) {
        checkBounds(array, offset, length);
        resident[i] = true;
        pointers[i] = array.byteOffset + offset * 4;
        continue;
      }
      const detachedPointer = buffer.byteLength === 0 ? this.#viewPointers.get(array) : undefined;
      resident[i] = detachedPointer !== undefined;
      if (detachedPointer !== undefined) {
        pointers[i] = detachedPointer + offset * 4;
      } else {
        checkRange(array, offset, length);
        pointers[i] = -1;
        scratchBytes += roundUp(length * 4);
      }
    }
    const scratch = this.#reserveScratch(scratchBytes + roundUp(workspaceBytes));
    let cursor = scratch;
    const buffer = this.memoryBuffer;
    for (let i = 0; i < args.length; i++) {
      if (resident[i]) continue;
      const { array, offset, length } = args[i];
      pointers[i] = cursor;
      new Int32Array(buffer, cursor, length).set(int32View(array, offset, length));
      cursor += roundUp(length * 4);
    }
    kernel(pointers, cursor);
    for (let i = 0; i < args.length; i++) {
      const { array, offset, length, written } = args[i];
      if (!written || resident[i]) continue;
      const result = new Int32Array(this.memoryBuffer, pointers[i], length);
      int32View(array, offset, length).set(result);
    }
  }

  /** A persistent block of at least `bytes` for copies and workspaces (grows, never shrinks). */
  #reserveScratch(bytes: number): number {
    if (bytes > this.#scratchBytes) {
      if (this.#scratchBytes > 0) this.heap.free(this.#scratchPointer);
      this.#scratchBytes = Math.max(bytes, this.#scratchBytes * 2);
      this.#scratchPointer = this.heap.allocate(this.#scratchBytes);
    }
    return this.#scratchPointer;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

function int32View(array: Float32Array | Int32Array, offset: number, length: number): Int32Array {
  return new Int32Array(array.buffer, array.byteOffset + offset * 4, length);
}

function checkRange(array: Float32Array | Int32Array, offset: number, length: number): void {
  if (length > 0 && array.buffer.byteLength === 0) {
    throw new Error(
      'wasm backend: a typed array given to a kernel is detached (a view of another ' +
        "WebAssembly memory, or of this one not made by this backend's storage); read tensor.data again",
    );
  }
  checkBounds(array, offset, length);
}

function checkBounds(array: Float32Array | Int32Array, offset: number, length: number): void {
  if (offset < 0 || offset + length > array.length) {
    throw new RangeError(
      `wasm backend: kernel argument out of range: elements ${offset}..${offset + length} of an ` +
        `array of length ${array.length}`,
    );
  }
}
