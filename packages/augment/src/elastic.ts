/**
 * Elastic distortion (Simard, Steinkraus & Platt 2003, §2): per-pixel displacements drawn
 * uniform in [-1, 1], smoothed by a Gaussian of standard deviation sigma, scaled by alpha; the
 * image is then read at (x + dx, y + dy).
 */
import type { Generator } from '@lenet/tensor';
import { checkInterpolation, type ResamplingOptions } from './affine.js';
import { GaussianSmoother, type SmoothingBackend } from './gaussian.js';
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
  /** Where the smoothing runs: 'auto' (WebAssembly SIMD if available), 'wasm' or 'js'. Same results. */
  smoothing?: SmoothingBackend;
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
  /** dx and dy side by side (see `remapDisplacedInto`), inside the smoother's buffer. */
  private displacements: Float64Array = new Float64Array(0);
  private width = 0;
  private source = new Float32Array(0);

  constructor(options: ElasticOptions = {}) {
    super();
    this.alpha = checkFinite('elastic alpha', options.alpha ?? DEFAULT_ELASTIC_OPTIONS.alpha);
    this.sigma = options.sigma ?? DEFAULT_ELASTIC_OPTIONS.sigma;
    this.smoother = new GaussianSmoother(
      this.sigma,
      options.truncate ?? DEFAULT_ELASTIC_OPTIONS.truncate,
      options.smoothing ?? 'auto',
    );
    this.fill = checkFinite('elastic fill', options.fill ?? DEFAULT_ELASTIC_OPTIONS.fill);
    this.interpolation = checkInterpolation(options.interpolation ?? 'bilinear');
  }

  /** Where the smoothing runs: 'wasm' (WebAssembly SIMD) or 'js'. */
  get smoothingBackend(): 'wasm' | 'js' {
    return this.smoother.backend;
  }

  /** Copies of the displacement fields of the last image distorted (height x width each). */
  get lastDisplacement(): { x: Float64Array; y: Float64Array } {
    const { displacements, width } = this;
    const height = displacements.length / (2 * width) || 0;
    const x = new Float64Array(height * width);
    const y = new Float64Array(height * width);
    for (let row = 0; row < height; row++) {
      x.set(displacements.subarray(2 * row * width, (2 * row + 1) * width), row * width);
      y.set(displacements.subarray((2 * row + 1) * width, (2 * row + 2) * width), row * width);
    }
    return { x, y };
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
    this.source = sized(this.source, plane, (n) => new Float32Array(n));
    // Same buffer while the size stays; a new view only when the size (or wasm memory) changes.
    const displacements = this.smoother.fieldBuffer(height, width, 2);
    this.displacements = displacements;
    this.width = width;
    fillUniformSigned(displacements, 2 * plane, generator);
    this.smoother.smoothFieldBuffer(this.alpha);
    for (let channel = 0; channel < channels; channel++) {
      const start = offset + channel * plane;
      copyPlane(data, start, plane, this.source);
      remapDisplacedInto(
        this.source,
        height,
        width,
        displacements,
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
