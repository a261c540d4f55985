import { Tensor } from '@lenet/tensor';

/**
 * A batch's images or labels, as typed arrays or as tensors. A tensor's `data` is read only at
 * the moment it is used: a view of WebAssembly memory goes stale when an allocation grows that
 * memory, so code that may allocate takes tensors rather than views taken earlier.
 */
export type BatchImages = Float32Array | Tensor;
export type BatchLabels = Int32Array | Tensor<'int32'>;

export function imagesData(images: BatchImages): Float32Array {
  return images instanceof Tensor ? images.data : images;
}

export function labelsData(labels: BatchLabels): Int32Array {
  return labels instanceof Tensor ? labels.data : labels;
}
