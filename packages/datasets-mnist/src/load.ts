import { type Sha256, verifyFileBytes } from './checksum.js';
import { type Dataset, datasetFromIdx } from './dataset.js';
import { readIdx } from './idx-read.js';
import { type IdxDatasetInfo, type IdxFileInfo, idxDataset, type Split } from './registry.js';

/** Where bytes come from: in memory, or a URL to fetch (a string is read as a URL). */
export type ByteSource = ArrayBuffer | ArrayBufferView | URL | string;

export interface LoadDatasetOptions {
  /** Default 'train'. */
  split?: Split;
  /** Registry name or entry; default 'mnist'. */
  dataset?: string | IdxDatasetInfo;
  /** The image file (raw or gzip): bytes or a URL. Default `${baseUrl}${file name}`. */
  images?: ByteSource;
  /** The label file (raw or gzip): bytes or a URL. */
  labels?: ByteSource;
  /** Where to fetch both files from when `images`/`labels` are not given. */
  baseUrl?: string | URL;
  /** Fetch `${name}.gz` instead of `${name}` from `baseUrl`. Default false. */
  compressed?: boolean;
  /** Check sizes and SHA-256 against the registry (default true). */
  verify?: boolean;
  /** Replaces `globalThis.fetch` (tests, custom caching). */
  fetch?: typeof globalThis.fetch;
  /** Replaces the Web Crypto SHA-256 (the Node entry passes node:crypto's). */
  sha256?: Sha256;
}

/**
 * Loads one split of an IDX data set from memory or over HTTP: in a browser
 * `await loadDataset({ split: 'test', baseUrl: '/data/mnist/' })`. The Node entry
 * (`@lenet/datasets-mnist/node`) adds the bundled MNIST and the download cache.
 */
export async function loadDataset(options: LoadDatasetOptions = {}): Promise<Dataset> {
  const info = idxDataset(options.dataset ?? 'mnist');
  const split = options.split ?? 'train';
  const { images: imagesFile, labels: labelsFile } = info.files[split];
  const suffix = options.compressed ? '.gz' : '';
  const sourceFor = (file: IdxFileInfo, given: ByteSource | undefined): ByteSource => {
    if (given !== undefined) return given;
    if (options.baseUrl === undefined) {
      throw new TypeError(`loadDataset: give "${split}" ${file.name} bytes or a URL, or a baseUrl`);
    }
    return new URL(file.name + suffix, withSlash(options.baseUrl));
  };
  const [imageBytes, labelBytes] = await Promise.all([
    readSource(sourceFor(imagesFile, options.images), options.fetch),
    readSource(sourceFor(labelsFile, options.labels), options.fetch),
  ]);
  if (options.verify ?? true) {
    await Promise.all([
      verifyFileBytes(imageBytes.bytes, imagesFile, imageBytes.name, options.sha256),
      verifyFileBytes(labelBytes.bytes, labelsFile, labelBytes.name, options.sha256),
    ]);
  }
  return datasetFromIdx(
    readIdx(imageBytes.bytes, { fileName: imageBytes.name }),
    readIdx(labelBytes.bytes, { fileName: labelBytes.name }),
    {
      imagesFile: imageBytes.name,
      labelsFile: labelBytes.name,
      classNames: info.classNames,
      name: `${info.id}/${split}`,
    },
  );
}

/** `loadDataset` with `dataset: 'mnist'`. */
export function loadMnist(options: Omit<LoadDatasetOptions, 'dataset'> = {}): Promise<Dataset> {
  return loadDataset({ ...options, dataset: 'mnist' });
}

async function readSource(
  source: ByteSource,
  fetchFunction: typeof globalThis.fetch = globalThis.fetch,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof ArrayBuffer)
    return { bytes: new Uint8Array(source), name: '<ArrayBuffer>' };
  if (ArrayBuffer.isView(source)) {
    return {
      bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength),
      name: '<bytes>',
    };
  }
  const url = String(source);
  const response = await fetchFunction(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), name: url };
}

function withSlash(base: string | URL): string {
  const text = String(base);
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text)
    ? text
    : new URL(text, globalThis.location?.href).href;
  return absolute.endsWith('/') ? absolute : `${absolute}/`;
}
