import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor, writeAll } from '@lenet/tensor/node';
import { formatCount } from '../idx-format-error.js';
import {
  datasetFiles,
  type IdxDatasetInfo,
  type IdxFileInfo,
  idxDataset,
  type MirrorOptions,
  resolveMirrors,
  type Split,
} from '../registry.js';
import { defaultCacheDir } from './cache-dir.js';
import { sha256File } from './sha256-file.js';

export interface DownloadProgress {
  readonly dataset: string;
  /** The file being fetched, e.g. "train-images-idx3-ubyte.gz". */
  readonly file: string;
  /** The URL being read, or null when the file came from the cache. */
  readonly url: string | null;
  readonly receivedBytes: number;
  readonly totalBytes: number;
}

export interface DownloadOptions extends MirrorOptions {
  /** Cache root; files go to `${cacheDir}/${dataset.id}/`. Default `defaultCacheDir()`. */
  cacheDir?: string;
  /** Called after every received chunk, and once for each file found in the cache. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Give up on a mirror after this long without receiving a byte. Default 30,000 ms. */
  timeoutMs?: number;
  /** Which splits to fetch. Default both. */
  splits?: readonly Split[];
  /** Where the base-URL variable is looked up. Default `process.env`. */
  environment?: Readonly<Record<string, string | undefined>>;
}

/** Every mirror failed for one file; `failures` says why, mirror by mirror. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly file: string;
  readonly failures: readonly string[];

  constructor(file: string, failures: readonly string[]) {
    super(`could not download ${file}:\n  ${failures.join('\n  ')}`);
    this.file = file;
    this.failures = failures;
  }
}

/**
 * Fetches the gzip files of `dataset` into the cache and returns their paths, keyed by
 * uncompressed file name. A cached file is reused when its size and SHA-256 match; otherwise
 * the mirrors are tried in order. Each download streams into a temp file beside the target,
 * is checked, and only then renamed into place, so the cache never holds a file that looks
 * valid but is not.
 */
export async function download(
  dataset: string | IdxDatasetInfo,
  options: DownloadOptions = {},
): Promise<Record<string, string>> {
  const info = idxDataset(dataset);
  const directory = join(options.cacheDir ?? defaultCacheDir(), info.id);
  await mkdir(directory, { recursive: true });
  const mirrors = resolveMirrors(info, options, options.environment ?? process.env);
  const paths: Record<string, string> = {};
  for (const file of datasetFiles(info, options.splits)) {
    paths[file.name] = await downloadFile(info, file, directory, mirrors, options);
  }
  return paths;
}

async function downloadFile(
  info: IdxDatasetInfo,
  file: IdxFileInfo,
  directory: string,
  mirrors: readonly string[],
  options: DownloadOptions,
): Promise<string> {
  const fileName = `${file.name}.gz`;
  const target = join(directory, fileName);
  if (await isValidCachedFile(target, file)) {
    options.onProgress?.({
      dataset: info.id,
      file: fileName,
      url: null,
      receivedBytes: file.gz.bytes,
      totalBytes: file.gz.bytes,
    });
    return target;
  }
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = new URL(fileName, mirror).href;
    const temp = tempPathFor(target);
    try {
      await fetchToFile(
        url,
        temp,
        file,
        (receivedBytes) =>
          options.onProgress?.({
            dataset: info.id,
            file: fileName,
            url,
            receivedBytes,
            totalBytes: file.gz.bytes,
          }),
        options.timeoutMs ?? 30_000,
      );
      await rename(temp, target);
      return target;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      failures.push(`${url}: ${describe(error)}`);
    }
  }
  throw new DownloadError(fileName, failures);
}

async function isValidCachedFile(path: string, file: IdxFileInfo): Promise<boolean> {
  try {
    if ((await stat(path)).size !== file.gz.bytes) return false;
  } catch {
    return false;
  }
  return (await sha256File(path)) === file.gz.sha256;
}

/** Streams `url` into `path`, hashing as it goes; throws on HTTP errors, stalls and bad bytes. */
async function fetchToFile(
  url: string,
  path: string,
  file: IdxFileInfo,
  onChunk: (receivedBytes: number) => void,
  timeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  // Through fs.promises at call time, so tests can inject a full disk (injectWriteFault).
  const handle = await fs.promises.open(path, 'w');
  let received = 0;
  try {
    armTimer();
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    const hash = createHash('sha256');
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (controller.signal.aborted) throw error;
        throw new Error(
          `transfer interrupted after ${formatCount(received)} of ${formatCount(file.gz.bytes)} bytes (${describe(error)})`,
        );
      }
      if (chunk.done) break;
      armTimer();
      received += chunk.value.length;
      if (received > file.gz.bytes) {
        throw new Error(`more than the expected ${formatCount(file.gz.bytes)} bytes`);
      }
      hash.update(chunk.value);
      await writeAll(handle, chunk.value, received - chunk.value.length);
      onChunk(received);
    }
    if (received !== file.gz.bytes) {
      throw new Error(
        `truncated transfer: expected ${formatCount(file.gz.bytes)} bytes, received ${formatCount(received)}`,
      );
    }
    const digest = hash.digest('hex');
    if (digest !== file.gz.sha256) {
      throw new Error(`SHA-256 mismatch: expected ${file.gz.sha256}, received ${digest}`);
    }
    await handle.sync();
    const { size } = await handle.stat();
    if (size !== received) {
      throw new Error(
        `the file holds ${formatCount(size)} bytes after writing ${formatCount(received)}`,
      );
    }
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`timed out: no data for ${formatCount(timeoutMs)} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    await handle.close();
  }
}

/** undici reports a dropped connection as "terminated" with the socket error as its cause. */
function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: Error })?.cause?.message;
  return cause ? `${message}: ${cause}` : message;
}
