// Reference 2-D pooling (max, average, sum) over independent planes, no padding.
import type { Pool2dBackwardArgs, Pool2dForwardArgs } from '../backend.js';

export function pool2dForward(args: Pool2dForwardArgs): void {
  const { mode, planes, inHeight, inWidth, kernelHeight, kernelWidth } = args;
  const { strideHeight, strideWidth, outHeight, outWidth, input, output, argmax } = args;
  if (mode === 'max' && !argmax) throw new TypeError('pool2dForward: max pooling needs argmax');
  const scale = mode === 'avg' ? 1 / (kernelHeight * kernelWidth) : 1;
  const inPlane = inHeight * inWidth;
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, out++) {
        const top = oh * strideHeight;
        const left = ow * strideWidth;
        if (mode === 'max') {
          let best = Number.NEGATIVE_INFINITY;
          let bestIndex = top * inWidth + left;
          search: for (let kh = 0; kh < kernelHeight; kh++) {
            for (let kw = 0; kw < kernelWidth; kw++) {
              const index = (top + kh) * inWidth + left + kw;
              const value = input[base + index];
              if (value > best || Number.isNaN(value)) {
                best = value;
                bestIndex = index;
                if (Number.isNaN(value)) break search;
              }
            }
          }
          output[out] = best;
          (argmax as Int32Array)[out] = bestIndex;
        } else {
          let sum = 0;
          for (let kh = 0; kh < kernelHeight; kh++) {
            const row = base + (top + kh) * inWidth + left;
            for (let kw = 0; kw < kernelWidth; kw++) sum += input[row + kw];
          }
          output[out] = sum * scale;
        }
      }
    }
  }
}

export function pool2dBackward(args: Pool2dBackwardArgs): void {
  const { mode, planes, inHeight, inWidth, kernelHeight, kernelWidth } = args;
  const { strideHeight, strideWidth, outHeight, outWidth, gradOutput, gradInput, argmax } = args;
  if (mode === 'max' && !argmax) throw new TypeError('pool2dBackward: max pooling needs argmax');
  const scale = mode === 'avg' ? 1 / (kernelHeight * kernelWidth) : 1;
  const inPlane = inHeight * inWidth;
  gradInput.fill(0, 0, planes * inPlane);
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, out++) {
        if (mode === 'max') {
          gradInput[base + (argmax as Int32Array)[out]] += gradOutput[out];
          continue;
        }
        const value = gradOutput[out] * scale;
        const top = oh * strideHeight;
        const left = ow * strideWidth;
        for (let kh = 0; kh < kernelHeight; kh++) {
          const row = base + (top + kh) * inWidth + left;
          for (let kw = 0; kw < kernelWidth; kw++) gradInput[row + kw] += value;
        }
      }
    }
  }
}
