import { defineConfig } from 'vite';
import { lenetSourcePlugin } from '../../vitest.shared.ts';
import { MNIST_DATA_PATH, mnistDataPlugin } from './vite/mnist-data-plugin.ts';
import { offlinePlugin } from './vite/offline-plugin.ts';

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
  preview: { host: '127.0.0.1' },
});
