/// <reference types="@webgpu/types" />
// The WebGPU backend's runtime: one device, the GPU buffers behind tensor storages (with a host
// copy each and a note of which copy is newer), one open command encoder that every kernel call
// records into, and the read-back that `t.sync()` awaits. Kernels see it as a `GpuContext`;
// the tensor-level read API sees it as the installed `DeviceResidency`.
//
// Ordering: a command buffer runs after everything submitted before it, and `queue.writeBuffer`
// runs before the next submit. So a buffer the open encoder already uses is refreshed by a copy
// recorded into the encoder itself (never `writeBuffer`), and a buffer is destroyed or reused
// only after the submit that last uses it.
import type { DeviceResidency } from '../../device-residency.js';
import type { GpuContext, GpuShader, KernelArray } from './gpu-context.js';
import type { WebGpuStatistics } from './webgpu-statistics.js';
import { WordCache } from './word-cache.js';

// GPUBufferUsage and GPUMapMode flags (spelled out: Node has no such globals).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const READ_MODE = 0x1;

const STORAGE_USAGE = STORAGE | COPY_SRC | COPY_DST;

/**
 * Which copy of an array holds its current values. `zero`: a fresh storage, zeros on both
 * sides (its GPU buffer, once it has one, starts zeroed). JavaScript writes go through
 * `Tensor.data` (`hostAccess`), which makes the host copy the newer one.
 */
type Newer = 'zero' | 'host' | 'gpu' | 'both';

/** What the runtime knows of one array that lives (also) on the GPU. */
interface Resident {
  buffer: GPUBuffer | null;
  readonly byteLength: number;
  newer: Newer;
  /** Bumped by every kernel output into it (a read-back is current only if it did not move). */
  version: number;
}

/** A compiled shader, with the id that bind group keys use. */
interface CachedPipeline {
  readonly code: string;
  readonly pipeline: GPUComputePipeline;
  readonly id: number;
}

/** Dispatches recorded before the runtime submits on its own. */
const AUTO_SUBMIT_DISPATCHES = 2048;
/** Entries in the bind group and uniform caches before they are emptied. */
const CACHE_LIMIT = 4096;
/** Bytes of released storage buffers kept for reuse. */
const POOL_LIMIT_BYTES = 256 * 1024 * 1024;

export class WebGpuRuntime implements GpuContext, DeviceResidency {
  readonly backend = 'webgpu';
  readonly statistics: WebGpuStatistics = {
    dispatches: 0,
    submits: 0,
    uploads: 0,
    uploadBytes: 0,
    readBacks: 0,
    pipelines: 0,
    bindGroups: 0,
    buffers: 0,
  };

  private readonly residents = new WeakMap<KernelArray, Resident>();
  /** Connection tables, uploaded once (their buffers live as long as the tables). */
  private readonly tables = new WeakMap<Uint8Array, GPUBuffer>();
  private readonly finalizer = new FinalizationRegistry<Resident>((resident) => {
    if (resident.buffer !== null) this.released.push(resident.buffer);
  });

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** The pipeline the open pass has set (consecutive dispatches of one shader set it once). */
  private passPipeline: GPUComputePipeline | null = null;
  /** Labels of the kernels recorded since the last submit (named in GPU error reports). */
  private batchLabels: string[] = [];
  private batchDispatches = 0;

  /** Buffers to destroy after the next submit (transient uploads, replaced scratch). */
  private doomed: GPUBuffer[] = [];
  /** Storage buffers whose arrays were collected: pooled after the next submit. */
  private released: GPUBuffer[] = [];
  private readonly pool = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;

  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly bindGroups = new WordCache<GPUBindGroup>();
  private readonly uniforms = new WordCache<GPUBuffer>();
  /** The words of the bind group being looked up (reused, not allocated per dispatch). */
  private keyWords = new Uint32Array(16);
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;

  private scratchBuffers: GPUBuffer[] = [];
  private scratchUsed = 0;

  /** One check per submitted batch: resolves to an error message, or null. */
  private errorChecks: Promise<string | null>[] = [];
  private lostMessage: string | null = null;

  constructor(readonly device: GPUDevice) {
    device.lost.then((info) => {
      this.lostMessage = `the WebGPU device was lost (${info.reason}): ${info.message}`;
    });
  }

  // --- allocation and residency -------------------------------------------------------------

  /** A zero-filled float32 storage whose values live on the GPU once a kernel touches them. */
  allocate(length: number): { readonly length: number; readonly data: Float32Array } {
    const data = new Float32Array(length);
    const resident: Resident = {
      buffer: null,
      byteLength: bufferSize(length * 4),
      newer: 'zero',
      version: 0,
    };
    this.residents.set(data, resident);
    this.finalizer.register(data, resident);
    return { length, data };
  }

