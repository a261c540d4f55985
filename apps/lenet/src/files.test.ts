import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectWriteFault } from '@lenet/tensor/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonIfExists, writeFileAtomic } from './files.js';

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

  it('a full disk keeps the previous file and leaves no temporary behind', async () => {
    const path = join(directory, 'result.json');
    await writeFile(path, '{"old":1}\n');
    const restore = injectWriteFault({ kind: 'enospc', capacityBytes: 3 });
    await expect(writeFileAtomic(path, '{"new":2}\n'))
      .rejects.toThrow(/could not write .*result\.json \(ENOSPC/)
      .finally(restore);
    expect(await readFile(path, 'utf8')).toBe('{"old":1}\n');
    expect(await readdir(directory)).toEqual(['result.json']);
  });
});

describe('readJsonIfExists', () => {
  it('is null for a missing file and names the file of a syntax error', async () => {
    expect(await readJsonIfExists(join(directory, 'settings.json'))).toBeNull();
    await writeFile(join(directory, 'settings.json'), '{ model: 1 }');
    await expect(readJsonIfExists(join(directory, 'settings.json'))).rejects.toThrow(
      /settings\.json is not valid JSON \(Expected property name/,
    );
  });
});
