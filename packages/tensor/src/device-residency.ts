// Where a tensor's values live when a backend keeps them on a device (WebGPU): the hooks the
// tensor-level read API (`t.sync()`, `sync`, `isReadable`, `flush`, and the check in
// `Tensor.data`) calls. CPU backends install none, so on them the API costs one null check.
import type { DType, Tensor } from './tensor.js';

/** The device side of a backend whose kernels run away from the host (installed by its setup). */
export interface DeviceResidency {
  /** The backend's name, for error messages. */
  readonly backend: string;
  /** Whether the host copy of `array` holds its current values (arrays it never saw: true). */
  isReadable(array: Float32Array | Int32Array): boolean;
  /**
   * JavaScript is about to read and possibly write `array` (`Tensor.data`): false when its
   * current values are only on the device; otherwise true, and the host copy becomes the newer
   * one (uploaded again before a kernel reads it).
   */
  hostAccess(array: Float32Array | Int32Array): boolean;
  /** Reads the device copies of `arrays` back in one batch; resolves once all are readable. */
  sync(arrays: readonly (Float32Array | Int32Array)[]): Promise<void>;
  /** Submits the recorded device work without waiting for it. */
  flush(): void;
}

let installed: DeviceResidency | null = null;

/** @internal Installed by a device backend's setup (null removes it). */
export function setDeviceResidency(residency: DeviceResidency | null): void {
  installed = residency;
}

/** @internal The installed device residency, or null (CPU backends only). */
export function deviceResidency(): DeviceResidency | null {
  return installed;
}

/** The error `Tensor.data`, `toArray()` and `item()` throw on a tensor whose values are on the device. */
export function notReadableError(what: string, t: Tensor<DType>, backend: string): Error {
  return new Error(
    `${what}: the values of this tensor (shape [${t.shape.join(', ')}]) are on the ${backend} device and not read back yet; call \`await t.sync()\` (or \`await sync(a, b)\`) first`,
  );
}
