// Storage-level helpers shared by autograd and the ops: a tensor filled with one value, a
// copy, an in-place sum. Each is one backend kernel call (never a JavaScript loop over
// `.data`), so a traced program can replay it on any backend.
import { getBackend } from './backend/registry.js';
import { contiguousStrides, sameShape } from './shape-utils.js';
import { type DType, Tensor } from './tensor.js';

/** A float32 tensor of `shape` with every element `value` (the backend's fill kernel). */
export function filled(shape: readonly number[], value: number): Tensor {
  const out = Tensor.empty(shape);
  getBackend().fill({ length: out.size, value, output: out.kernelData });
  return out;
}

/**
 * A copy of `x` with its own storage: one whole-buffer copy kernel call (int32 too), which
 * compile may elide (see `markLastCopyElidable`).
 */
export function copied<D extends DType>(x: Tensor<D>): Tensor<D> {
  const out = Tensor.empty(x.shape, x.dtype);
  if (x.size === 0) return out;
  getBackend().copy({
    shape: [x.size],
    input: x.kernelData,
    inputOffset: 0,
    inputStrides: [1],
    output: out.kernelData,
    outputOffset: 0,
    outputStrides: [1],
  });
  return out;
}

/** target += addend in place; both float32 of the same shape. */
export function addInPlace(target: Tensor, addend: Tensor): void {
  if (!sameShape(target.shape, addend.shape)) {
    throw new Error(
      `addInPlace: shapes [${target.shape.join(', ')}] and [${addend.shape.join(', ')}] differ`,
    );
  }
  const strides = contiguousStrides(target.shape);
  getBackend().binary({
    op: 'add',
    shape: target.shape,
    a: target.kernelData,
    aStrides: strides,
    b: addend.kernelData,
    bStrides: strides,
    output: target.kernelData,
  });
}
