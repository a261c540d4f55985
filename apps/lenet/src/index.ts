// @lenet/app-lenet: the `lenet` command line. `main` runs it in-process; the image and plot
// helpers are exported for other tools.

export { UsageError } from './errors.js';
export { type GrayImage, grayImage } from './image/gray-image.js';
export {
  grayFromBytes,
  MNIST_BOX,
  MNIST_SIZE,
  type MnistDigit,
  type MnistDigitInfo,
  toMnistDigit,
} from './image/mnist-digit.js';
export { decodePngToGray, ImageReadError } from './image/png-gray.js';
export { resample } from './image/resample.js';
export type { CliIo, OutputStream } from './io.js';
export { memoryIo, processIo } from './io.js';
export {
  fitLearningCurve,
  type LearningCurveFit,
  type LearningCurvePoint,
} from './learning-curve-fit.js';
export { buildProgram, main } from './main.js';
export { markdownTable } from './markdown-table.js';
export { PAPER_ROWS, type PaperRow, REPRODUCE_ROW_IDS } from './paper-rows.js';
export { confusionMatrixSvg } from './plots/confusion-matrix-svg.js';
export { digitGallerySvg, type GalleryItem } from './plots/digit-gallery-svg.js';
export { type LineChartOptions, lineChart, type Series } from './plots/line-chart.js';
