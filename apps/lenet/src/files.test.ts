import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './files.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'lenet-files-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the directory, writes text and byte views, leaves no temporary behind', async () => {
    const path = join(directory, 'run', 'result.json');
    await writeFileAtomic(path, '{}\n');
    expect(await readFile(path, 'utf8')).toBe('{}\n');
    await writeFileAtomic(path, new Uint8Array([9, 4, 5, 9]).subarray(1, 3));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(join(directory, 'run'))).toEqual(['result.json']);
  });

  it('a failed rename leaves no temporary behind', async () => {
    await mkdir(join(directory, 'taken', 'inside'), { recursive: true });
    await expect(writeFileAtomic(join(directory, 'taken'), 'x')).rejects.toThrow(
      /EISDIR|ENOTEMPTY/,
    );
    expect(await readdir(directory)).toEqual(['taken']);
  });
});
