import fs from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'datasets-mnist-atomic-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(directory, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the parent directory, replaces the file, leaves no temporary behind', async () => {
    const path = join(directory, 'nested', 'deeper', 'a.bin');
    const bytes = new Uint8Array([9, 1, 2, 3, 9]);
    await writeFileAtomic(path, bytes.subarray(1, 4)); // a view: only its own bytes are written
    await writeFileAtomic(path, new Uint8Array([4, 5]));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(join(directory, 'nested', 'deeper'))).toEqual(['a.bin']);
  });

  it('flushes the data to disk before the rename', async () => {
    const fsync = vi.spyOn(fs, 'fsync');
    await writeFileAtomic(join(directory, 'a.bin'), new Uint8Array([1]));
    expect(fsync).toHaveBeenCalledTimes(1);
  });

  it('a failed rename leaves no temporary behind', async () => {
    const path = join(directory, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true }); // a non-empty directory is in the way
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toThrow(/EISDIR|ENOTEMPTY/);
    expect(await readdir(directory)).toEqual(['taken']);
  });
});
