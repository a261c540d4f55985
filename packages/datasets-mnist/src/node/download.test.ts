// Downloads against a real HTTP server on 127.0.0.1, started inside this test file and serving
// generated IDX files. Nothing here leaves the machine.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectWriteFault } from '@lenet/tensor/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gzip } from '../gzip.js';
import { writeIdx } from '../idx-write.js';
import { type IdxDatasetInfo, MNIST } from '../registry.js';
import { defaultCacheDir } from './cache-dir.js';
import { DownloadError, type DownloadProgress, download } from './download.js';
import { loadDataset } from './load-node.js';
import { sha256Node } from './sha256-file.js';

function entry(name: string, raw: Uint8Array) {
  const gz = gzip(raw);
  return {
    info: {
      name,
      raw: { bytes: raw.length, sha256: sha256Node(raw) },
      gz: { bytes: gz.length, sha256: sha256Node(gz) },
    },
    gz,
  };
}

// Six 4x4 training images and two test images; image i is filled with 10 * i.
const images = (count: number, offset: number) =>
  Uint8Array.from({ length: count * 16 }, (_, p) => 10 * (offset + Math.floor(p / 16)));
const files = {
  trainImages: entry('train-images-idx3-ubyte', writeIdx({ data: images(6, 0), shape: [6, 4, 4] })),
  trainLabels: entry(
    'train-labels-idx1-ubyte',
    writeIdx({ data: new Uint8Array([1, 0, 1, 1, 0, 0]), shape: [6] }),
  ),
  testImages: entry('t10k-images-idx3-ubyte', writeIdx({ data: images(2, 6), shape: [2, 4, 4] })),
  testLabels: entry(
    't10k-labels-idx1-ubyte',
    writeIdx({ data: new Uint8Array([0, 1]), shape: [2] }),
  ),
};
const bodies = new Map(Object.values(files).map(({ info, gz }) => [`${info.name}.gz`, gz]));

const tiny: IdxDatasetInfo = {
  ...MNIST,
  id: 'tiny',
  classNames: ['even', 'odd'],
  files: {
    train: { images: files.trainImages.info, labels: files.trainLabels.info },
    test: { images: files.testImages.info, labels: files.testLabels.info },
  },
  mirrors: ['http://127.0.0.1:9/never-used/'],
  baseUrlVariable: 'LENET_TINY_BASE_URL',
};

let server: Server;
let base: string;
const requests: string[] = [];

/** Routes: /good/, /missing/ (404), /corrupt/ (a flipped byte), /truncated/ (connection
 * dropped halfway), /short/ (half the body, ends cleanly), /slow/ (headers, then silence). */
function handle(mode: string, body: Uint8Array, response: import('node:http').ServerResponse) {
  switch (mode) {
    case 'good':
      response.writeHead(200, { 'content-length': body.length }).end(body);
      return;
    case 'corrupt': {
      const damaged = body.slice();
      damaged[Math.floor(damaged.length / 2)] ^= 0xff;
      response.writeHead(200, { 'content-length': body.length }).end(damaged);
      return;
    }
    case 'truncated':
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, body.length >> 1), () => response.destroy());
      return;
    case 'short':
      response.writeHead(200).end(body.subarray(0, body.length >> 1));
      return;
    case 'slow':
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, 4)); // then nothing: the client must give up
      return;
    default:
      response.writeHead(404).end('not found');
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const [, mode, name] = (request.url ?? '').split('/');
    const body = bodies.get(name);
    if (!body) response.writeHead(404).end('not found');
    else handle(mode, body, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lenet-download-'));
  requests.length = 0;
  return () => rm(cacheDir, { recursive: true, force: true });
});

const cachedFiles = async () => (await readdir(join(cacheDir, 'tiny')).catch(() => [])).sort();

