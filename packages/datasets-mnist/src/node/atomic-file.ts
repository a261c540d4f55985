import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic as writeFileAtomicInFolder } from '@lenet/tensor/node';

/**
 * Writes `bytes` to `target` complete or not at all (`@lenet/tensor/node`'s writeFileAtomic:
 * temporary file, every byte written, fsync, size checked, rename; on failure the previous file
 * stays), creating the parent folder first.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomicInFolder(target, bytes);
}
