// gzip decoding that works the same in Node and in the browser (fflate is synchronous and pure
// JavaScript), with the checks fflate leaves to its caller: a trailer size that the compressed
// bytes could actually produce (so a damaged trailer cannot make us allocate gigabytes), the
// decoded length, and the CRC-32.
import { gunzipSync, gzipSync } from 'fflate';
import { formatCount, IdxFormatError } from './idx-format-error.js';

/** Deflate cannot expand better than about 1032:1, so a larger claim is a damaged file. */
const MAX_DEFLATE_RATIO = 1032;
const GZIP_MIN_LENGTH = 18; // 10-byte header + empty deflate block + 8-byte trailer

/** True when `bytes` start with the gzip magic (0x1f 0x8b); file names are not trusted. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 6, mtime: 0 });
}

/** Decompresses one gzip member; throws `IdxFormatError` naming `fileName` on any fault. */
export function gunzip(bytes: Uint8Array, fileName: string): Uint8Array {
  if (bytes.length < GZIP_MIN_LENGTH) {
    throw new IdxFormatError(
      fileName,
      `gzip data too short: expected at least ${GZIP_MIN_LENGTH} bytes, found ${formatCount(bytes.length)}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expectedCrc = view.getUint32(bytes.length - 8, true);
  const expectedLength = view.getUint32(bytes.length - 4, true);
  const largestPossible = bytes.length * MAX_DEFLATE_RATIO;
  if (expectedLength > largestPossible) {
    throw new IdxFormatError(
      fileName,
      `gzip trailer claims ${formatCount(expectedLength)} uncompressed bytes, more than ${formatCount(bytes.length)} compressed bytes can hold`,
    );
  }
  // One spare byte: if it gets written, the stream is longer than its trailer says.
  const out = new Uint8Array(expectedLength + 1);
  let decoded: Uint8Array;
  try {
    decoded = gunzipSync(bytes, { out });
  } catch (error) {
    throw new IdxFormatError(fileName, `invalid gzip data (${(error as Error).message})`);
  }
  if (decoded.length !== expectedLength) {
    throw new IdxFormatError(
      fileName,
      `gzip data decodes to ${decoded.length > expectedLength ? 'more than ' : ''}${formatCount(decoded.length)} bytes but its trailer says ${formatCount(expectedLength)}`,
    );
  }
  const actualCrc = crc32(decoded);
  if (actualCrc !== expectedCrc) {
    throw new IdxFormatError(
      fileName,
      `gzip CRC-32 mismatch: expected ${hex32(expectedCrc)}, computed ${hex32(actualCrc)}`,
    );
  }
  return decoded;
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

let crcTables: Uint32Array[] | undefined;

/** Four 256-entry tables for slicing-by-4 CRC-32 (reflected polynomial 0xEDB88320). */
function crc32Tables(): Uint32Array[] {
  if (crcTables) return crcTables;
  const tables = [0, 1, 2, 3].map(() => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) {
      const previous = tables[t - 1][n];
      tables[t][n] = (tables[0][previous & 0xff] ^ (previous >>> 8)) >>> 0;
    }
  }
  crcTables = tables;
  return tables;
}

/** CRC-32 as used by gzip and zip. */
export function crc32(bytes: Uint8Array): number {
  const [t0, t1, t2, t3] = crc32Tables();
  let crc = 0xffffffff;
  let i = 0;
  const end4 = bytes.length - (bytes.length % 4);
  for (; i < end4; i += 4) {
    crc ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    crc = t3[crc & 0xff] ^ t2[(crc >>> 8) & 0xff] ^ t1[(crc >>> 16) & 0xff] ^ t0[crc >>> 24];
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
