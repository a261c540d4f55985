import { Generator } from '@lenet/tensor';
import { encode } from 'fast-png';
import type { Transform } from './transform.js';
import type { ImageSet } from './types.js';
import { checkImageSize } from './validate.js';

export interface PreviewGridOptions {
  /** Cells per row. With a transform: the original, then cols - 1 distorted samples. */
  cols: number;
  /** When given, each row shows one image of the set and its distortions. */
  transform?: Transform;
  /** Seed of the distortions. Default 0. */
  seed?: number;
  /** Screen pixels per image pixel. Default 2. */
  zoom?: number;
  /** Pixels between cells. Default 2. */
  gap?: number;
  /** Values shown as black and white. Default [0, 255] for bytes, else the originals' min and max. */
  range?: readonly [black: number, white: number];
}

const GAP_GREY = 96;
const SEPARATOR_GREY = 160;

/**
 * A grey PNG (fast-png) of images laid out in a grid. With `transform`, row r shows
 * `images[r]` in the first column (after which a light separator runs) and `cols - 1`
 * distortions of it beside; without, the images in reading order.
 */
export function previewGrid(images: ImageSet, options: PreviewGridOptions): Uint8Array {
  const { count, height, width } = images;
  checkImageSize('previewGrid', height, width);
  const plane = height * width;
  if (!Number.isInteger(count) || count < 1 || images.images?.length !== count * plane) {
    throw new RangeError(
      `previewGrid: expected at least one ${height} x ${width} image (${plane} values each), got ${images.images?.length} values for ${count} images`,
    );
  }
  const { cols, transform } = options;
  const zoom = options.zoom ?? 2;
  const gap = options.gap ?? 2;
  if (!Number.isInteger(cols) || cols < 1 || (transform && cols < 2)) {
    throw new RangeError(
      `previewGrid: cols must be an integer >= ${transform ? 2 : 1}, got ${cols}`,
    );
  }
  if (!Number.isInteger(zoom) || zoom < 1 || !Number.isInteger(gap) || gap < 0) {
    throw new RangeError(
      `previewGrid: zoom must be an integer >= 1 and gap >= 0, got ${zoom}, ${gap}`,
    );
  }
  const [black, white] = options.range ?? defaultRange(images.images);
  if (!(white !== black && Number.isFinite(black) && Number.isFinite(white))) {
    throw new RangeError(
      `previewGrid: range must be two different finite numbers, got [${black}, ${white}]`,
    );
  }
  const rows = transform ? count : Math.ceil(count / cols);
  const separator = transform ? 2 * gap + 2 : 0; // set the originals apart
  const cellWidth = width * zoom;
  const cellHeight = height * zoom;
  const pngWidth = cols * cellWidth + (cols + 1) * gap + separator;
  const pngHeight = rows * cellHeight + (rows + 1) * gap;
  const pixels = new Uint8Array(pngWidth * pngHeight).fill(GAP_GREY);
  if (transform) {
    const left = gap + cellWidth + gap;
    for (let y = 0; y < pngHeight; y++) {
      pixels.fill(
        SEPARATOR_GREY,
        y * pngWidth + left + gap / 2,
        y * pngWidth + left + separator - gap / 2,
      );
    }
  }
  const cell = new Float32Array(plane);
  const generator = new Generator(options.seed ?? 0);
  const draw = (row: number, col: number) => {
    const originX = gap + col * (cellWidth + gap) + (col > 0 ? separator : 0);
    const originY = gap + row * (cellHeight + gap);
    for (let y = 0; y < cellHeight; y++) {
      const line = (originY + y) * pngWidth + originX;
      const sourceRow = Math.floor(y / zoom) * width;
      for (let x = 0; x < cellWidth; x++) {
        const grey = (255 * (cell[sourceRow + Math.floor(x / zoom)] - black)) / (white - black);
        pixels[line + x] = grey < 0 ? 0 : grey > 255 ? 255 : Math.round(grey);
      }
    }
  };
  const load = (index: number) => {
    for (let i = 0; i < plane; i++) cell[i] = images.images[index * plane + i];
  };
  if (transform) {
    for (let row = 0; row < rows; row++) {
      load(row);
      draw(row, 0);
      for (let col = 1; col < cols; col++) {
        load(row);
        transform.distortInPlace(cell, 0, 1, height, width, generator);
        draw(row, col);
      }
    }
  } else {
    for (let index = 0; index < count; index++) {
      load(index);
      draw(Math.floor(index / cols), index % cols);
    }
  }
  return encode({ width: pngWidth, height: pngHeight, data: pixels, channels: 1, depth: 8 });
}

function defaultRange(images: Float32Array | Uint8Array): [number, number] {
  if (images instanceof Uint8Array) return [0, 255];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < images.length; i++) {
    if (images[i] < low) low = images[i];
    if (images[i] > high) high = images[i];
  }
  return high > low ? [low, high] : [low, low + 1];
}
