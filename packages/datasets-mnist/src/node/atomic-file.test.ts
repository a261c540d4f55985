import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectWriteFault } from '@lenet/tensor/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeIdx } from '../idx-write.js';
import { writeFileAtomic } from './atomic-file.js';
import { readIdxFile, writeIdxFile } from './idx-file.js';

let directory: string;
let restore: (() => void) | undefined;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'datasets-mnist-atomic-'));
});
afterEach(async () => {
  restore?.();
  restore = undefined;
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
});

describe('writeIdxFile on a short-writing or full disk', () => {
  const array = { data: Uint8Array.from({ length: 6 * 16 }, (_, i) => i), shape: [6, 4, 4] };

  it('loops over short writes', async () => {
    restore = injectWriteFault({ kind: 'short', chunkBytes: 5 });
    const path = join(directory, 'images.idx');
    await writeIdxFile(path, array);
    expect([...(await readIdxFile(path)).data]).toEqual([...array.data]);
  });

  it.each(['enospc', 'zero'] as const)('a full disk (%s) keeps the previous file', async (kind) => {
    const path = join(directory, 'images.idx');
    const previous = writeIdx({ data: new Uint8Array(4), shape: [4] });
    await writeFile(path, previous);
    restore = injectWriteFault({ kind, capacityBytes: 50 });
    await expect(writeIdxFile(path, array)).rejects.toThrow(/could not write .*images\.idx/);
    expect(new Uint8Array(await readFile(path))).toEqual(previous);
    expect(await readdir(directory)).toEqual(['images.idx']);
  });
});
