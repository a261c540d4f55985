/// <reference types="@webgpu/types" />
// A minimal GpuContext on Dawn's Node bindings (the `webgpu` dev dependency), for the heavy
// kernels' tests and benchmarks before and beside the real runtime: every host array gets one
// device buffer, a kernel call records into one command encoder, and `run` submits it and
// reads the outputs back into their host arrays. Not part of the build (tsconfig.build.json
// excludes *.test-support.ts).
import type { GpuContext, GpuShader, KernelArray } from '../../gpu-context.js';

/** Why WebGPU tests are skipped here, or null when a device was found. */
export let webGpuSkipReason: string | null = 'not probed yet';

let devicePromise: Promise<GPUDevice | null> | null = null;
/** The device with Dawn's GPU object: collecting the GPU object frees the device under it. */
let held: { gpu: GPU; device: GPUDevice } | null = null;

/**
 * The shared test device, or null when this machine has no WebGPU adapter (then
 * `webGpuSkipReason` says why). With LENET_REQUIRE_WEBGPU=1 a missing adapter throws instead.
 */
export function testDevice(): Promise<GPUDevice | null> {
  devicePromise ??= openDevice().then((device) => {
    if (!device && process.env.LENET_REQUIRE_WEBGPU === '1') {
      throw new Error(`LENET_REQUIRE_WEBGPU=1 but no WebGPU device: ${webGpuSkipReason}`);
    }
    return device;
  });
  return devicePromise;
}

async function openDevice(): Promise<GPUDevice | null> {
  let gpu: GPU;
  try {
    const webgpu = await import('webgpu');
    Object.assign(globalThis, webgpu.globals);
    gpu = webgpu.create([]);
  } catch (error) {
    webGpuSkipReason = `the webgpu package did not load: ${(error as Error).message}`;
    return null;
  }
  const adapter = await keepingAlive(gpu.requestAdapter());
  if (!adapter) {
    webGpuSkipReason =
      'no WebGPU adapter (here: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)';
    return null;
  }
  const device = await keepingAlive(
    adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      },
    }),
  );
  held = { gpu, device };
  webGpuSkipReason = null;
  return device;
}

/** Releases the shared test device (Dawn keeps the process alive while one exists). */
export async function closeTestDevice(): Promise<void> {
  await devicePromise?.catch(() => null);
  held?.device.destroy();
  held = null;
  devicePromise = null;
  webGpuSkipReason = 'not probed yet';
}

function byteLengthOf(array: KernelArray): number {
  // Uint8Array widens to one u32 per element; bindings must not be empty.
  const bytes = array instanceof Uint8Array ? array.length * 4 : array.byteLength;
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

/**
 * Awaits a Dawn promise while holding a timer: Dawn's callbacks are not handles of Node's
 * event loop, so without one a lone `await` lets the process exit (and Dawn abort).
 */
async function keepingAlive<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

/** One device buffer per host array; pipelines cached by shader label. */
export class DawnGpuContext implements GpuContext {
  readonly device: GPUDevice;
  private readonly buffers = new Map<KernelArray, GPUBuffer>();
  private readonly temporaries: GPUBuffer[] = [];
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  /** Dispatches recorded since the context was made (benchmarks count them). */
  dispatchCount = 0;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  input(array: KernelArray): GPUBuffer {
    let buffer = this.buffers.get(array);
    if (!buffer) {
      buffer = this.createBuffer(array);
      this.upload(array, buffer);
    }
    return buffer;
  }

  output(array: Float32Array | Int32Array, _options?: { reads?: boolean }): GPUBuffer {
    let buffer = this.buffers.get(array);
    if (!buffer) {
      buffer = this.createBuffer(array);
      // Kernels write only their part of an output (a GEMM's C is a sub-matrix), so the
      // rest keeps its host values, as in a runtime where the array is already resident.
      this.upload(array, buffer);
    }
    return buffer;
  }

  dispatch(
    shader: GpuShader,
    uniform: ArrayBuffer | null,
    buffers: readonly GPUBuffer[],
    workgroups: readonly [number, number?, number?],
  ): void {
    if (!this.encoder) {
      // Everything recorded until `submit` is checked: shader compilation, bind groups, passes.
      this.device.pushErrorScope('validation');
      this.encoder = this.device.createCommandEncoder();
    }
    const pipeline = this.pipeline(shader);
    const entries: GPUBindGroupEntry[] = [];
    if (uniform) {
      const uniformBuffer = this.device.createBuffer({
        size: Math.max(16, uniform.byteLength),
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(uniformBuffer, 0, uniform);
      this.temporaries.push(uniformBuffer);
      entries.push({ binding: 0, resource: { buffer: uniformBuffer } });
    }
    buffers.forEach((buffer, index) => {
      entries.push({ binding: index + 1, resource: { buffer } });
    });
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    const pass = this.encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
    this.dispatchCount++;
  }

  scratch(byteLength: number): GPUBuffer {
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(byteLength / 16) * 16),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.temporaries.push(buffer);
    return buffer;
  }

  /** Submits what was recorded and waits for it; throws the first validation error. */
  async submit(): Promise<void> {
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    const error = await keepingAlive(this.device.popErrorScope());
    await keepingAlive(this.device.queue.onSubmittedWorkDone());
    for (const buffer of this.temporaries.splice(0)) buffer.destroy();
    if (error) throw new Error(`WebGPU validation: ${error.message}`);
  }

  /** Copies the device values of `arrays` (written by kernels) back into them. */
  async readBack(...arrays: (Float32Array | Int32Array)[]): Promise<void> {
    await this.submit();
    const encoder = this.device.createCommandEncoder();
    const staging = arrays.map((array) => {
      const source = this.buffers.get(array);
      if (!source) throw new Error('readBack: this array has no device buffer');
      const buffer = this.device.createBuffer({
        size: source.size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      encoder.copyBufferToBuffer(source, 0, buffer, 0, source.size);
      return buffer;
    });
    this.device.queue.submit([encoder.finish()]);
    await keepingAlive(Promise.all(staging.map((buffer) => buffer.mapAsync(GPUMapMode.READ))));
    arrays.forEach((array, index) => {
      const mapped = staging[index].getMappedRange();
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(
        new Uint8Array(mapped, 0, array.byteLength),
      );
      staging[index].destroy();
    });
  }

  /** Frees every device buffer of this context. */
  destroy(): void {
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
    for (const buffer of this.temporaries.splice(0)) buffer.destroy();
  }

  private pipeline(shader: GpuShader): GPUComputePipeline {
    let pipeline = this.pipelines.get(shader.label);
    if (!pipeline) {
      const module = this.device.createShaderModule({ label: shader.label, code: shader.code });
      pipeline = this.device.createComputePipeline({
        label: shader.label,
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(shader.label, pipeline);
    }
    return pipeline;
  }

  private createBuffer(array: KernelArray): GPUBuffer {
    const buffer = this.device.createBuffer({
      size: byteLengthOf(array),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.buffers.set(array, buffer);
    return buffer;
  }

  private upload(array: KernelArray, buffer: GPUBuffer): void {
    const values = array instanceof Uint8Array ? Uint32Array.from(array) : array;
    if (values.byteLength > 0) {
      this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    }
  }
}
