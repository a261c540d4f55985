// Runs one heavy kernel on the test device and the same call on the reference backend, and
// compares: the shared body of the heavy kernels' tests.
import { referenceKernels } from '../../../reference/reference-backend.js';
import { DawnGpuContext } from './dawn-gpu-context.test-support.js';
import type { HeavyKernels } from './index.js';

type KernelName = keyof HeavyKernels;
type ArgsOf<Name extends KernelName> = Parameters<HeavyKernels[Name]>[1];
type Output = Float32Array | Int32Array;

/** A copy of `args` whose typed arrays are copies (the same array twice stays one copy). */
export function cloneArgs<Args extends object>(args: Args): Args {
  const copies = new Map<unknown, unknown>();
  const clone: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    if (ArrayBuffer.isView(value)) {
      if (!copies.has(value)) copies.set(value, (value as Float32Array).slice());
      clone[name] = copies.get(value);
    } else {
      clone[name] = value;
    }
  }
  return clone as Args;
}

/** Runs `kernel` on the device with a copy of `args`; returns the named outputs read back. */
export async function runOnGpu<Name extends KernelName>(
  device: GPUDevice,
  kernel: HeavyKernels[Name],
  args: ArgsOf<Name>,
  outputs: readonly (keyof ArgsOf<Name>)[],
): Promise<Record<string, Output>> {
  const copy = cloneArgs(args);
  const gpu = new DawnGpuContext(device);
  try {
    (kernel as (gpu: DawnGpuContext, args: ArgsOf<Name>) => void)(gpu, copy);
    const arrays = outputs.map((name) => copy[name] as Output);
    await gpu.readBack(...arrays);
    return Object.fromEntries(outputs.map((name, index) => [name, arrays[index]]));
  } finally {
    gpu.destroy();
  }
}

/** The reference backend's outputs for a copy of `args`. */
export function runOnReference<Name extends KernelName>(
  name: Name,
  args: ArgsOf<Name>,
  outputs: readonly (keyof ArgsOf<Name>)[],
): Record<string, Output> {
  const copy = cloneArgs(args);
  (referenceKernels[name] as (args: ArgsOf<Name>) => void)(copy);
  return Object.fromEntries(outputs.map((output) => [output, copy[output] as Output]));
}

/** null when |actual - expected| <= atol + rtol |expected| everywhere (NaN matches NaN), else the first miss. */
export function firstMismatch(
  actual: Output,
  expected: Output,
  rtol: number,
  atol: number,
): string | null {
  if (actual.length !== expected.length) {
    return `expected ${expected.length} values, received ${actual.length}`;
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      return `index ${i}: received ${a}, expected ${b} (rtol ${rtol}, atol ${atol})`;
    }
  }
  return null;
}

/** null when both hold the same bits, else the first difference. */
export function firstBitDifference(first: Output, second: Output): string | null {
  const a = new Uint32Array(first.buffer, first.byteOffset, first.length);
  const b = new Uint32Array(second.buffer, second.byteOffset, second.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `index ${i}: ${first[i]} then ${second[i]}`;
  }
  return null;
}

/**
 * Runs `name` on the device (twice) and on the reference; throws on a mismatch beyond the
 * tolerance or on any bit that differs between the two device runs.
 */
export async function expectConforms<Name extends KernelName>(
  device: GPUDevice,
  kernel: HeavyKernels[Name],
  name: Name,
  args: ArgsOf<Name>,
  outputs: readonly (keyof ArgsOf<Name>)[],
  tolerance: { rtol: number; atol: number },
): Promise<void> {
  const expected = runOnReference(name, args, outputs);
  const first = await runOnGpu(device, kernel, args, outputs);
  const second = await runOnGpu(device, kernel, args, outputs);
  for (const output of outputs) {
    const key = output as string;
    const mismatch = firstMismatch(first[key], expected[key], tolerance.rtol, tolerance.atol);
    if (mismatch) throw new Error(`${name} ${key}: ${mismatch}`);
    const difference = firstBitDifference(first[key], second[key]);
    if (difference) throw new Error(`${name} ${key} differs between two runs: ${difference}`);
  }
}
