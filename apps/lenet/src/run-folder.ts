import fs from 'node:fs';
import {
  access,
  link,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isProcessAlive, removeStaleTempFiles } from '@lenet/tensor/node';
import { UsageError } from './errors.js';

/** The lock a run holds on its `--out` folder for its lifetime. */
export const LOCK_FILE = 'run.lock';
/** Files whose presence means the folder holds a `lenet train` run. */
const RUN_FILES = ['settings.json', 'model.safetensors', 'checkpoints', 'metrics.jsonl'];
/** What `--force` removes before a new run (a run's own files, nothing else). */
const REPLACED_FILES = [
  ...RUN_FILES,
  'result.json',
  'curves.svg',
  'loss.svg',
  'confusion.svg',
  'errors.svg',
];

/**
 * Checks that `out` can hold a run and creates it: a non-empty path, a folder (not a file),
 * under a parent that is a writable folder. The folder is created one level at a time (Node's
 * recursive mkdir loops forever on some paths, such as under /proc).
 */
export async function ensureOutFolder(out: string, flag = '--out'): Promise<void> {
  if (out.trim() === '') {
    throw new UsageError(`${flag} is empty; expected a folder, such as runs/train`);
  }
  const missing: string[] = [];
  let existing = resolve(out);
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      if (error.code === 'ENOTDIR') return 'not-a-folder' as const;
      throw error;
    });
    if (info === 'not-a-folder') {
      missing.unshift(existing);
      existing = dirname(existing);
      continue;
    }
    if (info && !info.isDirectory()) {
      throw new UsageError(
        existing === resolve(out)
          ? `${flag} ${out} is a file; expected a folder (new, or holding a run)`
          : `${flag} ${out}: ${existing} is a file, not a folder`,
      );
    }
    if (info) break;
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    await access(existing, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${out}: cannot write in ${existing} (not a writable folder)`);
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new UsageError(
        `${flag} ${out}: cannot create the folder ${folder} (${code ?? (error as Error).message}); expected a path under a writable folder`,
      );
    }
  }
}

/** True when `out` holds what a `lenet train` run writes (settings, model or checkpoints). */
export async function holdsRun(out: string): Promise<string[]> {
  const present: string[] = [];
  for (const name of RUN_FILES) {
    if (await stat(join(out, name)).catch(() => null)) present.push(name);
  }
  return present;
}

/** Removes a previous run's files from `out` (for `--force`). */
export async function removeRunFiles(out: string): Promise<void> {
  for (const name of REPLACED_FILES) await rm(join(out, name), { recursive: true, force: true });
}

export interface RunLock {
  release(): Promise<void>;
}

/**
 * Takes `<out>/run.lock` for this process: refused, naming the holder's pid, while another live
 * process holds it; a lock whose process is gone (killed) is taken over.
 */
export async function lockRunFolder(out: string): Promise<RunLock> {
  const path = join(out, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLock(path)) {
      return {
        async release() {
          await unlink(path).catch(() => undefined);
        },
      };
    }
    const holder = await lockHolder(path);
    if (holder !== null && isProcessAlive(holder)) {
      throw new UsageError(
        `${out} is in use by another run (pid ${holder}, ${path}); wait for it to finish or choose another --out`,
      );
    }
    await takeOverStaleLock(path, out);
  }
  throw new UsageError(`${out} is in use by another run (${path}); choose another --out`);
}

/**
 * Creates the lock file with its content in one step: written under a private name, then
 * hard-linked to `path` (a link fails if `path` exists), so no one reads a half-written lock.
 */
async function createLock(path: string): Promise<boolean> {
  const mine = `${path}.${process.pid}.${Date.now()}`;
  const content = `${JSON.stringify({ pid: process.pid, started: new Date().toISOString() })}\n`;
  await writeFile(mine, content);
  try {
    await link(mine, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside under a private name (one atomic step, so two runs cannot both take
 * it over) and deletes it; if what was moved turns out to belong to a live run (it replaced the
 * stale one meanwhile), it is put back and this run is refused.
 */
async function takeOverStaleLock(path: string, out: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it
    throw error;
  }
  const holder = await lockHolder(aside);
  if (holder !== null && isProcessAlive(holder)) {
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    throw new UsageError(
      `${out} is in use by another run (pid ${holder}, ${path}); wait for it to finish or choose another --out`,
    );
  }
  await unlink(aside).catch(() => undefined);
}

async function lockHolder(path: string): Promise<number | null> {
  try {
    const { pid } = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown };
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null; // unreadable: not a lock any live run wrote (locks are created whole)
  }
}

/** Removes temporary files a killed run left in `out` and its checkpoints folder. */
export async function cleanLeftovers(out: string): Promise<string[]> {
  return [
    ...(await removeStaleTempFiles(out)),
    ...(await removeStaleTempFiles(join(out, 'checkpoints'))),
  ];
}