  isReadable(array: Float32Array | Int32Array): boolean {
    const resident = this.residents.get(array);
    return resident === undefined || resident.newer !== 'gpu';
  }

  hostAccess(array: Float32Array | Int32Array): boolean {
    const resident = this.residents.get(array);
    if (resident === undefined) return true;
    if (resident.newer === 'gpu') return false;
    resident.newer = 'host';
    return true;
  }

  input(array: KernelArray): GPUBuffer {
    const resident = this.residents.get(array);
    if (resident === undefined) {
      if (array instanceof Uint8Array) return this.tableBuffer(array);
      // An array this backend did not allocate and no kernel wrote: its values may change
      // between calls, so it is uploaded each time into a buffer of its own.
      this.countUpload(array.byteLength);
      const buffer = this.createInitialized(array);
      this.doomed.push(buffer);
      return buffer;
    }
    if (resident.newer === 'zero') {
      this.bufferOf(resident, true);
      resident.newer = 'both';
    } else if (resident.newer === 'host') {
      this.upload(resident, array as Float32Array | Int32Array);
      resident.newer = 'both';
    }
    return resident.buffer!;
  }

  output(array: Float32Array | Int32Array, options?: { reads?: boolean }): GPUBuffer {
    let resident = this.residents.get(array);
    if (resident === undefined) {
      // An array from elsewhere (an int32 tensor, a tensor of another backend) that a kernel
      // writes: from now on it lives here too.
      resident = {
        buffer: null,
        byteLength: bufferSize(array.byteLength),
        newer: 'host',
        version: 0,
      };
      this.residents.set(array, resident);
      this.finalizer.register(array, resident);
    }
    // A kernel may write only part of its output (an offset, a leading dimension): the other
    // values must be the current ones, so host values are uploaded and a fresh buffer is zeroed.
    if (options?.reads === true || resident.newer === 'host') this.input(array);
    else if (resident.buffer === null) this.bufferOf(resident, resident.newer === 'zero');
    resident.newer = 'gpu';
    resident.version++;
    return resident.buffer!;
  }

  scratch(byteLength: number): GPUBuffer {
    const index = this.scratchUsed++;
    const existing = this.scratchBuffers[index];
    if (existing !== undefined && existing.size >= byteLength) return existing;
    if (existing !== undefined) this.doomed.push(existing);
    const buffer = this.createBuffer(
      2 ** Math.ceil(Math.log2(Math.max(16, byteLength))),
      STORAGE_USAGE,
    );
    this.scratchBuffers[index] = buffer;
    return buffer;
  }

  /** The GPU buffer of `resident`, a released one reused where possible (cleared when `zeroed`). */
  private bufferOf(resident: Resident, zeroed: boolean): GPUBuffer {
    if (resident.buffer !== null) return resident.buffer;
    const pooled = this.pool.get(resident.byteLength)?.pop();
    if (pooled !== undefined) {
      this.pooledBytes -= pooled.size;
      resident.buffer = pooled;
      if (zeroed) {
        const encoder = this.openEncoder();
        this.endPass();
        encoder.clearBuffer(pooled);
      }
    } else {
      resident.buffer = this.createBuffer(resident.byteLength, STORAGE_USAGE);
    }
    return resident.buffer;
  }

  /** Copies the host values of `array` into its GPU buffer, in order with the recorded work. */
  private upload(resident: Resident, array: Float32Array | Int32Array): void {
    this.countUpload(array.byteLength);
    if (resident.buffer === null) {
      resident.buffer = this.createInitialized(array);
      return;
    }
    if (this.encoder === null) {
      this.device.queue.writeBuffer(
        resident.buffer,
        0,
        array.buffer,
        array.byteOffset,
        array.byteLength,
      );
      return;
    }
    // Work already recorded may read the old buffer: the new values go to a new buffer (no
    // copy command, so the open compute pass goes on) and the old one goes after the submit.
    this.doomed.push(resident.buffer);
    resident.buffer = this.createInitialized(array);
  }

  private countUpload(byteLength: number): void {
    this.statistics.uploads++;
    this.statistics.uploadBytes += byteLength;
  }

  /**
   * A `Uint8Array` argument (conv2d's connection table) widened to one u32 per element. Such
   * tables are constants of a layer, so each is uploaded once.
   */
  private tableBuffer(table: Uint8Array): GPUBuffer {
    let buffer = this.tables.get(table);
    if (buffer === undefined) {
      this.countUpload(table.length * 4);
      buffer = this.createInitialized(Uint32Array.from(table));
      this.tables.set(table, buffer);
    }
    return buffer;
  }

