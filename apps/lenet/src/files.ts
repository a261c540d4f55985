import { Buffer } from 'node:buffer';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicWithLibrary from 'write-file-atomic';

/**
 * Writes `content` to `path` atomically (write-file-atomic: a temporary file beside it, flushed,
 * renamed; removed on failure), creating the directory first.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A Buffer view of the same memory (no copy): the library's types ask for a Buffer.
  const data =
    typeof content === 'string'
      ? content
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  await writeFileAtomicWithLibrary(path, data);
}

/** The JSON in `path`, or null if the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return JSON.parse(text) as T;
}
