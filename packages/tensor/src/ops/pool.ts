// 2-D pooling over the last two axes: max, average, and the paper's sum (its sub-sampling
// layers multiply the sum by a trainable coefficient and add a bias, done by the layer).
import { gaussNewton, recordOp } from '../autograd.js';
import { type PoolMode, windowOutputSize } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkFloat, pair } from './checks.js';
import { mul } from './elementwise.js';

function pool2d(
  mode: PoolMode,
  name: string,
  inputTensor: Tensor,
  kernel: number | readonly [number, number],
  stride?: number | readonly [number, number],
): Tensor {
  const x = checkFloat(name, inputTensor);
  const [kernelHeight, kernelWidth] = pair(name, 'kernel', kernel);
  const [strideHeight, strideWidth] = pair(name, 'stride', stride ?? [kernelHeight, kernelWidth]);
  if (x.rank < 3) throw new ShapeError(name, [x.shape], 'a tensor of rank >= 3, e.g. [N, C, H, W]');
  const [inHeight, inWidth] = x.shape.slice(-2);
  if (kernelHeight > inHeight || kernelWidth > inWidth) {
    throw new ShapeError(
      name,
      [x.shape],
      `a spatial size of at least the kernel, ${kernelHeight}x${kernelWidth}`,
    );
  }
  const outHeight = windowOutputSize(inHeight, kernelHeight, strideHeight);
  const outWidth = windowOutputSize(inWidth, kernelWidth, strideWidth);
  const planes = x.size / (inHeight * inWidth);
  const geometry = {
    mode,
    planes,
    inHeight,
    inWidth,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    outHeight,
    outWidth,
  };
  const out = Tensor.empty([...x.shape.slice(0, -2), outHeight, outWidth]);
  const argmax = mode === 'max' ? new Int32Array(out.size) : null;
  getBackend().pool2dForward({ ...geometry, input: x.kernelData, output: out.kernelData, argmax });
  const backward = (g: Tensor) => {
    const gradInput = Tensor.empty(x.shape);
    getBackend().pool2dBackward({
      ...geometry,
      gradOutput: g.kernelData,
      gradInput: gradInput.kernelData,
      argmax,
    });
    return gradInput;
  };
  // Curvature: Jacobian entries are 1 (sum, max at its argmax) or 1/area (avg), so h goes back
  // like the gradient, with avg's entries squared: once by the kernel, once more here.
  const area = kernelHeight * kernelWidth;
  return recordOp(
    out,
    name,
    [x],
    (g) => [backward(g)],
    gaussNewton((h) => [mode === 'avg' ? mul(backward(h), 1 / area) : backward(h)]),
  );
}

/** Maximum over each window (stride defaults to the kernel). Gradient to the first maximum. */
export function maxPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride?: number | readonly [number, number],
): Tensor {
  return pool2d('max', 'maxPool2d', x, kernel, stride);
}

/** Mean over each window (stride defaults to the kernel). */
export function avgPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride?: number | readonly [number, number],
): Tensor {
  return pool2d('avg', 'avgPool2d', x, kernel, stride);
}

/** Sum over each window (stride defaults to the kernel): LeNet-5's sub-sampling before its coefficient. */
export function sumPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride?: number | readonly [number, number],
): Tensor {
  return pool2d('sum', 'sumPool2d', x, kernel, stride);
}
