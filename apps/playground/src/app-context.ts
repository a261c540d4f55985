import { type Dataset, loadDataset } from '@lenet/datasets-mnist';
import { ModelStore } from './models.js';
import { formatHash, type Page, parseHash } from './url-state.js';

/** Where the site serves MNIST (see vite/mnist-data-plugin.ts). */
export const MNIST_BASE = new URL('data/mnist/', document.baseURI).href;

/** Reads the URL state of one page and writes it back without adding history entries. */
export class UrlBinding {
  private readonly last = new Map<Page, Record<string, string>>();
  /** Called after a page wrote its state (the navigation keeps each page's last link). */
  onWrite: (page: Page, hash: string) => void = () => {};

  params(page: Page): Record<string, string> {
    const state = parseHash(location.hash);
    return state.page === page ? state.params : (this.last.get(page) ?? {});
  }

  write(page: Page, params: Record<string, string>): void {
    this.last.set(page, params);
    const hash = formatHash(page, params);
    if (parseHash(location.hash).page === page && location.hash !== hash) {
      history.replaceState(null, '', hash);
    }
    this.onWrite(page, hash);
  }
}

/** Fetches a gzipped file and returns the decompressed bytes (the browser's own gunzip). */
export async function fetchGunzipped(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A server may have decoded it already (Content-Encoding: gzip): check the magic bytes.
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One split of MNIST from this site, checked against the registry's SHA-256 of the raw files. */
export async function loadMnistSplit(split: 'train' | 'test', base = MNIST_BASE): Promise<Dataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const [images, labels] = await Promise.all([
    fetchGunzipped(`${base}${prefix}-images-idx3-ubyte.gz`),
    fetchGunzipped(`${base}${prefix}-labels-idx1-ubyte.gz`),
  ]);
  return loadDataset({ split, images, labels, verify: globalThis.crypto?.subtle !== undefined });
}

/** What every page shares: the URL, the data, the model that Draw shows. */
export class AppContext {
  readonly url = new UrlBinding();
  readonly models = new ModelStore();
  private testSet: Promise<Dataset> | null = null;

  /** The 10,000 MNIST test digits, fetched once. */
  mnistTest(): Promise<Dataset> {
    this.testSet ??= loadMnistSplit('test');
    return this.testSet;
  }

  /** Switches to another page (adds a history entry). */
  navigate(page: Page, params: Record<string, string> = {}): void {
    location.hash = formatHash(page, params);
  }
}
