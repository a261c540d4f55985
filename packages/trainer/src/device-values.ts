// Reading values back from tensors that may live on a device (the webgpu backend): the loop
// asks for every value it needs in one batched `sync`, and only when a tensor is not readable
// already, so the CPU backends (where every tensor is readable) pay one check per tensor and
// never wait for a microtask.

import type { NamedTensorData } from '@lenet/nn-layers';
import { isReadable, sync, type Tensor } from '@lenet/tensor';
import type { TrainableModel } from './model.js';

/** Whether every given tensor (nulls skipped) can be read synchronously now. */
export function allReadable(tensors: readonly (Tensor | Tensor<'int32'> | null)[]): boolean {
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t !== null && !isReadable(t)) return false;
  }
  return true;
}

/**
 * `read()` once the tensors are readable: at once (a value, not a promise) when they are
 * already, else after one batched read-back of all of them.
 */
export function whenReadable<T>(
  tensors: readonly (Tensor | Tensor<'int32'> | null)[],
  read: () => T,
): T | Promise<T> {
  if (allReadable(tensors)) return read();
  const pending = tensors.filter((t): t is Tensor | Tensor<'int32'> => t !== null);
  return sync(...pending).then(read);
}

/** A model's `stateDict()` on any backend: its parameters and buffers read back first. */
export async function readModelState(model: TrainableModel): Promise<Map<string, NamedTensorData>> {
  const module = model as Partial<{
    namedParameters(): [string, Tensor][];
    namedBuffers(): [string, Tensor][];
  }>;
  const tensors: Tensor[] = [
    ...model.parameters(),
    ...(module.namedParameters?.() ?? []).map(([, t]) => t),
    ...(module.namedBuffers?.() ?? []).map(([, t]) => t),
  ];
  const pending = tensors.filter((t) => !isReadable(t));
  if (pending.length > 0) await sync(...pending);
  return model.stateDict();
}
