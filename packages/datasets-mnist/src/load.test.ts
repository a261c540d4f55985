import { describe, expect, it } from 'vitest';
import { ChecksumError, sha256Hex } from './checksum.js';
import { gzip } from './gzip.js';
import { writeIdx } from './idx-write.js';
import { loadDataset } from './load.js';
import { type IdxDatasetInfo, MNIST } from './registry.js';

// A three-image data set described like a registry entry, with real digests.
const imagesFile = writeIdx({
  data: Uint8Array.from({ length: 12 }, (_, i) => i * 20),
  shape: [3, 2, 2],
});
const labelsFile = writeIdx({ data: new Uint8Array([2, 0, 1]), shape: [3] });
const imagesGz = gzip(imagesFile);
const labelsGz = gzip(labelsFile);

async function tinyInfo(): Promise<IdxDatasetInfo> {
  const entry = async (name: string, raw: Uint8Array, gz: Uint8Array) => ({
    name,
    raw: { bytes: raw.length, sha256: await sha256Hex(raw) },
    gz: { bytes: gz.length, sha256: await sha256Hex(gz) },
  });
  const images = await entry('tiny-images', imagesFile, imagesGz);
  const labels = await entry('tiny-labels', labelsFile, labelsGz);
  return {
    ...MNIST,
    id: 'tiny',
    classNames: ['a', 'b', 'c'],
    files: { train: { images, labels }, test: { images, labels } },
  };
}

/** A fetch that serves a few paths from memory: the browser path, without a network. */
function memoryFetch(files: Record<string, Uint8Array>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    const body = files[url];
    return body
      ? new Response(body.slice(), { status: 200 })
      : new Response('not found', { status: 404, statusText: 'Not Found' });
  }) as typeof fetch;
}

describe('loadDataset (browser path)', () => {
  it('loads from ArrayBuffers, raw or gzip, and verifies digests', async () => {
    const dataset = await loadDataset({
      dataset: await tinyInfo(),
      images: imagesGz.slice().buffer,
      labels: labelsFile,
    });
    expect(dataset.length).toBe(3);
    expect(Array.from(dataset.image(1))).toEqual([80, 100, 120, 140]);
    expect(dataset.classCounts()).toEqual([1, 1, 1]);
    expect(dataset.source.name).toBe('tiny/train');
  });

  it('fetches both files from a base URL', async () => {
    const fetchFiles = memoryFetch({
      'https://data.example/tiny/tiny-images.gz': imagesGz,
      'https://data.example/tiny/tiny-labels.gz': labelsGz,
    });
    const dataset = await loadDataset({
      dataset: await tinyInfo(),
      split: 'test',
      baseUrl: 'https://data.example/tiny',
      compressed: true,
      fetch: fetchFiles,
    });
    expect(dataset.label(0)).toBe(2);
    await expect(
      loadDataset({
        dataset: await tinyInfo(),
        baseUrl: 'https://data.example/',
        fetch: fetchFiles,
      }),
    ).rejects.toThrow('https://data.example/tiny-images: HTTP 404 Not Found');
  });

  it('fails loudly on a changed byte, and loads it with verify: false', async () => {
    const damaged = imagesFile.slice();
    damaged[20] ^= 1;
    const options = { dataset: await tinyInfo(), images: damaged, labels: labelsFile };
    await expect(loadDataset(options)).rejects.toBeInstanceOf(ChecksumError);
    await expect(loadDataset(options)).rejects.toThrow(
      /^<bytes>: SHA-256 mismatch: expected [0-9a-f]{64}, found/,
    );
    expect((await loadDataset({ ...options, verify: false })).image(1)[0]).toBe(80 ^ 1);
  });

  it('asks for a source when none is given', async () => {
    await expect(loadDataset({ dataset: await tinyInfo() })).rejects.toThrow(
      'loadDataset: give "train" tiny-images bytes or a URL, or a baseUrl',
    );
  });
});
