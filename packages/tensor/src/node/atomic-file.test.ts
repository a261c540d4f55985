import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';
import { injectWriteFault } from './write-faults.js';

let folder: string;
let restore: (() => void) | undefined;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'atomic-'));
});
afterEach(() => {
  restore?.();
  restore = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const bytes = (count: number, seed = 7) =>
  Uint8Array.from({ length: count }, (_, i) => (i * seed + 3) & 255);

describe('writeFileAtomic', () => {
  it('writes bytes (only a view’s own) and strings, replacing the file, leaving no temporary', async () => {
    const path = join(folder, 'a.bin');
    await writeFileAtomic(path, new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await writeFileAtomic(path, 'hé\n');
    expect(readFileSync(path, 'utf8')).toBe('hé\n');
    expect(readdirSync(folder)).toEqual(['a.bin']);
  });

  it('loops over short writes until every byte is out', async () => {
    restore = injectWriteFault({ kind: 'short', chunkBytes: 1000 });
    const path = join(folder, 'big.bin');
    const data = bytes(25_001);
    await writeFileAtomic(path, data);
    expect(Buffer.compare(readFileSync(path), data)).toBe(0);
  });

  it.each([
    ['enospc', /could not write .*full\.bin \(ENOSPC: no space left/],
    ['zero', /could not write .*full\.bin \(no space left: wrote 4096 of 10000 bytes\)/],
  ] as const)(
    'on a full disk (%s) keeps the previous file and removes the temporary',
    async (kind, message) => {
      const path = join(folder, 'full.bin');
      const previous = bytes(500, 3);
      writeFileSync(path, previous);
      restore = injectWriteFault({ kind, capacityBytes: 4096 });
      const error = await writeFileAtomic(path, bytes(10_000)).catch((caught: unknown) => caught);
      expect((error as Error).message).toMatch(message);
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect(Buffer.compare(readFileSync(path), previous)).toBe(0);
      expect(readdirSync(folder)).toEqual(['full.bin']);
    },
  );

  it('names the target when its folder is missing', async () => {
    await expect(writeFileAtomic(join(folder, 'missing', 'a.bin'), 'x')).rejects.toThrow(
      /could not write .*missing\/a\.bin \(ENOENT/,
    );
  });
});

describe('writeFileAtomic on a real 64 KiB tmpfs (as root)', () => {
  const mountPoint = join(tmpdir(), `atomic-tmpfs-${process.pid}`);
  const mounted = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    mkdirSync(mountPoint, { recursive: true });
    return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status === 0;
  })();
  afterAll(() => {
    if (!mounted) return;
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true });
  });

  it.skipIf(!mounted)(
    'a write larger than the disk fails and the previous file stays whole',
    async () => {
      const path = join(mountPoint, 'checkpoint.bin');
      const previous = bytes(40_000, 5);
      await writeFileAtomic(path, previous);
      await expect(writeFileAtomic(path, bytes(50_000))).rejects.toThrow(
        /could not write .*checkpoint\.bin \(ENOSPC/,
      );
      expect(Buffer.compare(readFileSync(path), previous)).toBe(0);
      expect(readdirSync(mountPoint)).toEqual(['checkpoint.bin']);
    },
  );
});

describe('removeStaleTempFiles', () => {
  it('removes temporaries of dead processes and write-file-atomic leftovers, nothing else', async () => {
    const names = [
      'model.safetensors',
      'model.safetensors.999999999.0123456789ab.tmp', // no such pid
      `model.safetensors.${process.pid}.0123456789ab.tmp`, // ours, alive: a write in flight
      'checkpoint-last.safetensors.2241562276', // write-file-atomic's
      'notes.2024',
    ];
    for (const name of names) writeFileSync(join(folder, name), 'x');
    expect((await removeStaleTempFiles(folder)).sort()).toEqual([
      'checkpoint-last.safetensors.2241562276',
      'model.safetensors.999999999.0123456789ab.tmp',
    ]);
    expect(readdirSync(folder).sort()).toEqual([
      'model.safetensors',
      `model.safetensors.${process.pid}.0123456789ab.tmp`,
      'notes.2024',
    ]);
    expect(await removeStaleTempFiles(join(folder, 'absent'))).toEqual([]);
  });
});
