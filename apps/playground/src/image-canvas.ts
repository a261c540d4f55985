/** Turning arrays of numbers into pixels. */

export type Colormap = (t: number) => readonly [number, number, number];

/** Ink on paper: 0 white, 1 near-black. */
export const inkColormap: Colormap = (t) => {
  const v = Math.round(255 - 235 * clamp01(t));
  return [v, v, Math.min(255, v + 6)];
};

/** Diverging: -1 blue, 0 white, +1 red (for activations and weights of either sign). */
export const divergingColormap: Colormap = (t) => {
  const s = Math.max(-1, Math.min(1, t * 2 - 1));
  if (s >= 0) return [255 - 40 * s, 255 - 190 * s, 255 - 200 * s];
  return [255 + 215 * s, 255 + 135 * s, 255 + 25 * s];
};

function clamp01(t: number): number {
  return Math.min(1, Math.max(0, t));
}

/** `values[offset ..]` of a `width` x `height` image as ImageData, `low`..`high` mapped to 0..1. */
export function toImageData(
  values: ArrayLike<number>,
  width: number,
  height: number,
  low: number,
  high: number,
  colormap: Colormap = inkColormap,
  offset = 0,
): ImageData {
  const image = new ImageData(width, height);
  const pixels = image.data;
  const span = high - low || 1;
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colormap((values[offset + i] - low) / span);
    pixels[4 * i] = r;
    pixels[4 * i + 1] = g;
    pixels[4 * i + 2] = b;
    pixels[4 * i + 3] = 255;
  }
  return image;
}

/** A canvas of `width` x `height` pixels displayed `zoom` times larger, crisp. */
export function pixelCanvas(
  width: number,
  height: number,
  zoom: number,
  label?: string,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.className = 'pixelated';
  canvas.style.width = `${width * zoom}px`;
  canvas.style.height = `${height * zoom}px`;
  if (label) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
  }
  return canvas;
}

/** Paints `values` into a canvas of the image's own size (CSS does the zoom). */
export function paint(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  low: number,
  high: number,
  colormap: Colormap = inkColormap,
  offset = 0,
): void {
  canvas
    .getContext('2d')!
    .putImageData(
      toImageData(values, canvas.width, canvas.height, low, high, colormap, offset),
      0,
      0,
    );
}
