/** MNIST from this site's own static files (see vite/mnist-data-plugin.ts); works in workers. */
import { type Dataset, isGzip, loadDataset } from '@lenet/datasets-mnist';

/** Fetches a gzipped file and returns the decompressed bytes (the browser's own gunzip). */
export async function fetchGunzipped(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A server may have decoded it already (Content-Encoding: gzip): trust the magic bytes.
  if (!isGzip(bytes)) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * One split of MNIST from `base` (the site's data/mnist/ folder), checked against the
 * registry's SHA-256 of the raw files where Web Crypto is available (secure contexts).
 */
export async function loadMnistSplit(split: 'train' | 'test', base: string): Promise<Dataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const [images, labels] = await Promise.all([
    fetchGunzipped(`${base}${prefix}-images-idx3-ubyte.gz`),
    fetchGunzipped(`${base}${prefix}-labels-idx1-ubyte.gz`),
  ]);
  return loadDataset({ split, images, labels, verify: globalThis.crypto?.subtle !== undefined });
}
