// The values the command line accepts, in one place so --help, validation and the code agree.

export const MODEL_NAMES = [
  'lenet5',
  'lenet5-modern',
  'lenet1',
  'lenet4',
  'mlp-300',
  'mlp-1000',
  'mlp-300-100',
  'mlp-500-150',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const OPTIMIZER_NAMES = ['sdlm', 'sgd', 'momentum', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export const SCHEDULE_NAMES = [
  'stretched',
  'paper',
  'constant',
  'step',
  'cosine',
  'warmup-cosine',
] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** `lenet train --recipe`: each model's own recipe, or the large-batch one for time to accuracy. */
export const RECIPE_NAMES = ['paper', 'fast'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

export const AUGMENT_NAMES = ['none', 'affine', 'elastic'] as const;
export type AugmentName = (typeof AUGMENT_NAMES)[number];

/** Loss names as `@lenet/nn-layers` spells them. */
export const LOSS_NAMES = ['rbf-map', 'rbf-mse', 'cross-entropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Where tensors are computed: `@lenet/tensor` backends. */
export const BACKEND_NAMES = ['wasm', 'webgpu', 'reference'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