  /** A new buffer holding `array`'s bytes (written while mapped at creation: no ordering issue). */
  private createInitialized(
    array: Float32Array | Int32Array | Uint32Array,
    usage = STORAGE_USAGE,
  ): GPUBuffer {
    const buffer = this.createBuffer(bufferSize(array.byteLength), usage, true);
    new Uint8Array(buffer.getMappedRange()).set(
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
    );
    buffer.unmap();
    return buffer;
  }

  private createBuffer(size: number, usage: number, mappedAtCreation = false): GPUBuffer {
    this.statistics.buffers++;
    const buffer = this.device.createBuffer({ size, usage, mappedAtCreation });
    this.bufferIds.set(buffer, this.nextBufferId++);
    return buffer;
  }

  // --- recording ------------------------------------------------------------------------------

  /** Called before each kernel call: its scratch buffers start over. */
  beginKernel(): void {
    this.scratchUsed = 0;
  }

  /** Called after each kernel call: submits when the open batch grew large. */
  endKernel(): void {
    if (this.batchDispatches >= AUTO_SUBMIT_DISPATCHES) this.flush();
  }

  dispatch(
    shader: GpuShader,
    uniform: ArrayBuffer | null,
    buffers: readonly GPUBuffer[],
    workgroups: readonly [number, number?, number?],
  ): void {
    const cached = this.pipelineFor(shader);
    const bindGroup = this.bindGroupFor(shader.label, cached, uniform, buffers);
    const pass = this.openPass();
    if (cached.pipeline !== this.passPipeline) {
      pass.setPipeline(cached.pipeline);
      this.passPipeline = cached.pipeline;
    }
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    this.statistics.dispatches++;
    this.batchDispatches++;
    const labels = this.batchLabels;
    if (labels[labels.length - 1] !== shader.label) labels.push(shader.label);
  }

