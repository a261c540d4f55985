/// <reference types="@webgpu/types" />
/**
 * The contract between the WebGPU backend's runtime (device, buffers, residency, the open
 * command encoder) and its kernels (WGSL shaders plus the argument packing of one `Backend`
 * kernel each). A kernel module exports plain functions `(gpu: GpuContext, args) => void` that
 * ask the context for the buffers behind their argument arrays and record dispatches; they
 * never create devices, submit work or read results back.
 *
 * Conventions every kernel follows
 * - Binding 0 of group 0 is the uniform block when `dispatch` is given one; the buffers follow
 *   at bindings 1, 2, ... in the order passed. Pipelines use `layout: 'auto'`, so a shader must
 *   use every binding it declares.
 * - Argument arrays are bound whole: element offsets (a GEMM's `aOffset`, a copy's
 *   `inputOffset`) travel in the uniform block, never as binding offsets.
 * - `Uint8Array` inputs (conv2d's connection table) are widened to one u32 per element;
 *   `Int32Array` binds as `array<i32>`, `Float32Array` as `array<f32>`.
 * - A dispatch has at most 65,535 workgroups per dimension: a kernel splits or folds larger
 *   grids itself (e.g. into x and y).
 */
export type KernelArray = Float32Array | Int32Array | Uint8Array;

/** A compute shader: WGSL source with entry point `main`; pipelines are cached by `label`. */
export interface GpuShader {
  /** Unique per distinct `code` (pipeline cache key, and the label in GPU error messages). */
  readonly label: string;
  readonly code: string;
}

/** What a kernel sees of the runtime while it records one `Backend` kernel call. */
export interface GpuContext {
  readonly device: GPUDevice;
  /**
   * The GPU buffer holding the current values of `array`: the buffer of a storage this backend
   * allocated (uploading it first if JavaScript wrote it since), or a fresh upload of a host
   * array from anywhere else (labels, tensors created under another backend).
   */
  input(array: KernelArray): GPUBuffer;
  /**
   * The GPU buffer a kernel writes `array`'s values into; from now on the GPU copy is the newer
   * one. `reads: true` when the kernel also reads the old values (accumulating outputs, in-place
   * updates): the current values are made resident first.
   */
  output(array: Float32Array | Int32Array, options?: { reads?: boolean }): GPUBuffer;
  /**
   * Records one compute dispatch into the open command encoder. `uniform` (32-bit words packed
   * by the kernel: u32, i32 and f32 views of one ArrayBuffer, padded as WGSL's uniform layout
   * requires) binds at 0; `buffers` at 1, 2, ... in order.
   */
  dispatch(
    shader: GpuShader,
    uniform: ArrayBuffer | null,
    buffers: readonly GPUBuffer[],
    workgroups: readonly [number, number?, number?],
  ): void;
  /** A temporary device buffer of at least `byteLength` bytes, valid for this kernel call. */
  scratch(byteLength: number): GPUBuffer;
}
