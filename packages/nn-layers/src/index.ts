export { type Fans, INIT_SCHEMES, type InitScheme, initialize } from './init.js';
export {
  RBF_CODE_HEIGHT,
  RBF_CODE_LENGTH,
  RBF_CODE_WIDTH,
  RBF_DIGIT_BITMAPS,
  rbfDigitCodes,
} from './rbf-codes.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  type NamedTensorData,
  type SafetensorsContents,
  SafetensorsError,
} from './safetensors.js';
