/**
 * The planar affine distortions of LeCun et al. (1998, §III-B): horizontal and vertical
 * translation, scaling, squeezing (horizontal compression with vertical elongation, or the
 * reverse) and horizontal shearing; rotation is an extra the paper does not list.
 */
import type { Generator } from '@lenet/tensor';
import { type AffineSourceMap, warpAffineInto } from './resample.js';
import { copyPlane, sized, Transform } from './transform.js';
import type { Interpolation, Range } from './types.js';
import { checkFinite, checkImageSize, resolveRange } from './validate.js';

/**
 * One affine distortion, about the image centre. Applied to the digit in this order: scale,
 * squeeze, horizontal shear, rotation, translation. Image coordinates: x right, y down.
 */
export interface AffineParameters {
  /** Pixels the content moves right. */
  translateX: number;
  /** Pixels the content moves down. */
  translateY: number;
  /** Size factor in both directions (> 1 enlarges). */
  scale: number;
  /** Squeeze q: width times e^-q, height times e^q (area kept; q > 0 is narrower and taller). */
  squeeze: number;
  /** Horizontal shear: a point moves right by shearX times its height above the centre. */
  shearX: number;
  /** Rotation in degrees, counter-clockwise as seen on screen. */
  rotate: number;
}

export const IDENTITY_AFFINE: Readonly<AffineParameters> = Object.freeze({
  translateX: 0,
  translateY: 0,
  scale: 1,
  squeeze: 0,
  shearX: 0,
  rotate: 0,
});

export interface ResamplingOptions {
  /** Value read outside the image: the background (0 raw, -0.1 in the paper's scale). Default 0. */
  fill?: number;
  /** Default 'bilinear' (as in Simard et al. 2003). */
  interpolation?: Interpolation;
}

/**
 * The source position of every output pixel, `[xx, xy, x0, yx, yy, y0]` (see `AffineSourceMap`):
 * the inverse of the forward map, since each output pixel pulls its value from the source.
 */
