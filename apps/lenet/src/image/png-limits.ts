import { inflateSync } from 'node:zlib';

/**
 * The largest image `predict` decodes: 4,194,304 pixels (2048 x 2048). A digit needs 28 x 28;
 * past this, decoding costs seconds and hundreds of megabytes for nothing (an 8000 x 8000 PNG of
 * 292 KB took 73 s and 1.8 GB before this limit). The app README has the measured peak memory.
 */
export const MAX_PNG_PIXELS = 2048 * 2048;
/** The largest PNG file read: a 2048 x 2048 RGBA 16-bit image of noise is 33.6 MB. */
export const MAX_PNG_FILE_BYTES = 40 * 1024 * 1024;

const SIGNATURE_BYTES = 8;
/** Channels of each PNG color type (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

/**
 * Checks what can be checked before decoding, without decoding: the IHDR size against
 * `MAX_PNG_PIXELS`, and that the image data inflates to no more than such an image needs (a
 * small file can inflate to gigabytes). Returns a reason to refuse the file, or null.
 */
export function pngSizeProblem(bytes: Uint8Array): string | null {
  const header = readHeader(bytes);
  if (!header) return null; // not a readable header: the decoder names the problem
  const { width, height, depth, colorType, interlaced } = header;
  if (width * height > MAX_PNG_PIXELS) {
    return `${width}x${height} is ${(width * height).toLocaleString('en-US')} pixels; predict reads images of up to ${MAX_PNG_PIXELS.toLocaleString('en-US')} pixels (2048x2048): shrink it first`;
  }
  const channels = CHANNELS[colorType] ?? 4;
  const rowBytes = 1 + Math.ceil((width * channels * depth) / 8);
  // Adam7 adds a filter byte per row of each of its 7 passes, at most 15 rows' worth.
  const limit = rowBytes * height + (interlaced ? 15 * rowBytes + 7 * height : 0);
  const compressed = concatenatedImageData(bytes);
  if (compressed === null) return null;
  try {
    inflateSync(compressed, { maxOutputLength: limit + 1 });
  } catch (error) {
    if (error instanceof RangeError) {
      return `its image data inflates to more than the ${limit.toLocaleString('en-US')} bytes a ${width}x${height} image needs`;
    }
    return null; // damaged data: the decoder names the problem
  }
  return null;
}

function readHeader(bytes: Uint8Array): PngHeader | null {
  if (bytes.length < SIGNATURE_BYTES + 8 + 13) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(SIGNATURE_BYTES + 4, SIGNATURE_BYTES + 8));
  if (type !== 'IHDR') return null;
  const data = SIGNATURE_BYTES + 8;
  return {
    width: view.getUint32(data),
    height: view.getUint32(data + 4),
    depth: bytes[data + 8],
    colorType: bytes[data + 9],
    interlaced: bytes[data + 12] === 1,
  };
}

/** The IDAT chunks' data, joined; null when the chunk structure is broken. */
function concatenatedImageData(bytes: Uint8Array): Uint8Array | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let position = SIGNATURE_BYTES;
  while (position + 12 <= bytes.length) {
    const length = view.getUint32(position);
    const type = String.fromCharCode(...bytes.subarray(position + 4, position + 8));
    const end = position + 12 + length;
    if (end > bytes.length) return null;
    if (type === 'IDAT') parts.push(bytes.subarray(position + 8, position + 8 + length));
    if (type === 'IEND') break;
    position = end;
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