  private pipelineFor(shader: GpuShader): CachedPipeline {
    const cached = this.pipelines.get(shader.label);
    if (cached !== undefined) {
      if (cached.code !== shader.code) {
        throw new Error(
          `webgpu: two different shaders are labelled "${shader.label}"; labels must be unique per WGSL source`,
        );
      }
      return cached;
    }
    this.openEncoder();
    const module = this.device.createShaderModule({ label: shader.label, code: shader.code });
    const pipeline = this.device.createComputePipeline({
      label: shader.label,
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    this.statistics.pipelines++;
    const entry = { code: shader.code, pipeline, id: this.pipelines.size + 1 };
    this.pipelines.set(shader.label, entry);
    return entry;
  }

  private bindGroupFor(
    label: string,
    pipeline: CachedPipeline,
    uniform: ArrayBuffer | null,
    buffers: readonly GPUBuffer[],
  ): GPUBindGroup {
    const uniformBuffer = uniform === null ? null : this.uniformFor(uniform);
    // The key: the pipeline, the uniform buffer and the storage buffers, by id.
    const key = this.keyWords;
    const length = buffers.length + 2;
    if (length > key.length) this.keyWords = new Uint32Array(length * 2);
    this.keyWords[0] = pipeline.id;
    this.keyWords[1] = uniformBuffer === null ? 0 : this.bufferIds.get(uniformBuffer)!;
    for (let i = 0; i < buffers.length; i++) this.keyWords[i + 2] = this.idOf(buffers[i]);
    const cached = this.bindGroups.get(this.keyWords, length);
    if (cached !== undefined) return cached;
    const entries: GPUBindGroupEntry[] = [];
    if (uniformBuffer !== null) entries.push({ binding: 0, resource: { buffer: uniformBuffer } });
    for (let i = 0; i < buffers.length; i++)
      entries.push({ binding: i + 1, resource: { buffer: buffers[i] } });
    this.openEncoder();
    const bindGroup = this.device.createBindGroup({
      label,
      layout: pipeline.pipeline.getBindGroupLayout(0),
      entries,
    });
    this.statistics.bindGroups++;
    if (this.bindGroups.size >= CACHE_LIMIT) this.bindGroups.clear();
    this.bindGroups.set(this.keyWords, bindGroup, length);
    return bindGroup;
  }

  /** The id of a buffer (one a kernel made itself gets one now). */
  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  /** An immutable uniform buffer with these contents (shared by every call that packs the same words). */
  private uniformFor(uniform: ArrayBuffer): GPUBuffer {
    const words = new Uint32Array(uniform, 0, uniform.byteLength >>> 2);
    const cached = this.uniforms.get(words);
    if (cached !== undefined) return cached;
    if (this.uniforms.size >= CACHE_LIMIT) {
      // Cached bind groups hold these buffers: both caches start over.
      for (const buffer of this.uniforms.values()) this.doomed.push(buffer);
      this.uniforms.clear();
      this.bindGroups.clear();
    }
    const buffer = this.createBuffer(
      Math.max(16, Math.ceil(uniform.byteLength / 16) * 16),
      UNIFORM,
      true,
    );
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(uniform));
    buffer.unmap();
    this.uniforms.set(words, buffer);
    return buffer;
  }

  private openEncoder(): GPUCommandEncoder {
    if (this.encoder === null) {
      // Errors of this batch (validation, out of memory) are collected and reported at sync.
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    if (this.pass === null) {
      this.pass = this.openEncoder().beginComputePass();
      this.passPipeline = null;
    }
    return this.pass;
  }

  private endPass(): void {
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  // --- submitting and reading back ------------------------------------------------------------

  /** Submits the recorded work (one command buffer) without waiting for it. */
  flush(): void {
    const encoder = this.encoder;
    if (encoder === null) return;
    this.endPass();
    this.device.queue.submit([encoder.finish()]);
    this.encoder = null;
    this.statistics.submits++;
    const labels = this.batchLabels;
    const dispatches = this.batchDispatches;
    this.batchLabels = [];
    this.batchDispatches = 0;
    const validation = this.device.popErrorScope();
    const outOfMemory = this.device.popErrorScope();
    this.errorChecks.push(
      Promise.all([validation, outOfMemory]).then(([invalid, memory]) => {
        const error = invalid ?? memory;
        if (error === null) return null;
        const kind = invalid !== null ? 'validation error' : 'out of memory';
        return `webgpu: GPU ${kind} in a batch of ${dispatches} dispatches (kernels ${[...new Set(labels)].join(', ')}): ${error.message}`;
      }),
    );
    for (const buffer of this.doomed) buffer.destroy();
    this.doomed = [];
    for (const buffer of this.released) this.recycle(buffer);
    this.released = [];
  }

  private recycle(buffer: GPUBuffer): void {
    if (this.pooledBytes + buffer.size > POOL_LIMIT_BYTES) {
      buffer.destroy();
      return;
    }
    let free = this.pool.get(buffer.size);
    if (free === undefined) {
      free = [];
      this.pool.set(buffer.size, free);
    }
    free.push(buffer);
    this.pooledBytes += buffer.size;
  }

  async sync(arrays: readonly (Float32Array | Int32Array)[]): Promise<void> {
    const reads: {
      array: Float32Array | Int32Array;
      resident: Resident;
      staging: GPUBuffer;
      version: number;
    }[] = [];
    for (const array of arrays) {
      const resident = this.residents.get(array);
      if (resident === undefined || resident.newer !== 'gpu') continue;
      if (reads.some((read) => read.resident === resident)) continue;
      const staging = this.createBuffer(resident.byteLength, MAP_READ | COPY_DST);
      this.openEncoder();
      this.endPass();
      this.encoder!.copyBufferToBuffer(resident.buffer!, 0, staging, 0, resident.byteLength);
      reads.push({ array, resident, staging, version: resident.version });
      this.statistics.readBacks++;
    }
    this.flush();
    try {
      await Promise.all(reads.map((read) => read.staging.mapAsync(READ_MODE)));
      await this.throwRecordedErrors();
      for (const { array, resident, staging, version } of reads) {
        // A kernel recorded after this read (or a host write) made these values stale.
        if (resident.version !== version || resident.newer !== 'gpu') continue;
        const bytes = new Uint8Array(staging.getMappedRange(), 0, array.byteLength);
        new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
        resident.newer = 'both';
      }
    } finally {
      for (const read of reads) read.staging.destroy();
    }
  }

  /** Throws the first GPU error of the submitted batches (once), or the device loss. */
  private async throwRecordedErrors(): Promise<void> {
    const checks = this.errorChecks;
    this.errorChecks = [];
    const messages = await Promise.all(checks);
    if (this.lostMessage !== null) throw new Error(this.lostMessage);
    const first = messages.find((message) => message !== null);
    if (first !== undefined && first !== null) throw new Error(first);
  }
}

/** Bytes of a GPU buffer for `byteLength` bytes: a multiple of 4, never 0. */
function bufferSize(byteLength: number): number {
  return Math.max(4, Math.ceil(byteLength / 4) * 4);
}
