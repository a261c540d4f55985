import type { NamedTensorData } from '@lenet/nn-layers';
import type { Tensor } from '@lenet/tensor';

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
