/**
 * Elastic distortion (Simard, Steinkraus & Platt 2003, §2): per-pixel displacements drawn
 * uniform in [-1, 1], smoothed by a Gaussian of standard deviation sigma, scaled by alpha; the
 * image is then read at (x + dx, y + dy).
 */
import type { Generator } from '@lenet/tensor';
import { checkInterpolation, type ResamplingOptions } from './affine.js';
import { GaussianSmoother } from './gaussian.js';
import { remapDisplacedInto } from './resample.js';
import { copyPlane, sized, Transform } from './transform.js';
import type { Interpolation } from './types.js';
import { checkFinite, checkImageSize } from './validate.js';

export interface ElasticOptions extends ResamplingOptions {
  /** Scale of the smoothed field in pixels. Default 34 (Simard et al., 29x29 MNIST). */
  alpha?: number;
  /** Gaussian standard deviation in pixels ("elasticity"). Default 4 (Simard et al.). */
  sigma?: number;
  /** Kernel radius in standard deviations, as scipy's `truncate`. Default 4. */
  truncate?: number;
}

export const DEFAULT_ELASTIC_OPTIONS = Object.freeze({
  alpha: 34,
  sigma: 4,
  truncate: 4,
  fill: 0,
  interpolation: 'bilinear' as Interpolation,
});

export class Elastic extends Transform {
  readonly alpha: number;
  readonly sigma: number;
  readonly fill: number;
  readonly interpolation: Interpolation;
  private readonly smoother: GaussianSmoother;
  private displacementX = new Float64Array(0);
  private displacementY = new Float64Array(0);
  private source = new Float32Array(0);

  constructor(options: ElasticOptions = {}) {
    super();
    this.alpha = checkFinite('elastic alpha', options.alpha ?? DEFAULT_ELASTIC_OPTIONS.alpha);
    this.sigma = options.sigma ?? DEFAULT_ELASTIC_OPTIONS.sigma;
    this.smoother = new GaussianSmoother(
      this.sigma,
      options.truncate ?? DEFAULT_ELASTIC_OPTIONS.truncate,
    );
    this.fill = checkFinite('elastic fill', options.fill ?? DEFAULT_ELASTIC_OPTIONS.fill);
    this.interpolation = checkInterpolation(options.interpolation ?? 'bilinear');
  }

  /** The displacement fields of the last image distorted (height x width each; reused). */
  get lastDisplacement(): { x: Float64Array; y: Float64Array } {
    return { x: this.displacementX, y: this.displacementY };
  }

  distortInPlace(
    data: Float32Array,
    offset: number,
    channels: number,
    height: number,
    width: number,
    generator: Generator,
  ): void {
    checkImageSize('elastic', height, width);
    const plane = height * width;
    const makeField = (n: number) => new Float64Array(n);
    this.displacementX = sized(this.displacementX, plane, makeField);
    this.displacementY = sized(this.displacementY, plane, makeField);
    this.source = sized(this.source, plane, (n) => new Float32Array(n));
    const { displacementX, displacementY } = this;
    fillUniformSigned(displacementX, plane, generator);
    fillUniformSigned(displacementY, plane, generator);
    this.smoother.smooth(displacementX, height, width, displacementX, this.alpha);
    this.smoother.smooth(displacementY, height, width, displacementY, this.alpha);
    for (let channel = 0; channel < channels; channel++) {
      const start = offset + channel * plane;
      copyPlane(data, start, plane, this.source);
      remapDisplacedInto(
        this.source,
        height,
        width,
        displacementX,
        displacementY,
        this.fill,
        this.interpolation,
        data,
        start,
      );
    }
  }
}

/** Simard-style elastic distortion; defaults sigma 4, alpha 34 (for 28x28 digits). */
export function elastic(options: ElasticOptions = {}): Elastic {
  return new Elastic(options);
}

const HALF_WORD_TO_SIGNED = 2 / 65_536;

/**
 * Fills `field[0 .. length)` with uniform values in [-1, 1), two per 32-bit draw (16 bits
 * each): the Gaussian then averages hundreds of them, so 16 bits are far more than enough, and
 * drawing half as often is the single largest saving after the smoothing.
 */
export function fillUniformSigned(field: Float64Array, length: number, generator: Generator): void {
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const bits = generator.nextUint32();
    field[i] = (bits & 0xffff) * HALF_WORD_TO_SIGNED - 1;
    field[i + 1] = (bits >>> 16) * HALF_WORD_TO_SIGNED - 1;
  }
  if (i < length) field[i] = (generator.nextUint32() >>> 16) * HALF_WORD_TO_SIGNED - 1;
}
