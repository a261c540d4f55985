// What the light WGSL kernels share: binding the argument arrays (in-place aliases included),
// packing a uniform block, shaping a one-dimensional grid, and WGSL snippets (NaN tests,
// activations and their derivatives written as functions of the output).
import type { Activation } from '../../backend.js';
import type { GpuContext, GpuShader, KernelArray } from '../gpu-context.js';

/** Threads per workgroup of the element-wise kernels. */
export const WORKGROUP_SIZE = 256;
const MAX_WORKGROUPS_PER_DIMENSION = 65_535;

/** Workgroups for `count` threads of one index, folded into y past the per-dimension limit. */
export function grid(count: number, workgroupSize = WORKGROUP_SIZE): [number, number] {
  const groups = Math.ceil(count / workgroupSize);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [groups, 1];
  return [MAX_WORKGROUPS_PER_DIMENSION, Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION)];
}

/** The entry point header of a one-index kernel; its body starts with `let i: u32` (maybe out of range). */
export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;`;

/**
 * One workgroup per output element (index `o`, uniform across the workgroup), for
 * reductions; `lane` is the thread within it.
 */
export const MAIN_PER_WORKGROUP = `var<workgroup> partial: array<f32, ${WORKGROUP_SIZE}>;
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let o = wid.x + wid.y * groups.x;`;

/** Sums `partial` across the workgroup into partial[0] (fixed order: deterministic). */
export const WORKGROUP_SUM = `  workgroupBarrier();
  for (var half = ${WORKGROUP_SIZE / 2}u; half > 0u; half = half >> 1u) {
    if (lane < half) { partial[lane] = partial[lane] + partial[lane + half]; }
    workgroupBarrier();
  }`;

/** NaN tests on the bits (a compiler may fold `x != x` away), and a NaN value. */
export const NAN_HELPERS = `fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// A var, not a constant: constant expressions may not be NaN or infinite.
fn nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }`;

/** The activations of `Activation` (and tanh-like unary ops), safe from overflow. */
export const ACTIVATION_FUNCTIONS = `fn safe_tanh(x: f32) -> f32 { return tanh(clamp(x, -20.0, 20.0)); }
fn sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn relu(x: f32) -> f32 { if (x > 0.0 || is_nan(x)) { return x; } return 0.0; }
fn scaled_tanh(x: f32) -> f32 { return 1.7159 * safe_tanh(0.6666666666666666 * x); }`;

/** WGSL of activation(x), given the helpers above. */
export function activationExpression(activation: Activation, x: string): string {
  switch (activation) {
    case 'identity':
      return x;
    case 'relu':
      return `relu(${x})`;
    case 'tanh':
      return `safe_tanh(${x})`;
    case 'sigmoid':
      return `sigmoid(${x})`;
    case 'scaledTanh':
      return `scaled_tanh(${x})`;
    default:
      throw new TypeError(`webgpu: unknown activation ${activation satisfies never}`);
  }
}

/** WGSL of activation'(pre-activation) written with the output y (as the reference does). */
export function activationDerivative(activation: Activation, y: string): string {
  switch (activation) {
    case 'identity':
      return '1.0';
    case 'relu':
      return `select(0.0, 1.0, ${y} > 0.0)`;
    case 'tanh':
      return `(1.0 - ${y} * ${y})`;
    case 'sigmoid':
      return `(${y} * (1.0 - ${y}))`;
    case 'scaledTanh':
      return `(${2 / 3 / 1.7159} * (${1.7159 * 1.7159} - ${y} * ${y}))`;
    default:
      throw new TypeError(`webgpu: unknown activation ${activation satisfies never}`);
  }
}

/** A uniform block of 32-bit words, filled in WGSL struct order (every member 4 bytes). */
export class UniformBlock {
  readonly buffer: ArrayBuffer;
  private readonly view: DataView;
  private offset = 0;

  constructor(words: number) {
    this.buffer = new ArrayBuffer(Math.max(16, Math.ceil((words * 4) / 16) * 16));
    this.view = new DataView(this.buffer);
  }

  u32(value: number): this {
    this.view.setUint32(this.offset, value, true);
    this.offset += 4;
    return this;
  }

  i32(value: number): this {
    this.view.setInt32(this.offset, value, true);
    this.offset += 4;
    return this;
  }

  f32(value: number): this {
    this.view.setFloat32(this.offset, value, true);
    this.offset += 4;
    return this;
  }

  /** `values` into `vec4` slots (an `array<vec4<u32>, slots / 4>` member), zero-padded. */
  u32Array(values: readonly number[], slots: number): this {
    for (let i = 0; i < slots; i++) this.u32(i < values.length ? values[i] : 0);
    return this;
  }
}

/** How a kernel uses one argument array. */
export type Access = 'read' | 'write' | 'readWrite';

export interface BufferParameter {
  /** The name the shader body uses for it. */
  readonly name: string;
  readonly array: KernelArray;
  readonly access: Access;
  /** WGSL element type (default f32). */
  readonly type?: 'f32' | 'i32' | 'u32';
}

export interface BoundBuffers {
  /** WGSL declarations of the bindings (uniform first when `uniformStruct` is given). */
  readonly declarations: string;
  /** Per parameter name, the WGSL variable it reads and writes (aliases share one). */
  readonly names: Record<string, string>;
  readonly buffers: GPUBuffer[];
  /** Which parameters share a buffer, e.g. `0,1,0` (part of the shader label). */
  readonly aliasKey: string;
}

/**
 * Binds the arrays of one kernel call: one binding per distinct array (an in-place call
 * passes one array twice and the shader reads and writes it through one variable, since
 * WebGPU refuses a buffer bound writable and read-only in the same dispatch). Arrays a kernel
 * writes are asked for with `gpu.output` after the read ones are made resident.
 */
export function bindBuffers(
  gpu: GpuContext,
  parameters: readonly BufferParameter[],
  uniformStruct: string | null,
): BoundBuffers {
  const arrays: KernelArray[] = [];
  const accesses: Access[] = [];
  let aliasKey = '';
  for (let p = 0; p < parameters.length; p++) {
    const parameter = parameters[p];
    let slot = arrays.indexOf(parameter.array);
    if (slot < 0) {
      slot = arrays.length;
      arrays.push(parameter.array);
      accesses.push(parameter.access);
    } else if (accesses[slot] !== parameter.access) {
      accesses[slot] = 'readWrite';
    }
    aliasKey += slot;
  }
  const buffers: GPUBuffer[] = new Array(arrays.length);
  // Reads first: an output that is also read elsewhere is made resident before it is claimed.
  for (let slot = 0; slot < arrays.length; slot++) {
    if (accesses[slot] === 'read') buffers[slot] = gpu.input(arrays[slot]);
  }
  for (let slot = 0; slot < arrays.length; slot++) {
    const access = accesses[slot];
    if (access === 'read') continue;
    buffers[slot] = gpu.output(arrays[slot] as Float32Array | Int32Array, {
      reads: access === 'readWrite',
    });
  }
  return new Binding(parameters, uniformStruct, accesses, aliasKey, buffers);
}

/** The WGSL side of a binding, built only when a shader is compiled (the label is enough otherwise). */
class Binding implements BoundBuffers {
  constructor(
    private readonly parameters: readonly BufferParameter[],
    private readonly uniformStruct: string | null,
    private readonly accesses: readonly Access[],
    readonly aliasKey: string,
    readonly buffers: GPUBuffer[],
  ) {}

  get names(): Record<string, string> {
    const names: Record<string, string> = {};
    for (let p = 0; p < this.parameters.length; p++) {
      names[this.parameters[p].name] = `buffer${this.aliasKey[p]}`;
    }
    return names;
  }

  get declarations(): string {
    let declarations =
      this.uniformStruct === null
        ? ''
        : `${this.uniformStruct}\n@group(0) @binding(0) var<uniform> u: U;\n`;
    for (let slot = 0; slot < this.accesses.length; slot++) {
      const p = this.aliasKey.indexOf(String(slot));
      const type = this.parameters[p].type ?? 'f32';
      const access = this.accesses[slot] === 'read' ? 'read' : 'read_write';
      declarations += `@group(0) @binding(${slot + 1}) var<storage, ${access}> buffer${slot}: array<${type}>;\n`;
    }
    return declarations;
  }
}

const shaderCache = new Map<string, GpuShader>();

/** The shader labelled `label`, its WGSL built by `code` the first time only. */
export function shader(label: string, code: () => string): GpuShader {
  let cached = shaderCache.get(label);
  if (cached === undefined) {
    cached = { label, code: code() };
    shaderCache.set(label, cached);
  }
  return cached;
}

/** `output` is written only up to `length`: then its other values must survive (read it). */
export function writeAccess(array: KernelArray, length: number): Access {
  return length < array.length ? 'readWrite' : 'write';
}