describe('download', () => {
  it('fetches every file into the cache, with progress, and loads the data set from it', async () => {
    const progress: DownloadProgress[] = [];
    const paths = await download(tiny, {
      cacheDir,
      mirrors: [`${base}/good/`],
      onProgress: (event) => progress.push(event),
    });
    expect(paths['train-images-idx3-ubyte']).toBe(
      join(cacheDir, 'tiny', 'train-images-idx3-ubyte.gz'),
    );
    expect(await cachedFiles()).toEqual([...bodies.keys()].sort());
    expect(new Uint8Array(await readFile(paths['t10k-labels-idx1-ubyte']))).toEqual(
      files.testLabels.gz,
    );
    const last = progress.filter((event) => event.file === 't10k-images-idx3-ubyte.gz').at(-1);
    expect(last).toEqual({
      dataset: 'tiny',
      file: 't10k-images-idx3-ubyte.gz',
      url: `${base}/good/t10k-images-idx3-ubyte.gz`,
      receivedBytes: files.testImages.gz.length,
      totalBytes: files.testImages.gz.length,
    });

    const test = await loadDataset({
      dataset: tiny,
      split: 'test',
      cacheDir,
      mirrors: [`${base}/good/`],
    });
    expect(test.length).toBe(2);
    expect(test.image(1)[0]).toBe(70);
    expect(test.classCounts()).toEqual([1, 1]);
  });

  it('reuses valid cached files without a request, and replaces a damaged one', async () => {
    await download(tiny, { cacheDir, mirrors: [`${base}/good/`] });
    requests.length = 0;
    const progress: DownloadProgress[] = [];
    await download(tiny, {
      cacheDir,
      mirrors: [`${base}/good/`],
      onProgress: (event) => progress.push(event),
    });
    expect(requests).toEqual([]);
    expect(progress.map((event) => event.url)).toEqual([null, null, null, null]);

    await writeFile(
      join(cacheDir, 'tiny', 'train-labels-idx1-ubyte.gz'),
      new Uint8Array(files.trainLabels.gz.length),
    );
    await download(tiny, { cacheDir, mirrors: [`${base}/good/`] });
    expect(requests).toEqual(['/good/train-labels-idx1-ubyte.gz']);
    expect(
      new Uint8Array(await readFile(join(cacheDir, 'tiny', 'train-labels-idx1-ubyte.gz'))),
    ).toEqual(files.trainLabels.gz);
  });

  it('tries the next mirror after a 404', async () => {
    await download(tiny, {
      cacheDir,
      mirrors: [`${base}/missing/`, `${base}/good/`],
      splits: ['test'],
    });
    expect(requests).toEqual([
      '/missing/t10k-images-idx3-ubyte.gz',
      '/good/t10k-images-idx3-ubyte.gz',
      '/missing/t10k-labels-idx1-ubyte.gz',
      '/good/t10k-labels-idx1-ubyte.gz',
    ]);
    expect(await cachedFiles()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
  });

  it('takes the base URL from the environment variable', async () => {
    await download(tiny, {
      cacheDir,
      splits: ['test'],
      environment: { LENET_TINY_BASE_URL: `${base}/good` },
    });
    expect(requests).toEqual([
      '/good/t10k-images-idx3-ubyte.gz',
      '/good/t10k-labels-idx1-ubyte.gz',
    ]);
  });

  const failures: [string, RegExp, object?][] = [
    ['missing', /HTTP 404 Not Found/],
    ['corrupt', /SHA-256 mismatch: expected [0-9a-f]{64}, received [0-9a-f]{64}/],
    ['truncated', /transfer interrupted after \d+ of \d+ bytes/],
    ['short', /truncated transfer: expected \d+ bytes, received \d+/],
    ['slow', /timed out: no data for 150 ms/, { timeoutMs: 150 }],
  ];
  for (const [mode, reason, extra] of failures) {
    it(`fails on a ${mode} transfer and leaves nothing in the cache`, async () => {
      const error = await download(tiny, {
        cacheDir,
        mirrors: [`${base}/${mode}/`],
        splits: ['test'],
        ...extra,
      }).catch((caught) => caught);
      expect(error).toBeInstanceOf(DownloadError);
      expect(error.file).toBe('t10k-images-idx3-ubyte.gz');
      expect(error.failures).toHaveLength(1);
      expect(error.message).toMatch(
        `could not download t10k-images-idx3-ubyte.gz:\n  ${base}/${mode}/t10k-images-idx3-ubyte.gz: `,
      );
      expect(error.message).toMatch(reason);
      expect(await cachedFiles()).toEqual([]);
    });
  }
});

describe('download onto a short-writing or full disk', () => {
  it('loops over short writes: the cached file is whole', async () => {
    const restore = injectWriteFault({ kind: 'short', chunkBytes: 7, pathIncludes: cacheDir });
    try {
      await download(tiny, { cacheDir, mirrors: [`${base}/good/`], splits: ['test'] });
    } finally {
      restore();
    }
    expect(
      new Uint8Array(await readFile(join(cacheDir, 'tiny', 't10k-images-idx3-ubyte.gz'))),
    ).toEqual(files.testImages.gz);
  });

  it.each(['enospc', 'zero'] as const)(
    'a full disk (%s) fails by name and caches nothing',
    async (kind) => {
      const restore = injectWriteFault({ kind, capacityBytes: 10, pathIncludes: cacheDir });
      const error = await download(tiny, { cacheDir, mirrors: [`${base}/good/`], splits: ['test'] })
        .catch((caught) => caught)
        .finally(restore);
      expect(error).toBeInstanceOf(DownloadError);
      expect(error.message).toMatch(/t10k-images-idx3-ubyte\.gz: .*no space left/i);
      expect(await cachedFiles()).toEqual([]);
    },
  );
});

describe('defaultCacheDir', () => {
  it('follows XDG on Linux, platform folders elsewhere, and LENET_CACHE_DIR everywhere', () => {
    expect(defaultCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/lenet');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/ada')).toBe('/xdg/lenet');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/ada')).toBe(
      '/home/ada/.cache/lenet',
    );
    expect(defaultCacheDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/lenet');
    expect(defaultCacheDir({ LENET_CACHE_DIR: '/tmp/c' }, 'linux', '/home/ada')).toBe('/tmp/c');
  });
});
