import type { Dataset } from '@lenet/datasets-mnist';
import { loadMnistSplit } from './mnist-data.js';
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

/** What every page shares: the URL, the data, the model that Draw shows. */
export class AppContext {
  readonly url = new UrlBinding();
  readonly models = new ModelStore();
  private testSet: Promise<Dataset> | null = null;

  /** The 10,000 MNIST test digits, fetched once. */
  mnistTest(): Promise<Dataset> {
    this.testSet ??= loadMnistSplit('test', MNIST_BASE);
    return this.testSet;
  }

  /** Switches to another page (adds a history entry). */
  navigate(page: Page, params: Record<string, string> = {}): void {
    location.hash = formatHash(page, params);
  }
}
