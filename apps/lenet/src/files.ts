import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic as writeFileAtomicInFolder } from '@lenet/tensor/node';
import { UsageError } from './errors.js';

/**
 * Writes `content` to `path` complete or not at all (`@lenet/tensor/node`'s writeFileAtomic:
 * temporary file, every byte written, fsync, size checked, rename; on failure the previous
 * file stays), creating the folder first.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicInFolder(path, content);
}

/** The JSON in `path`, or null if the file does not exist; a syntax error names the file. */
export async function readJsonIfExists<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseJsonFile<T>(text, path);
}

/** `JSON.parse(text)`, with an error that names `source` (a file, or what in a file). */
export function parseJsonFile<T>(text: string, source: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON (${(error as Error).message})`);
  }
}
