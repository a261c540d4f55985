/** A single-channel image with values in [0, 1], row-major. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

export function grayImage(width: number, height: number, pixels?: Float32Array): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  const data = pixels ?? new Float32Array(width * height);
  if (data.length !== width * height) {
    throw new RangeError(
      `a ${width}x${height} image needs ${width * height} pixels, got ${data.length}`,
    );
  }
  return { width, height, pixels: data };
}
