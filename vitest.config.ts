import { defineConfig } from 'vitest/config';

// One run over every workspace project (each has its own vitest.config.ts).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      // packs every package and installs the tarballs with npm, as a user would
      'test/consumer/vitest.config.ts',
    ],
  },
});
