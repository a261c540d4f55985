// Reference trainable sub-sampling (LeNet-5's S2, S4): window sums, then the per-map
// coefficient, and the fused bias + activation of elementwise.ts.
import type { SubsamplingArgs, SubsamplingBackwardArgs, SubsamplingGeometry } from '../backend.js';
import { biasActivation, biasActivationBackward } from './elementwise.js';

export function subsampling(args: SubsamplingArgs): void {
  const { batch, channels, multiplier, inHeight, inWidth, window, outHeight, outWidth } = args;
  const { input, coefficient, sums, output } = args;
  const inner = outHeight * outWidth;
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let sum = 0;
        for (let kh = 0; kh < window; kh++) {
          for (let kw = 0; kw < window; kw++) {
            sum += input[(plane * inHeight + oh * window + kh) * inWidth + ow * window + kw];
          }
        }
        sums[plane * inner + oh * outWidth + ow] = sum;
      }
    }
  }
  const outChannels = channels * multiplier;
  forEachMap(args, (from, to, m) => {
    for (let i = 0; i < inner; i++) output[to + i] = coefficient[m] * sums[from + i];
  });
  biasActivation({
    activation: args.activation,
    outer: batch,
    channels: outChannels,
    inner,
    input: output,
    bias: args.bias,
    output,
  });
}

export function subsamplingBackward(args: SubsamplingBackwardArgs): void {
  const { batch, channels, multiplier, inHeight, inWidth, window, outHeight, outWidth } = args;
  const { sums, coefficient, gradOutput, gradCoefficient, gradInput } = args;
  const inner = outHeight * outWidth;
  biasActivationBackward({
    activation: args.activation,
    outer: batch,
    channels: channels * multiplier,
    inner,
    output: args.output,
    gradOutput,
    gradInput: gradOutput,
    gradBias: args.gradBias,
  });
  gradCoefficient.fill(0, 0, channels * multiplier);
  forEachMap(args, (from, to, m) => {
    let sum = 0;
    for (let i = 0; i < inner; i++) sum += gradOutput[to + i] * sums[from + i];
    gradCoefficient[m] += sum;
  });
  if (!gradInput) return;
  gradInput.fill(0, 0, batch * channels * inHeight * inWidth);
  forEachMap(args, (from, to, m) => {
    const plane = from / inner;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const value = coefficient[m] * gradOutput[to + oh * outWidth + ow];
        for (let kh = 0; kh < window; kh++) {
          for (let kw = 0; kw < window; kw++) {
            gradInput[(plane * inHeight + oh * window + kh) * inWidth + ow * window + kw] += value;
          }
        }
      }
    }
  });
}

/** Calls visit(start of the input map's sums, start of output map m, m) for every sample and map. */
function forEachMap(
  geometry: SubsamplingGeometry,
  visit: (from: number, to: number, m: number) => void,
): void {
  const { batch, channels, multiplier } = geometry;
  const inner = geometry.outHeight * geometry.outWidth;
  const outChannels = channels * multiplier;
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      visit((n * channels + Math.floor(m / multiplier)) * inner, (n * outChannels + m) * inner, m);
    }
  }
}