export function affineSourceMap(
  parameters: AffineParameters,
  height: number,
  width: number,
  out: AffineSourceMap = new Float64Array(6),
): AffineSourceMap {
  const { translateX, translateY, scale, squeeze, shearX, rotate } = parameters;
  const scaleX = scale * Math.exp(-squeeze);
  const scaleY = scale * Math.exp(squeeze);
  const angle = (rotate * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Forward linear part A = rotation * shear * diag(scaleX, scaleY), with y pointing down:
  // shear moves a point up the image (negative y) to the right, so x' = x - shearX * y.
  const a00 = cos * scaleX;
  const a01 = (cos * -shearX + sin) * scaleY;
  const a10 = -sin * scaleX;
  const a11 = (-sin * -shearX + cos) * scaleY;
  const determinant = a00 * a11 - a01 * a10;
  if (!(Math.abs(determinant) > 1e-12)) {
    throw new RangeError(
      `affine: the map is singular (scale ${scale}, squeeze ${squeeze}); expected a non-zero scale`,
    );
  }
  const i00 = a11 / determinant;
  const i01 = -a01 / determinant;
  const i10 = -a10 / determinant;
  const i11 = a00 / determinant;
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  // Source = centre + inverse * (output - centre - translation).
  const shiftedX = centreX + translateX;
  const shiftedY = centreY + translateY;
  out[0] = i00;
  out[1] = i01;
  out[2] = centreX - (i00 * shiftedX + i01 * shiftedY);
  out[3] = i10;
  out[4] = i11;
  out[5] = centreY - (i10 * shiftedX + i11 * shiftedY);
  return out;
}

/** Applies one given affine distortion to an image (deterministic; see `randomAffine`). */
export function warpAffine(
  image: Float32Array,
  height: number,
  width: number,
  parameters: Partial<AffineParameters>,
  options: ResamplingOptions = {},
  out: Float32Array = new Float32Array(height * width),
): Float32Array {
  checkImageSize('warpAffine', height, width);
  if (image.length !== height * width || out.length !== height * width) {
    throw new RangeError(
      `warpAffine: image and out must hold ${height} x ${width} pixels, got ${image.length} and ${out.length}`,
    );
  }
  if (out === image) throw new RangeError('warpAffine: out must not be the input image');
  const map = affineSourceMap({ ...IDENTITY_AFFINE, ...parameters }, height, width);
  const fill = checkFinite('warpAffine fill', options.fill ?? 0);
  warpAffineInto(image, height, width, map, fill, options.interpolation ?? 'bilinear', out, 0);
  return out;
}

export interface RandomAffineOptions extends ResamplingOptions {
  /** Shift in pixels, both axes, or per axis `{ x, y }`. Default 2 (i.e. [-2, 2]). */
  translate?: Range | { x: Range; y: Range };
  /** Scale factor range. Default [0.9, 1.1]. */
  scale?: readonly [min: number, max: number];
  /** Squeeze q range (width e^-q, height e^q). Default 0.1. */
  squeeze?: Range;
  /** Horizontal shear range. Default 0.2 (about ±11°). */
  shearX?: Range;
  /** Rotation range in degrees (not one of the paper's distortions). Default 0. */
  rotate?: Range;
}

/** Every range resolved to `[min, max]`. */
export interface AffineRanges {
  translateX: [number, number];
  translateY: [number, number];
  scale: [number, number];
  squeeze: [number, number];
  shearX: [number, number];
  rotate: [number, number];
}

export const DEFAULT_AFFINE_OPTIONS = Object.freeze({
  translate: 2,
  scale: Object.freeze([0.9, 1.1] as const),
  squeeze: 0.1,
  shearX: 0.2,
  rotate: 0,
  fill: 0,
  interpolation: 'bilinear' as Interpolation,
});

export function resolveAffineRanges(options: RandomAffineOptions = {}): AffineRanges {
  const translate = options.translate ?? DEFAULT_AFFINE_OPTIONS.translate;
  const perAxis =
    typeof translate === 'object' && !Array.isArray(translate)
      ? (translate as { x: Range; y: Range })
      : { x: translate as Range, y: translate as Range };
  const scale = resolveRange('randomAffine scale', options.scale ?? DEFAULT_AFFINE_OPTIONS.scale);
  if (scale[0] <= 0) {
    throw new RangeError(`randomAffine scale: expected factors > 0, got [${scale.join(', ')}]`);
  }
  return {
    translateX: resolveRange('randomAffine translate.x', perAxis.x),
    translateY: resolveRange('randomAffine translate.y', perAxis.y),
    scale,
    squeeze: resolveRange(
      'randomAffine squeeze',
      options.squeeze ?? DEFAULT_AFFINE_OPTIONS.squeeze,
    ),
    shearX: resolveRange('randomAffine shearX', options.shearX ?? DEFAULT_AFFINE_OPTIONS.shearX),
    rotate: resolveRange('randomAffine rotate', options.rotate ?? DEFAULT_AFFINE_OPTIONS.rotate),
  };
}

/**
 * Draws one parameter set, each uniform in its range. Always six draws in a fixed order, so
 * widening one range (say, turning rotation on) leaves the other parameters' draws unchanged.
 */
export function sampleAffineParameters(
  ranges: AffineRanges,
  generator: Generator,
  out: AffineParameters = { ...IDENTITY_AFFINE },
): AffineParameters {
  out.translateX = generator.uniform(ranges.translateX[0], ranges.translateX[1]);
  out.translateY = generator.uniform(ranges.translateY[0], ranges.translateY[1]);
  out.scale = generator.uniform(ranges.scale[0], ranges.scale[1]);
  out.squeeze = generator.uniform(ranges.squeeze[0], ranges.squeeze[1]);
  out.shearX = generator.uniform(ranges.shearX[0], ranges.shearX[1]);
  out.rotate = generator.uniform(ranges.rotate[0], ranges.rotate[1]);
  return out;
}

export class RandomAffine extends Transform {
  readonly ranges: AffineRanges;
  readonly fill: number;
  readonly interpolation: Interpolation;
  /** The parameters of the last image distorted (overwritten per image). */
  readonly lastParameters: AffineParameters = { ...IDENTITY_AFFINE };
  private readonly map: AffineSourceMap = new Float64Array(6);
  private source = new Float32Array(0);

  constructor(options: RandomAffineOptions = {}) {
    super();
    this.ranges = resolveAffineRanges(options);
    this.fill = checkFinite('randomAffine fill', options.fill ?? DEFAULT_AFFINE_OPTIONS.fill);
    this.interpolation = checkInterpolation(options.interpolation ?? 'bilinear');
  }

  distortInPlace(
    data: Float32Array,
    offset: number,
    channels: number,
    height: number,
    width: number,
    generator: Generator,
  ): void {
    checkImageSize('randomAffine', height, width);
    const plane = height * width;
    this.source = sized(this.source, plane, (n) => new Float32Array(n));
    sampleAffineParameters(this.ranges, generator, this.lastParameters);
    affineSourceMap(this.lastParameters, height, width, this.map);
    for (let channel = 0; channel < channels; channel++) {
      const start = offset + channel * plane;
      copyPlane(data, start, plane, this.source);
      warpAffineInto(
        this.source,
        height,
        width,
        this.map,
        this.fill,
        this.interpolation,
        data,
        start,
      );
    }
  }
}

/** A random affine distortion, parameters drawn uniformly per image (defaults in the README). */
export function randomAffine(options: RandomAffineOptions = {}): RandomAffine {
  return new RandomAffine(options);
}

export function checkInterpolation(interpolation: Interpolation): Interpolation {
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new RangeError(
      `interpolation: expected 'bilinear' or 'nearest', got ${JSON.stringify(interpolation)}`,
    );
  }
  return interpolation;
}
