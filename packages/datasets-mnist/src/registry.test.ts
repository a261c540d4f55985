import { describe, expect, it } from 'vitest';
import {
  datasetFiles,
  FASHION_MNIST,
  IDX_DATASETS,
  idxDataset,
  MNIST,
  resolveMirrors,
} from './registry.js';

describe('IDX data set registry', () => {
  it('lists MNIST, Fashion-MNIST and Kuzushiji-MNIST with four files each', () => {
    expect(Object.keys(IDX_DATASETS)).toEqual(['mnist', 'fashion-mnist', 'kmnist']);
    for (const info of Object.values(IDX_DATASETS)) {
      const files = datasetFiles(info);
      expect(files.map((file) => file.name)).toEqual([
        'train-images-idx3-ubyte',
        'train-labels-idx1-ubyte',
        't10k-images-idx3-ubyte',
        't10k-labels-idx1-ubyte',
      ]);
      expect(files.map((file) => file.raw.bytes)).toEqual([47_040_016, 60_008, 7_840_016, 10_008]);
      for (const file of files) expect(file.gz.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(info.classNames.length).toBe(10);
      expect(info.mirrors.length).toBeGreaterThan(0);
    }
  });

  it('says which digest applies to which form', () => {
    expect(MNIST.files.train.images.gz).toEqual({
      bytes: 9_912_422,
      sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    });
    expect(MNIST.files.train.images.raw.sha256).toBe(
      'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    );
    // Only the .gz digests of Fashion-MNIST are published.
    expect(FASHION_MNIST.files.test.labels.raw.sha256).toBeNull();
  });

  it('resolves names and rejects unknown ones', () => {
    expect(idxDataset('kmnist').classNames[0]).toBe('o');
    expect(idxDataset(MNIST)).toBe(MNIST);
    expect(() => idxDataset('emnist')).toThrow(
      'unknown IDX data set "emnist": expected one of mnist, fashion-mnist, kmnist',
    );
  });

  it('picks mirrors: option list, then base URL option, then environment, then registry', () => {
    const environment = { LENET_MNIST_BASE_URL: 'http://env.example/mnist' };
    expect(resolveMirrors(MNIST, { mirrors: ['http://a/', 'http://b'] }, environment)).toEqual([
      'http://a/',
      'http://b/',
    ]);
    expect(resolveMirrors(MNIST, { baseUrl: new URL('http://c/d') }, environment)).toEqual([
      'http://c/d/',
    ]);
    expect(resolveMirrors(MNIST, {}, environment)).toEqual(['http://env.example/mnist/']);
    expect(resolveMirrors(MNIST)).toEqual(MNIST.mirrors);
  });
});
