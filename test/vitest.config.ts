import { defineConfig } from 'vitest/config';

// The repository-level tests (README examples run as written).
export default defineConfig({
  test: {
    name: 'repository',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    testTimeout: 180_000,
  },
});
