import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Every call goes through `fs.promises` at call time (not a destructured import), so a test
// can inject faults into every writer in the process with `injectWriteFault`.

/** The suffix of a temporary file: `<name>.<pid>.<12 hex>.tmp`. */
const TEMP_PATTERN = /^(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;
/** What write-file-atomic (used before) left behind: `<name>.<ext>.<murmur hash>`. */
const LEGACY_TEMP_PATTERN = /^.+\.(safetensors|json|jsonl|svg|md|png|idx|ubyte)\.\d{5,10}$/;

/** The temporary file `writeFileAtomic` writes before renaming it to `target`. */
export function tempPathFor(target: string): string {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Writes `content` to `target` so that it reaches its name complete or not at all: a temporary
 * file in the same folder, written in a loop until every byte is out (a short write is retried,
 * a write of 0 bytes is a full disk), flushed (fsync), its size checked, then renamed over
 * `target`, and the folder flushed where the platform allows. On any failure the temporary file
 * is removed and the previous `target` stays as it was; the error names `target`.
 * The folder must exist.
 */
export async function writeFileAtomic(target: string, content: Uint8Array | string): Promise<void> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const temp = tempPathFor(target);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(temp, 'wx', 0o666);
    await writeAll(handle, bytes, 0);
    await handle.sync();
    const { size } = await handle.stat();
    if (size !== bytes.byteLength) {
      throw new Error(`the file holds ${size} bytes after writing ${bytes.byteLength}`);
    }
    await handle.close();
    handle = undefined;
    await fs.promises.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.promises.unlink(temp).catch(() => undefined);
    const reason = error as NodeJS.ErrnoException;
    throw Object.assign(
      new Error(`could not write ${target} (${reason.message}); any previous file is unchanged`, {
        cause: error,
      }),
      { code: reason.code },
    );
  }
  await syncFolder(dirname(target));
}

/**
 * Writes every byte of `bytes` at `position` of an open file, looping over short writes; a
 * write of 0 bytes (a full disk that reports no error) throws ENOSPC.
 */
export async function writeAll(
  handle: fs.promises.FileHandle,
  bytes: Uint8Array,
  position: number,
): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(
      bytes,
      written,
      bytes.byteLength - written,
      position + written,
    );
    if (bytesWritten <= 0) {
      throw Object.assign(
        new Error(`no space left: wrote ${written} of ${bytes.byteLength} bytes`),
        { code: 'ENOSPC' },
      );
    }
    written += bytesWritten;
  }
}

/** Flushes a folder's entries (the rename) to disk; not every platform can open a folder. */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(folder, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder, some file systems refuse fsync on one: the rename stands.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes the temporary files a killed writer left in `folder` (ours and write-file-atomic's),
 * except those of a process that is still running. Returns the names removed.
 */
export async function removeStaleTempFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const ours = TEMP_PATTERN.exec(name);
    const stale = ours ? !isProcessAlive(Number(ours[2])) : LEGACY_TEMP_PATTERN.test(name);
    if (!stale) continue;
    await fs.promises.unlink(join(folder, name)).catch(() => undefined);
    removed.push(basename(name));
  }
  return removed;
}

/** True when a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
