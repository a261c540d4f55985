// The tensor-level read API of device backends: values computed on a GPU come back to
// JavaScript only when asked, asynchronously. On the CPU backends every call is immediate.
import { deviceResidency } from './device-residency.js';
import type { DType, Tensor } from './tensor.js';

/**
 * Resolves once every tensor's values are readable on the host (`t.data`, `toArray()`,
 * `item()`): on a device backend, one submit and one batched read-back for all of them.
 * Immediate on the CPU backends (wasm, reference).
 */
export async function sync(...tensors: readonly Tensor<DType>[]): Promise<void> {
  const residency = deviceResidency();
  if (residency === null) return;
  const arrays: (Float32Array | Int32Array)[] = [];
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t === null || typeof t !== 'object' || !('storage' in t)) {
      throw new TypeError(
        `sync: argument ${i} is not a Tensor (got ${t === null ? 'null' : typeof t})`,
      );
    }
    arrays.push(t.storage.data);
  }
  await residency.sync(arrays);
}

/** Whether `t`'s values can be read synchronously now (always true on the CPU backends). */
export function isReadable(t: Tensor<DType>): boolean {
  const residency = deviceResidency();
  return residency === null || residency.isReadable(t.storage.data);
}

/** Submits the GPU work recorded so far without waiting for it (a no-op on the CPU backends). */
export function flush(): void {
  deviceResidency()?.flush();
}
