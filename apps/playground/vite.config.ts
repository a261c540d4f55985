import { defineConfig } from 'vite';
import { lenetSourcePlugin } from '../../vitest.shared.ts';
import { MNIST_DATA_PATH, mnistDataPlugin } from './vite/mnist-data-plugin.ts';
import { offlinePlugin } from './vite/offline-plugin.ts';

// Cross-origin isolation, so that SharedArrayBuffer (shared memory for data-parallel training
// workers, `@lenet/trainer`'s DataParallel) is available on the dev and preview servers.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Workspace packages are bundled from their TypeScript sources (the same code the tests run).
export default defineConfig({
  base: './',
  plugins: [
    lenetSourcePlugin(),
    mnistDataPlugin(),
    offlinePlugin({ exclude: (fileName) => fileName.startsWith(MNIST_DATA_PATH) }),
  ],
  worker: {
    format: 'es',
    plugins: () => [lenetSourcePlugin()],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: { headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
});
