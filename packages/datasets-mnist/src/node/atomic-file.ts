import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicWithLibrary from 'write-file-atomic';

/** A temp file name next to `target` (same file system, so the final rename is atomic). */
export function tempPathFor(target: string): string {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.part`;
}

/** Deletes `path` if it exists. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes `bytes` to `target` atomically: a reader sees the old file or the whole new one,
 * never a partial write (write-file-atomic: temp file, fsync, rename; the temp file is removed
 * on failure). Creates the parent directory first.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // A Buffer view of the same memory (no copy): the library's types ask for a Buffer.
  await writeFileAtomicWithLibrary(
    target,
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
}
