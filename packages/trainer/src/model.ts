import type { NamedTensorData } from '@lenet/nn-layers';
import type { Generator, Tensor } from '@lenet/tensor';

/**
 * What the trainer needs of a model; `@lenet/nn-layers`' `Module` fits. Trainable parameters
 * are the ones that require grad.
 */
export interface TrainableModel {
  forward(input: Tensor): Tensor;
  training: boolean;
  train(mode?: boolean): unknown;
  eval(): unknown;
  parameters(): Tensor[];
  /** Copies of all weights and buffers by name (checkpoints). */
  stateDict(): Map<string, NamedTensorData>;
  loadStateDict(state: Map<string, NamedTensorData>): void;
}

/** A loss: model output and int32 labels in, a scalar tensor (mean over the batch) out. */
export type LossFunction = (output: Tensor, labels: Tensor<'int32'>) => Tensor;

/** A per-batch distortion, applied in place: `@lenet/augment`'s transforms fit. */
export type BatchAugment =
  | { applyBatch(batch: Tensor, generator: Generator): void }
  | ((batch: Tensor, generator: Generator) => void);

/**
 * Per-parameter Gauss-Newton curvature d2E/dw2 averaged over the samples of one batch
 * (`images`, `labels`), keyed by parameter tensor. SDLM needs it; see `gaussNewtonCurvature`.
 * On a device backend (webgpu) it may resolve later (the values are read back).
 */
export type CurvatureEstimator = (
  model: TrainableModel,
  images: Tensor,
  labels: Tensor<'int32'>,
) => ReadonlyMap<Tensor, Float32Array> | Promise<ReadonlyMap<Tensor, Float32Array>>;
