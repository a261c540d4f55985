export { estimateDiagHessian, type HessianBatch } from './diag-hessian.js';
export { type Fans, INIT_SCHEMES, type InitScheme, initialize } from './init.js';
export {
  ACTIVATIONS,
  ActivationLayer,
  type FusedActivation,
  ReLU,
  ScaledTanh,
  Sigmoid,
  Tanh,
} from './layers/activation.js';
export { Conv2d, type Conv2dOptions } from './layers/conv2d.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export {
  AvgPool2d,
  MaxPool2d,
  type PoolOptions,
  Subsampling,
  type SubsamplingOptions,
} from './layers/pooling.js';
export { RBFOutput, type RBFOutputOptions } from './layers/rbf-output.js';
export { Sequential } from './layers/sequential.js';
export { Dropout, Flatten } from './layers/shape-layers.js';
export { LogSoftmax, Softmax } from './layers/softmax.js';
export {
  computeLoss,
  crossEntropy,
  DEFAULT_RBF_MAP_J,
  LOSS_NAMES,
  type LossName,
  type LossOptions,
  type LossSpec,
  lossValue,
  mse,
  nllLoss,
  type Reduction,
  rbfMapLoss,
  rbfMseLoss,
} from './losses.js';
export {
  LENET5_C3_TABLE,
  type Lenet5ModernOptions,
  lenet1,
  lenet4,
  lenet5,
  lenet5Modern,
  type MlpOptions,
  type ModelConfig,
  mlp,
  modelConfigOf,
  type SeedOptions,
} from './models.js';
export { Module, StateDictError, type SummaryRow } from './module.js';
export {
  RBF_CODE_HEIGHT,
  RBF_CODE_LENGTH,
  RBF_CODE_WIDTH,
  RBF_DIGIT_BITMAPS,
  rbfDigitCodes,
} from './rbf-codes.js';
export { createModel, type ModelEntry, modelEntry, modelNames } from './registry.js';
export {
  assertFiniteTensors,
  decodeSafetensors,
  encodeSafetensors,
  type NamedTensorData,
  type SafetensorsContents,
  SafetensorsError,
} from './safetensors.js';
