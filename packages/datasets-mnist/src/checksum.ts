import { isGzip } from './gzip.js';
import { formatCount } from './idx-format-error.js';
import type { DigestedForm, IdxFileInfo } from './registry.js';

/** Bytes whose size or SHA-256 differs from the registry: a damaged or substituted file. */
export class ChecksumError extends Error {
  override readonly name = 'ChecksumError';
  readonly fileName: string;
  readonly expected: string;
  readonly actual: string;

  constructor(fileName: string, what: string, expected: string, actual: string) {
    super(`${fileName}: ${what} mismatch: expected ${expected}, found ${actual}`);
    this.fileName = fileName;
    this.expected = expected;
    this.actual = actual;
  }
}

export type Sha256 = (bytes: Uint8Array) => Promise<string> | string;

/** SHA-256 as lower-case hex through Web Crypto (browsers, Node >= 19, Deno, Bun). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'SHA-256 check needs Web Crypto, which browsers offer only in secure contexts (https, localhost); pass verify: false to skip it',
    );
  }
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Checks `bytes` against the registry entry for the form they are in (gzip or raw, told by
 * the magic bytes): size first (cheap, readable), then SHA-256 when the registry has one for
 * that form. Returns whether a digest was checked.
 */
export async function verifyFileBytes(
  bytes: Uint8Array,
  file: IdxFileInfo,
  fileName: string,
  sha256: Sha256 = sha256Hex,
): Promise<boolean> {
  const form: DigestedForm = isGzip(bytes) ? file.gz : file.raw;
  if (bytes.length !== form.bytes) {
    throw new ChecksumError(
      fileName,
      'size',
      `${formatCount(form.bytes)} bytes`,
      `${formatCount(bytes.length)} bytes`,
    );
  }
  if (form.sha256 === null) return false;
  const actual = await sha256(bytes);
  if (actual !== form.sha256) throw new ChecksumError(fileName, 'SHA-256', form.sha256, actual);
  return true;
}
