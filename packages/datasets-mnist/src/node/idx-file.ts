import { readFile } from 'node:fs/promises';
import { readIdx } from '../idx-read.js';
import type { IdxArray, IdxType, IdxTypedArray } from '../idx-types.js';
import { writeIdx } from '../idx-write.js';
import { writeFileAtomic } from './atomic-file.js';

/** Reads an IDX file, gzip-compressed or not; errors name `path`. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return readIdx(await readFile(path), { fileName: path });
}

/** Writes an IDX file atomically (temp file + rename); `gzip: true` compresses it. */
export async function writeIdxFile(
  path: string,
  array: { data: IdxTypedArray; shape: readonly number[]; type?: IdxType },
  options: { gzip?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(path, writeIdx(array, options));
}
