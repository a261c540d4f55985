/**
 * A drawing as the network sees it, following how MNIST was made (LeCun et al. 1998,
 * section III-A): the digit's bounding box is scaled (area-averaged, which anti-aliases) so
 * its larger side is 20 pixels, keeping the aspect ratio; it is then placed in a 28x28 field
 * with its centre of mass at the centre; LeNet-5 reads it padded to 32x32 in the paper's
 * scale (background -0.1, ink 1.175).
 */

export const FIELD = 28;
export const BOX = 20;
export const PADDED = 32;
export const PAPER_BACKGROUND = -0.1;
export const PAPER_FOREGROUND = 1.175;

export interface Preprocessed {
  /** 28 x 28 ink in [0, 1], centred by mass. */
  field: Float32Array;
  /** 32 x 32 in the paper's scale, the LeNet-5 input. */
  padded: Float32Array;
  /** Ink bounding box in the drawing: x, y, width, height (pixels). */
  box: { x: number; y: number; width: number; height: number };
  /** Centre of mass of the 20-pixel digit before centring (in its own pixel coordinates). */
  centreOfMass: { x: number; y: number };
}

/** Ink below this counts as paper when finding the bounding box. */
const INK_THRESHOLD = 0.05;

/** Centre of mass (x, y) of a `width` x `height` image, in pixel-index coordinates. */
export function centreOfMass(
  image: ArrayLike<number>,
  width: number,
  height: number,
): { x: number; y: number; mass: number } {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = image[y * width + x];
      mass += value;
      sumX += value * x;
      sumY += value * y;
    }
  }
  return mass > 0
    ? { x: sumX / mass, y: sumY / mass, mass }
    : { x: (width - 1) / 2, y: (height - 1) / 2, mass: 0 };
}

/** The smallest box holding every pixel above the ink threshold, or null for a blank image. */
export function inkBox(
  image: ArrayLike<number>,
  width: number,
  height: number,
): Preprocessed['box'] | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (image[y * width + x] > INK_THRESHOLD) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * Area-averaging resize of the `box` region of `image` to `outWidth` x `outHeight`: each output
 * pixel is the mean of the source area it covers (fractional overlaps weighted).
 */
export function resizeArea(
  image: ArrayLike<number>,
  width: number,
  box: Preprocessed['box'],
  outWidth: number,
  outHeight: number,
): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  const scaleX = box.width / outWidth;
  const scaleY = box.height / outHeight;
  for (let oy = 0; oy < outHeight; oy++) {
    const y0 = oy * scaleY;
    const y1 = y0 + scaleY;
    for (let ox = 0; ox < outWidth; ox++) {
      const x0 = ox * scaleX;
      const x1 = x0 + scaleX;
      let sum = 0;
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const overlapY = Math.min(y1, sy + 1) - Math.max(y0, sy);
        const row = (box.y + sy) * width + box.x;
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const overlapX = Math.min(x1, sx + 1) - Math.max(x0, sx);
          sum += image[row + sx] * overlapX * overlapY;
        }
      }
      out[oy * outWidth + ox] = sum / (scaleX * scaleY);
    }
  }
  return out;
}

/** Reads `source` (w x h) at fractional offset: out(x, y) = source(x - dx, y - dy), bilinear, 0 outside. */
function placeShifted(
  source: Float32Array,
  sourceWidth: number,
  sourceHeight: number,
  out: Float32Array,
  outSize: number,
  dx: number,
  dy: number,
): void {
  const read = (x: number, y: number) =>
    x < 0 || y < 0 || x >= sourceWidth || y >= sourceHeight ? 0 : source[y * sourceWidth + x];
  for (let y = 0; y < outSize; y++) {
    const sy = y - dy;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < outSize; x++) {
      const sx = x - dx;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      out[y * outSize + x] =
        (1 - fy) * ((1 - fx) * read(x0, y0) + fx * read(x0 + 1, y0)) +
        fy * ((1 - fx) * read(x0, y0 + 1) + fx * read(x0 + 1, y0 + 1));
    }
  }
}

/** The MNIST procedure on a drawing (`ink` in [0, 1], `width` x `height`); null when blank. */
export function preprocessDrawing(
  ink: ArrayLike<number>,
  width: number,
  height: number,
): Preprocessed | null {
  const box = inkBox(ink, width, height);
  if (!box) return null;
  const scale = BOX / Math.max(box.width, box.height);
  const digitWidth = Math.max(1, Math.round(box.width * scale));
  const digitHeight = Math.max(1, Math.round(box.height * scale));
  const digit = resizeArea(ink, width, box, digitWidth, digitHeight);
  const mass = centreOfMass(digit, digitWidth, digitHeight);
  const centre = (FIELD - 1) / 2;
  const field = new Float32Array(FIELD * FIELD);
  placeShifted(digit, digitWidth, digitHeight, field, FIELD, centre - mass.x, centre - mass.y);
  for (let i = 0; i < field.length; i++) field[i] = Math.min(1, field[i]);
  return {
    field,
    padded: padToPaperScale(field),
    box,
    centreOfMass: { x: mass.x, y: mass.y },
  };
}

/** 28x28 ink in [0, 1] -> 32x32 in the paper's scale (2 pixels of background around). */
export function padToPaperScale(field: ArrayLike<number>): Float32Array {
  const padded = new Float32Array(PADDED * PADDED).fill(PAPER_BACKGROUND);
  const margin = (PADDED - FIELD) / 2;
  for (let y = 0; y < FIELD; y++) {
    for (let x = 0; x < FIELD; x++) {
      padded[(y + margin) * PADDED + x + margin] =
        PAPER_BACKGROUND + field[y * FIELD + x] * (PAPER_FOREGROUND - PAPER_BACKGROUND);
    }
  }
  return padded;
}
